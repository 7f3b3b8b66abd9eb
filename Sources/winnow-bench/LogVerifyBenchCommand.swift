import ArgumentParser
import Foundation
import ProvenanceLog
import WinnowCore

/// `winnow-bench log-verify-bench`: builds a log of N entries, then times `LogVerifier.verify`.
///
/// The log is written directly with a correct chain (sealing each entry, buffered writes, one
/// fsync at the end) rather than by N fsynced appends, which would measure the disk instead of
/// the verifier. The entries are the same decisions `log-append` writes, so the line sizes are
/// realistic. The target: a million entries in well under 3 s.
struct LogVerifyBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log-verify-bench",
        abstract: "Write a log of N entries and time verifying it (median of several runs).")

    @Option(help: "Entries in the log.")
    var entries: Int = 1_000_000

    @Option(help: "Folder for the log (created if missing).")
    var dir: String

    @Option(help: "Timed verify runs; the median is reported.")
    var runs: Int = 5

    @Flag(help: "Reuse the log left in --dir by an earlier run instead of writing a new one.")
    var reuse = false

    func validate() throws {
        guard entries >= 1 else { throw ValidationError("--entries must be at least 1") }
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
    }

    func run() throws {
        try FilePermissions.createDirectory(dir)
        let path = dir + "/provenance.jsonl"
        var bytes = 0
        var st = stat()
        if reuse && stat(path, &st) == 0 {
            bytes = Int(st.st_size)
            writeLine("reusing \(path) (\(bytes) bytes)")
        } else {
            let writeStart = monotonicNanoseconds()
            bytes = try LogVerifyBenchCommand.writeLog(path: path, entries: entries)
            let writeSeconds = Double(monotonicNanoseconds() - writeStart) / 1e9
            writeLine(String(
                format: "wrote %d entries (%.1f MB) in %.2f s: %@", entries, Double(bytes) / 1e6, writeSeconds, path))
        }
        var times: [Double] = []
        for run in 1...runs {
            let start = monotonicNanoseconds()
            let result = try LogVerifier.verify(path: path)
            let seconds = Double(monotonicNanoseconds() - start) / 1e9
            guard case .ok(let count, _, _) = result, count == entries else {
                throw ValidationError("verify did not pass: \(result)")
            }
            times.append(seconds)
            writeLine(String(format: "verify run %d: %.3f s", run, seconds))
        }
        let median = times.sorted()[times.count / 2]
        writeLine(String(
            format: "verify %d entries: median %.3f s of %d runs (%.0f entries/s, %.0f MB/s)",
            entries, median, runs, Double(entries) / median, Double(bytes) / 1e6 / median))
    }

    /// Writes `entries` chained entries to `path` (replacing it); returns the file size.
    static func writeLog(path: String, entries: Int) throws -> Int {
        unlink(path)
        let (fd, _) = try FilePermissions.createFile(path, flags: O_WRONLY | O_TRUNC)
        defer { close(fd) }
        let actor = LogActor.current
        var head = LogHead.empty
        var buffer: [UInt8] = []
        buffer.reserveCapacity(9 << 20)
        var total = 0
        func flush() throws {
            try buffer.withUnsafeBytes { raw in
                var done = 0
                while done < raw.count {
                    let n = write(fd, raw.baseAddress! + done, raw.count - done)
                    guard n > 0 else { throw LogError.io(file: path, operation: "write", errno: errno) }
                    done += n
                }
            }
            total += buffer.count
            buffer.removeAll(keepingCapacity: true)
        }
        let ts = LogTimestamp.now()
        for number in 0..<entries {
            let payload = LogAppendCommand.payload(prefix: "bench", number: number)
            let (entry, line) = try LogEntry.seal(
                seq: head.seq + 1, prev: head.hash, ts: ts, actor: actor, tool: LogFile.defaultTool,
                kind: DecisionPayload.kind.rawValue, fields: payload.toFields())
            buffer.append(contentsOf: line)
            head = LogHead(seq: entry.seq, hash: entry.hash)
            if buffer.count >= 8 << 20 { try flush() }
        }
        try flush()
        _ = fsync(fd)
        return total
    }
}
