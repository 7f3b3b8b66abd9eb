import ArgumentParser
import Foundation
import ProvenanceLog
import WinnowCore

/// `winnow-bench log-append`: appends small decision entries to a log, one fsynced append at a
/// time (or in batches).
///
/// It is both a benchmark ("one append with fdatasync, p99 under 2 ms": `--stats`) and the
/// writer process the log's tests start: eight at once to prove appends from many processes form
/// one chain, and one killed at random moments to prove an acknowledged entry is never lost.
/// `--ack` prints "seq hash" for each entry as soon as its append returned, that is after its
/// fdatasync, unbuffered, so whatever the test read before the kill was durable.
struct LogAppendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log-append",
        abstract: "Append small decision entries to a provenance log, fsyncing each append.")

    @Option(help: "The log file (created if missing).")
    var log: String

    @Option(help: "Entries to append.")
    var count: Int = 1000

    @Option(help: "Entries per append (one write and one fdatasync each).")
    var batch: Int = 1

    @Flag(help: "Print \"seq hash\" for each entry once its append has returned.")
    var ack = false

    @Flag(help: "Print append latency percentiles (p50, p99, max) in microseconds.")
    var stats = false

    @Option(help: "Row id prefix (default: the process id), so entries from different writers differ.")
    var label: String?

    func validate() throws {
        guard count >= 0 else { throw ValidationError("--count must be 0 or more") }
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1") }
    }

    func run() throws {
        let file = try LogFile.open(at: log)
        for repair in file.repairs { writeLine(repair.message, to: 2) }
        let prefix = label ?? String(getpid())
        var latency = LatencyStats()
        let started = monotonicNanoseconds()
        var written = 0
        while written < count {
            let size = min(batch, count - written)
            let payloads: [any LogPayload] = (0..<size).map { offset in
                LogAppendCommand.payload(prefix: prefix, number: written + offset)
            }
            let before = monotonicNanoseconds()
            let entries = try file.append(payloads)
            latency.record(monotonicNanoseconds() - before)
            if ack {
                for entry in entries { writeLine("\(entry.seq) \(entry.hash)") }
            }
            written += size
        }
        for repair in file.repairs.dropFirst() { writeLine(repair.message, to: 2) }
        if stats {
            let seconds = Double(monotonicNanoseconds() - started) / 1e9
            writeLine(latency.summary(label: "append (batch \(batch), with fdatasync)"))
            writeLine(String(format: "%d entries in %.3f s (%.0f entries/s)", count, seconds, Double(count) / max(seconds, 1e-9)))
        }
    }

    /// A decision entry of realistic size: row id, row hash, slice, reason, a short note.
    static func payload(prefix: String, number: Int) -> DecisionPayload {
        let actions: [DecisionPayload.Action] = [.accept, .accept, .accept, .reject, .flag]
        let action = actions[number % actions.count]
        let row = "\(prefix)-\(number)"
        return DecisionPayload(
            row: row, action: action, rowHash: ContentHash.hex(Array(row.utf8)),
            reason: action == .accept ? nil : "off-topic", note: number % 7 == 0 ? "checked against the source" : nil,
            slice: ["safety", "legal", "medical", "billing", "general"][number % 5], spentMs: 800 + number % 9000)
    }
}
