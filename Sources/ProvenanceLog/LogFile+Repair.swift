import Foundation
import WinnowCore

/// Checking the tail on open, and moving a torn one aside.
///
/// A crash or SIGKILL during an append can leave the end of the last write on disk without its
/// newline, or (after a power loss) as zeros. Such bytes were never acknowledged, so they are
/// not entries: they go to `provenance.jsonl.broken` (never deleted: someone may want to look)
/// and the log is cut back to its last complete entry. Only bytes after the last newline get
/// this treatment; a bad line that ends in its newline, the last one included, is not a torn
/// write, and the log then fails closed.
///
/// Open checks just the last one or two lines (hash, parse, link to the line before), so
/// opening a million-entry log costs the same as opening an empty one; `LogVerifier` proves the
/// rest.
extension LogFile {
    /// Checks the tail of a `size`-byte log, repairs a torn one (a read-only log keeps it and
    /// notes it), and returns the head and the size of the log afterwards. Call with the lock held.
    func inspectTail(size: Int) throws(LogError) -> (LogHead, Int) {
        let reader = DescriptorReader(fd: fd, file: displayPath)
        guard size > 0 else { return (.empty, 0) }
        let lastNewline = try reader.lastNewline(before: size)
        // Bytes after the last newline are torn whatever they contain.
        let cut = lastNewline + 1
        var head = LogHead.empty
        if cut > 0 {
            let lastStart = try reader.lastNewline(before: cut - 1) + 1
            var checker = LineChecker()
            let last = try reader.read(lastStart..<(cut - 1))
            switch LogFile.check(last, &checker) {
            case .success(let fields):
                head = try link(fields, of: last, at: lastStart, reader: reader, checker: &checker)
            case .failure(let problem):
                // A line that ends in its newline was written whole (one write per append, and
                // neither a torn write nor a power loss's zeros end in a newline): if it does
                // not check out, it was changed after it was acknowledged. Moving it aside would
                // silently drop a decision someone saw saved.
                throw .corrupt(LogFailure(file: displayPath, line: try reader.lineNumber(at: lastStart), problem: problem))
            }
        }
        guard cut < size else { return (head, cut) }
        if readOnly {
            // Not ours to repair: the bytes stay, and the command says so (`keptTornTail`).
            keptTornTail = LogTornTail(file: displayPath, bytes: size - cut)
            return (head, size)
        }
        try moveAside(cut..<size, reader: reader)
        return (head, cut)
    }

    /// The head for a valid last line, after checking it links to the line before it.
    private func link(
        _ fields: LineChecker.Fields, of line: [UInt8], at lineStart: Int, reader: DescriptorReader,
        checker: inout LineChecker
    ) throws(LogError) -> LogHead {
        let head = LogHead(seq: fields.seq, hash: String(decoding: line[fields.hash], as: UTF8.self))
        let prev = String(decoding: line[fields.prev], as: UTF8.self)
        var expected = LogHead.empty
        if lineStart > 0 {
            let previousStart = try reader.lastNewline(before: lineStart - 1) + 1
            let previous = try reader.read(previousStart..<(lineStart - 1))
            switch LogFile.check(previous, &checker) {
            case .success(let earlier):
                expected = LogHead(seq: earlier.seq, hash: String(decoding: previous[earlier.hash], as: UTF8.self))
            case .failure(let problem):
                throw .corrupt(LogFailure(file: displayPath, line: try reader.lineNumber(at: previousStart), problem: problem))
            }
        }
        let problem: LogProblem? =
            fields.seq != expected.seq + 1 ? .wrongSeq(expected: expected.seq + 1, found: fields.seq)
            : prev != expected.hash ? .brokenChain(expected: expected.hash, found: prev)
            : nil
        if let problem {
            throw .corrupt(LogFailure(file: displayPath, line: try reader.lineNumber(at: lineStart), problem: problem))
        }
        return head
    }

    /// A full check of one line, the hash included.
    static func check(_ line: [UInt8], _ checker: inout LineChecker) -> Result<LineChecker.Fields, LogProblem> {
        line.withUnsafeBufferPointer { buffer in
            do throws(LogProblem) {
                let fields = try checker.check(buffer, full: true)
                if let problem = fields.hashProblem { return .failure(problem) }
                return .success(fields)
            } catch {
                return .failure(error)
            }
        }
    }

    /// Appends the torn bytes to the .broken file (synced), then truncates the log (synced).
    /// In that order: if anything fails, the bytes are still in one of the two places.
    private func moveAside(_ range: Range<Int>, reader: DescriptorReader) throws(LogError) {
        var bytes = try reader.read(range)
        let lines = bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } + (bytes.last == 0x0A ? 0 : 1)
        // A separator, so the next repair's bytes start on a line of their own.
        if bytes.last != 0x0A { bytes.append(0x0A) }
        let shownBroken = displayPath + ".broken"
        let broken = try FilePermissions.createFile(brokenPath, flags: O_WRONLY | O_APPEND).fd
        defer { _ = closeDescriptor(broken) }
        let failure = io.writeAll(broken, bytes)
        if failure != 0 { throw .io(file: shownBroken, operation: "write", errno: failure) }
        let synced = io.sync(broken)
        if synced != 0 { throw .io(file: shownBroken, operation: "fdatasync", errno: -synced) }
        guard ftruncate(fd, off_t(range.lowerBound)) == 0 else { throw .lastIO(displayPath, "truncate") }
        let status = io.sync(fd)
        if status != 0 { throw .io(file: displayPath, operation: "fdatasync", errno: -status) }
        noteRepair(LogRepair(file: displayPath, brokenFile: shownBroken, bytes: range.count, lines: lines))
    }
}
