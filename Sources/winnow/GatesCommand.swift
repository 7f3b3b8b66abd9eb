import ArgumentParser
import Foundation
import WinnowCore
import Workspace

struct GatesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gates",
        abstract: "Show what the automatic gates flagged; --rerun applies them again (after a config change).")

    @OptionGroup var workspace: WorkspaceOption
    @Flag(help: "Run every gate again and log what changed.")
    var rerun = false
    @Flag(help: "List each flagged row with its reason and what matched.")
    var rows = false
    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        // Listing only reads; a rerun, or gates an import left pending, write.
        var session = try workspace.open(access: rerun ? .readWrite : .readOnly, finishesGates: true)
        let pending = rerun ? 0 : try session.index.pendingGateRows()
        if rerun {
            let summary = try session.runGates(everything: true)
            if !json { GatesReport.print(summary) }
        } else if pending > 0 {
            do {
                session = try workspace.open(access: .readWrite, finishesGates: true)
            } catch let error as WorkspaceError {
                guard case .readOnlyWorkspace = error else { throw error }
                // Listed from the read-only session below, with the warning and why not finished.
                Output.error("winnow: warning: " + WorkspaceError.pendingGatesWarning(pending)
                             + "; not finished now: " + Output.safe(error.message))
            }
            if session.index.access == .readWrite {
                if !json { Output.line("Finishing the gates of \(pending) rows an import left pending") }
                let summary = try session.runGates()
                if !json { GatesReport.print(summary) }
            }
        }
        let counts = try session.index.flagCounts()
        if json {
            Output.json(.object([("flags", .array(counts.map {
                .object([("gate", .string($0.gate)), ("action", .string($0.action)), ("rows", .int($0.count))])
            }))]))
            return
        }
        Output.line("Gate verdicts standing:")
        for c in counts { Output.line("  \(c.gate.padding(toLength: 16, withPad: " ", startingAt: 0)) \(c.action.padding(toLength: 7, withPad: " ", startingAt: 0)) \(c.count)") }
        if counts.isEmpty { Output.line("  none") }
        guard rows else { return }
        for (id, byGate) in try session.index.flags().sorted(by: { $0.key < $1.key }) {
            for (gate, flag) in byGate.sorted(by: { $0.key < $1.key }) {
                let first = flag.detail["matches"]?.arrayValue?.first
                let matched = first?["matched"]?.stringValue.map { " \"\(Output.safe(String($0.prefix(60))))\"" } ?? ""
                let action = gate == "slice-tag" ? "tag" : flag.action.rawValue
                let slices = gate == "slice-tag" ? " " + GateFlag.taggedSlices(flag.detail).joined(separator: ",") : ""
                Output.line("\(Output.safe(id))  \(gate) \(action) \(Output.safe(flag.reason))\(Output.safe(slices))\(matched)")
            }
        }
    }
}

/// The lines a gate run prints (after `gates --rerun` and after an import).
enum GatesReport {
    static func print(_ s: GateRunSummary) {
        let rows = s.incremental ? "\(s.rows) new rows (against \(s.existing) existing)" : "\(s.rows) rows"
        Output.line("Gates over \(rows): \(s.flagged) flagged, \(s.rejected) rejected, \(s.cleared) cleared, \(s.unchanged) unchanged"
                    + (s.tagged > 0 ? "; \(s.tagged) given a slice by the classifier" : ""))
        for (gate, n) in s.byGate.sorted(by: { $0.key < $1.key }) { Output.line("  \(gate): \(n) new verdicts") }
        for warning in s.warnings { Output.error("winnow: warning: \(Output.safe(warning))") }
    }
}
