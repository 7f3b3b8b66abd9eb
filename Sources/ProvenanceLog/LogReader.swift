import Foundation
import WinnowCore

/// Reads the log front to back, one entry at a time, for replay (rebuilding the index) and for
/// `winnow log show`.
///
/// The file is read in 1 MiB blocks and each line decoded as it is reached, so memory stays
/// flat however long the log is. Each line's envelope is checked, and so are its seq (the line
/// number) and its link to the line before; hashes are not recomputed (that is `LogVerifier`'s
/// job and the costly part). It reads up to the size the log had when the reader was made,
/// taken under a shared lock, so appends by others during a replay are neither seen half-way
/// nor block it. An incomplete last line is not an entry and is left out (`LogFile.open`
/// moves it aside).
public final class LogReader {
    public let displayPath: String
    private let fd: Int32
    private let size: Int
    private var buffer: [UInt8] = []
    private var position = 0  // next unread byte in `buffer`
    private var offset = 0  // file offset just after `buffer`
    private var line = 0
    private var previous = LogEntry.genesisHash
    private var checker = LineChecker()

    public init(path: String, displayPath: String? = nil) throws(LogError) {
        self.displayPath = displayPath ?? path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .lastIO(self.displayPath, "open") }
        do throws(LogError) {
            size = try DescriptorReader.snapshotSize(fd: fd, lockPath: path + ".lock", file: self.displayPath)
        } catch {
            closeDescriptor(fd)
            throw error
        }
    }

    deinit { closeDescriptor(fd) }

    /// The next entry, or nil at the end.
    public func next() throws(LogError) -> LogEntry? {
        while true {
            if let newline = buffer[position...].firstIndex(of: 0x0A) {
                let start = position
                position = newline + 1
                line += 1
                return try decode(start..<newline)
            }
            guard offset < size else { return nil }
            // Keep the unfinished line, read the next block after it.
            buffer.removeFirst(position)
            position = 0
            let block = try DescriptorReader(fd: fd, file: displayPath).read(offset..<min(size, offset + (1 << 20)))
            guard !block.isEmpty else { return nil }
            buffer.append(contentsOf: block)
            offset += block.count
        }
    }

    /// Calls `body` with every remaining entry in order.
    public func forEach(_ body: (LogEntry) throws -> Void) throws {
        while let entry = try next() { try body(entry) }
    }

    private func decode(_ range: Range<Int>) throws(LogError) -> LogEntry {
        let location = SourceLocation(file: displayPath, line: line)
        let outcome = buffer.withUnsafeBufferPointer { bytes -> Result<LogEntry, LogProblem> in
            Result { () throws(LogProblem) in
                try LogEntry.decode(
                    UnsafeBufferPointer(rebasing: bytes[range]), checker: &checker, full: false, location: location)
            }
        }
        let entry: LogEntry
        switch outcome {
        case .success(let decoded): entry = decoded
        case .failure(let problem): throw .corrupt(LogFailure(file: displayPath, line: line, problem: problem))
        }
        guard entry.seq == line else {
            throw .corrupt(LogFailure(file: displayPath, line: line, problem: .wrongSeq(expected: line, found: entry.seq)))
        }
        guard entry.prev == previous else {
            throw .corrupt(LogFailure(
                file: displayPath, line: line, problem: .brokenChain(expected: previous, found: entry.prev)))
        }
        previous = entry.hash
        return entry
    }

    /// The last `count` entries, oldest first, reading backwards from the end (for
    /// `winnow log show` and the review screen's recent log).
    /// With `verifyHashes`, every entry's canonical form and hash are checked too (what a
    /// command does with the entries it is about to apply).
    public static func tail(
        _ count: Int, path: String, displayPath: String? = nil, verifyHashes: Bool = false
    ) throws(LogError) -> [LogEntry] {
        let reader = try LogReader(path: path, displayPath: displayPath)
        let file = reader.displayPath
        let source = DescriptorReader(fd: reader.fd, file: file)
        // Leave out an incomplete last line.
        let end = try source.lastNewline(before: reader.size) + 1
        guard count > 0, end > 0 else { return [] }
        var start = end  // start of the earliest line taken so far
        for _ in 0..<count where start > 0 {
            start = try source.lastNewline(before: start - 1) + 1
        }
        let bytes = try source.read(start..<end)
        var entries: [LogEntry] = []
        var checker = LineChecker()
        var lineStart = 0
        var failure: (offset: Int, problem: LogProblem)?
        bytes.withUnsafeBufferPointer { all in
            while lineStart < all.count, failure == nil {
                let newline = all[lineStart...].firstIndex(of: 0x0A) ?? all.count
                do throws(LogProblem) {
                    var entry = try LogEntry.decode(
                        UnsafeBufferPointer(rebasing: all[lineStart..<newline]), checker: &checker, full: verifyHashes,
                        location: nil)
                    if let last = entries.last, entry.seq != last.seq + 1 || entry.prev != last.hash {
                        throw entry.seq != last.seq + 1
                            ? .wrongSeq(expected: last.seq + 1, found: entry.seq)
                            : .brokenChain(expected: last.hash, found: entry.prev)
                    }
                    entry.location = SourceLocation(file: file, line: entry.seq)
                    entries.append(entry)
                } catch {
                    failure = (start + lineStart, error)
                }
                lineStart = newline + 1
            }
        }
        if let failure {
            throw .corrupt(LogFailure(file: file, line: try source.lineNumber(at: failure.offset), problem: failure.problem))
        }
        return entries
    }
}
