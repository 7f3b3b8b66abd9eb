import Foundation
import GRDB
import ProvenanceLog
import WinnowCore

/// A gate run's verdicts on disk: `gates/<sha256>.jsonl`, one canonical `gate` verdict per line,
/// written like a source (temporary name, fsync, rename, read-only: `GateRunner.VerdictLines`)
/// and never changed. The run's single `gate-run` log entry pins the file by hash, so the log
/// stays small and the chain still covers every verdict.
///
/// Every reader checks the file's SHA-256 against the entry before it parses a line and fails
/// closed, naming the file, when the file is missing or altered: a verdict the log cannot vouch
/// for is never applied, and never skipped in silence either.
enum GateVerdictFile {
    /// The verdicts a `gate-run` entry pins, checked against its hash and count.
    static func verdicts(of run: GateRunPayload, seq: Int, paths: WorkspacePaths) throws -> [GatePayload] {
        let path = paths.verdictFile(run.verdicts), display = paths.display(path)
        return try parse(try read(path, expected: run.verdicts, display: display, seq: seq), of: run, seq: seq, display: display)
    }

    /// The verdicts in a file's bytes (already checked against the run's hash), every line
    /// checked, their number against the run's count.
    static func parse(_ bytes: [UInt8], of run: GateRunPayload, seq: Int, display: String) throws -> [GatePayload] {
        // Lines are found first (a byte scan), then parsed on all cores: a whole run over a
        // million rows pins a third of a million verdicts, and parsing each one (and checking it
        // is canonical) is the costly part. The first bad line in file order is the one reported.
        var lines: [Range<Int>] = []
        lines.reserveCapacity(run.count)
        var start = 0
        while start < bytes.count {
            guard let end = bytes[start...].firstIndex(of: 0x0A) else {
                throw WorkspaceError.verdictFile(path: display, reason: "line \(lines.count + 1) has no newline at its end")
            }
            lines.append(start..<end)
            start = end + 1
        }
        guard lines.count == run.count else {
            throw WorkspaceError.verdictFile(
                path: display, reason: "holds \(lines.count) verdicts where gate-run entry #\(seq) says \(run.count)")
        }
        let parts = max(1, min(GateRunner.maxParts, lines.count / 2048 + 1))
        let slots = UnsafeSlots<Result<[GatePayload], Error>>(count: parts)
        let shared = UnsafeSendable((bytes: bytes, lines: lines))
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let all = shared.value.lines
            let lower = all.count * part / parts, upper = all.count * (part + 1) / parts
            var out: [GatePayload] = []
            out.reserveCapacity(upper - lower)
            for k in lower..<upper {
                do {
                    out.append(try Self.verdict(Array(shared.value.bytes[all[k]]), line: k + 1, of: run, seq: seq, display: display))
                } catch {
                    slots.set(part, .failure(error))
                    return
                }
            }
            slots.set(part, .success(out))
        }
        var result: [GatePayload] = []
        result.reserveCapacity(lines.count)
        for slot in slots.values { result += try slot.get() }
        return result
    }

    /// One verdict line, every problem named with the file, the line and the field.
    private static func verdict(_ line: [UInt8], line number: Int, of run: GateRunPayload, seq: Int, display: String) throws -> GatePayload {
        do {
            return try GatePayload(verdictLine: line, config: run.config, seq: seq, file: display, line: number)
        } catch {
            if case let .badPayload(_, _, _, field, problem) = error {
                throw WorkspaceError.verdictFile(
                    path: "\(display):\(number)", reason: "field \"\(field)\" \(problem) (a verdict of gate-run entry #\(seq))")
            }
            throw WorkspaceError.verdictFile(path: "\(display):\(number)", reason: error.message)
        }
    }

    /// The file's bytes once their SHA-256 matches `expected`.
    static func read(_ path: String, expected: String, display: String, seq: Int?) throws -> [UInt8] {
        let entry = seq.map { "gate-run entry #\($0)" } ?? "the gate run"
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path)
                ? "cannot be read (\(entry) pins its verdicts by this hash)"
                : "is missing (\(entry) pins its verdicts by this hash)"
            throw WorkspaceError.verdictFile(path: display, reason: reason)
        }
        let bytes = [UInt8](data)
        let found = bytes.withUnsafeBufferPointer { ContentHash.hex($0) }
        guard found == expected else {
            throw WorkspaceError.verdictFile(
                path: display, reason: "was altered: its SHA-256 is \(found), \(entry) says \(expected)")
        }
        return bytes
    }

    /// Checks every verdict file the log pins (for `winnow log verify`): present, unaltered,
    /// every line a valid verdict. Returns how many files were checked; throws at the first bad one.
    static func verifyAll(paths: WorkspacePaths) throws -> Int {
        let reader = try LogReader(path: paths.log, displayPath: paths.display(paths.log))
        var checked = 0
        while let entry = try reader.next() {
            guard entry.knownKind == .gateRun else { continue }
            _ = try verdicts(of: try entry.payload(GateRunPayload.self), seq: entry.seq, paths: paths)
            checked += 1
        }
        return checked
    }
}

extension WorkspaceSession {
    /// `winnow log verify`'s second half: every verdict file a `gate-run` entry pins.
    public static func verifyVerdictFiles(_ paths: WorkspacePaths) throws -> Int {
        try GateVerdictFile.verifyAll(paths: paths)
    }
}
