import ArgumentParser
import Foundation

/// `winnow-bench gates`: what the gates add to an import (issue 10). Per round, in fresh
/// workspaces: `winnow import --no-gates FILE`, then `winnow import FILE` (every gate), then
/// `winnow import ADD` into the gated workspace (the new rows against the existing ones). Reports
/// medians of time and peak RSS, the ratio gated / ungated, and the log bytes the gates added
/// per imported row (the gated workspace's log minus the ungated one's).
struct GatesBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gates",
        abstract: "Import with all gates vs --no-gates on the same file, then a small import into the gated workspace.")

    @Argument(help: "The JSONL file (e.g. from make_rows.py --rows 1000000).")
    var file: String

    @Option(help: "A small JSONL file imported into the gated workspace afterwards (e.g. 1,000 more rows).")
    var add: String?

    @Option(help: "Rounds; medians are reported.")
    var runs: Int = 3

    @Option(help: "Folder for the throwaway workspaces.")
    var scratch: String = NSTemporaryDirectory()

    func validate() throws {
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
        for path in [file] + (add.map { [$0] } ?? []) where !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("\(path): no such file")
        }
    }

    func run() throws {
        let winnow = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("winnow").path
        let helper = ImportBenchCommand.parseOrExit([file])
        let rows = try helper.countLines(file)
        var plain: [ChildRun] = [], gated: [ChildRun] = [], added: [ChildRun] = []
        var logBytesPerRow: [Double] = [], addLogBytes: [Double] = []
        for round in 0..<runs {
            let base = scratch + "/winnow-gates-bench-\(getpid())-\(round)"
            try? FileManager.default.removeItem(atPath: base)
            defer { try? FileManager.default.removeItem(atPath: base) }
            var logs: [Int] = []
            for (name, arguments) in [("plain", ["--no-gates"]), ("gated", [])] {
                let ws = base + "/" + name
                guard try ChildRun.run(winnow, ["init", ws]).status == 0 else { throw ValidationError("winnow init \(ws) failed") }
                try helper.warm(file)
                let run = try ChildRun.run(winnow, ["import"] + arguments + ["--workspace", ws, file])
                guard run.status == 0 || run.status == 3 else { throw ValidationError("winnow import \(arguments) exited \(run.status)") }
                if name == "plain" { plain.append(run) } else { gated.append(run) }
                logs.append(try logSize(ws))
                print(String(format: "round %d %@: %.2f s, %.2f CPU s, peak RSS %.0f MB", round + 1, name, run.seconds, run.cpuSeconds, run.peakRSSMB))
            }
            logBytesPerRow.append(Double(logs[1] - logs[0]) / Double(rows))
            if let add {
                let ws = base + "/gated", before = try logSize(ws)
                let run = try ChildRun.run(winnow, ["import", "--workspace", ws, add])
                guard run.status == 0 || run.status == 3 else { throw ValidationError("winnow import \(add) exited \(run.status)") }
                added.append(run)
                addLogBytes.append(Double(try logSize(ws) - before))
                print(String(format: "round %d add: %.2f s, %.2f CPU s, peak RSS %.0f MB", round + 1, run.seconds, run.cpuSeconds, run.peakRSSMB))
            }
        }
        let p = helper.median(plain.map(\.seconds)), g = helper.median(gated.map(\.seconds))
        print(String(format: "import --no-gates: median %.2f s, %.2f CPU s, peak RSS %.0f MB (%d rows)", p,
                     helper.median(plain.map(\.cpuSeconds)), plain.map(\.peakRSSMB).max() ?? 0, rows))
        print(String(format: "import (all gates): median %.2f s, %.2f CPU s, peak RSS %.0f MB", g,
                     helper.median(gated.map(\.cpuSeconds)), gated.map(\.peakRSSMB).max() ?? 0))
        print(String(format: "ratio gated / ungated: %.2fx; log bytes the gates added: %.2f per row", g / p, helper.median(logBytesPerRow)))
        if !added.isEmpty {
            print(String(format: "import of %@ into the gated workspace: median %.2f s, peak RSS %.0f MB, log +%.0f bytes",
                         (add! as NSString).lastPathComponent, helper.median(added.map(\.seconds)), added.map(\.peakRSSMB).max() ?? 0,
                         helper.median(addLogBytes)))
        }
    }

    func logSize(_ ws: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: ws + "/log/provenance.jsonl")[.size] as? Int) ?? 0
    }
}
