import Foundation
import WinnowCore

/// `winnow log verify`: proves the whole chain, line by line, and names the first bad line.
///
/// Each line must be valid JSON in canonical form, carry a well-formed envelope with
/// `seq` equal to its line number, link to the line before (`prev` = that line's hash), hash to
/// its own `hash`, and carry the fields every reader of its kind requires. The file is streamed in large chunks (a million entries are a few
/// hundred megabytes) and each chunk is split at line boundaries across the cores: the hash
/// checks are independent per line, and the chain only needs each line's stored hash, which a
/// part can read from the line just before it. Results are merged in order, so the failure
/// reported is the first one in the file, exactly as a single pass would find it.
public enum LogVerifier {
    /// Verifies the log at `path`. Throws only when the file cannot be read; a bad log is a
    /// `.failed` result. `displayPath` names the file in the failure.
    public static func verify(path: String, displayPath: String? = nil) throws(LogError) -> LogVerification {
        try verify(path: path, displayPath: displayPath, parts: defaultParts, chunkSize: 16 << 20)
    }

    static var defaultParts: Int { max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8)) }

    static func verify(
        path: String, displayPath: String?, parts: Int, chunkSize: Int
    ) throws(LogError) -> LogVerification {
        let file = displayPath ?? path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .lastIO(file, "open") }
        defer { closeDescriptor(fd) }
        let size = try DescriptorReader.snapshotSize(fd: fd, lockPath: path + ".lock", file: file)
        var run = VerifyRun(file: file, parts: parts)
        let reader = DescriptorReader(fd: fd, file: file)
        var capacity = max(chunkSize, 64)
        var buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 64)
        defer { buffer.deallocate() }
        var carried = 0  // bytes of an unfinished line kept at the start of the buffer
        var offset = 0
        while offset < size {
            if carried == capacity {
                // One line longer than the buffer: grow it.
                let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity * 2, alignment: 64)
                bigger.copyMemory(from: UnsafeRawBufferPointer(buffer))
                buffer.deallocate()
                buffer = bigger
                capacity *= 2
            }
            let want = min(capacity - carried, size - offset)
            let got = try reader.read(
                into: UnsafeMutableRawBufferPointer(rebasing: buffer[carried..<(carried + want)]), at: offset)
            guard got == want else { throw .io(file: file, operation: "read (the file shrank)", errno: EIO) }
            offset += got
            let filled = carried + got
            let bytes = UnsafeBufferPointer(buffer.bindMemory(to: UInt8.self)).prefix(filled)
            let complete = (lastIndex(of: 0x0A, in: UnsafeBufferPointer(rebasing: bytes)) ?? -1) + 1
            if complete > 0 {
                if let failure = run.check(UnsafeBufferPointer(rebasing: bytes[0..<complete])) {
                    return .failed(failure)
                }
            }
            carried = filled - complete
            if carried > 0 && complete > 0 {
                memmove(buffer.baseAddress!, buffer.baseAddress! + complete, carried)
            }
        }
        if carried > 0 {
            return .failed(LogFailure(file: file, line: run.lines + 1, problem: .tornTail(bytes: carried)))
        }
        return .ok(count: run.lines, headSeq: run.lines, headHash: String(decoding: run.head, as: UTF8.self))
    }

    static func lastIndex(of byte: UInt8, in buffer: UnsafeBufferPointer<UInt8>) -> Int? {
        var i = buffer.count - 1
        while i >= 0 {
            if buffer[i] == byte { return i }
            i -= 1
        }
        return nil
    }
}

/// The state carried from chunk to chunk: lines so far and the last line's hash.
struct VerifyRun {
    let file: String
    var lines = 0
    var head: [UInt8] = Array(LogEntry.genesisHash.utf8)
    var checkers: [LineChecker]

    init(file: String, parts: Int) {
        self.file = file
        checkers = Array(repeating: LineChecker(), count: max(1, parts))
    }

    /// Checks complete lines (ending in a newline) that follow the lines seen so far.
    mutating func check(_ bytes: UnsafeBufferPointer<UInt8>) -> LogFailure? {
        let ranges = VerifyRun.split(bytes, into: checkers.count)
        // Line number of each part's first line: count newlines in the parts before it.
        var starts: [Int] = []
        starts.reserveCapacity(ranges.count)
        var next = lines + 1
        for range in ranges {
            starts.append(next)
            next += countNewlines(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[range])))
        }
        let results = UnsafeMutableBufferPointer<PartResult>.allocate(capacity: ranges.count)
        defer {
            _ = results.deinitialize()
            results.deallocate()
        }
        let head = self.head, firstLines = starts
        checkers.withUnsafeMutableBufferPointer { checkers in
            // Each part touches only its own checker and result slot, and reads `bytes`.
            let shared = SharedPointers(bytes: bytes, checkers: checkers, results: results)
            let work = { @Sendable (part: Int) in
                let previous = part == 0
                    ? head : VerifyRun.storedHash(endingAt: ranges[part].lowerBound, in: shared.bytes)
                shared.results.baseAddress!.advanced(by: part).initialize(
                    to: shared.checkers[part].checkPart(
                        shared.bytes, ranges[part], firstLine: firstLines[part], previous: previous))
            }
            if ranges.count == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: ranges.count, execute: work) }
        }
        for part in 0..<ranges.count {
            if let (line, problem) = results[part].failure {
                return LogFailure(file: file, line: line, problem: problem)
            }
            if let last = results[part].lastHash { self.head = last }
        }
        lines = next - 1
        return nil
    }

    /// Up to `parts` consecutive ranges of whole lines, of roughly equal size.
    static func split(_ bytes: UnsafeBufferPointer<UInt8>, into parts: Int) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        for part in 1...parts where start < bytes.count {
            var end = part == parts ? bytes.count : max(start, bytes.count * part / parts)
            while end < bytes.count && (end == 0 || bytes[end - 1] != 0x0A) { end += 1 }
            if end > start { ranges.append(start..<end) }
            start = end
        }
        return ranges
    }

    /// The stored hash of the line that ends just before `offset`, or nil if that line is bad
    /// (the part before reports it first).
    static func storedHash(endingAt offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        let end = offset - 1
        var start = end
        while start > 0 && bytes[start - 1] != 0x0A { start -= 1 }
        let line = UnsafeBufferPointer(rebasing: bytes[start..<end])
        var checker = LineChecker()
        guard let fields = try? checker.check(line, full: false) else { return nil }
        return Array(line[fields.hash])
    }
}

/// The buffers the parts of one chunk share; each part writes only its own slots.
struct SharedPointers: @unchecked Sendable {
    let bytes: UnsafeBufferPointer<UInt8>
    let checkers: UnsafeMutableBufferPointer<LineChecker>
    let results: UnsafeMutableBufferPointer<PartResult>
}

/// What one part found: the first bad line, or the stored hash of its last line.
struct PartResult {
    var failure: (line: Int, problem: LogProblem)?
    var lastHash: [UInt8]?
}

extension LineChecker {
    static func brokenChain(_ expected: UnsafeBufferPointer<UInt8>, _ found: UnsafeBufferPointer<UInt8>) -> LogProblem {
        .brokenChain(expected: String(decoding: expected, as: UTF8.self), found: String(decoding: found, as: UTF8.self))
    }

    /// Checks the lines in `range`, the first being line `firstLine`; `previous` is the stored
    /// hash of the line before (nil: unknown, skip that one chain check).
    mutating func checkPart(
        _ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, firstLine: Int, previous: [UInt8]?
    ) -> PartResult {
        var previousHash: Range<Int>?  // in bytes, once past the first line
        var line = firstLine
        var start = range.lowerBound
        while start < range.upperBound {
            var end = start
            if let hit = memchr(bytes.baseAddress! + start, 0x0A, range.upperBound - start) {
                end = UnsafeRawPointer(hit) - UnsafeRawPointer(bytes.baseAddress!)
            }
            let text = UnsafeBufferPointer(rebasing: bytes[start..<end])
            do throws(LogProblem) {
                let fields = try check(text, full: true)
                guard fields.seq == line else { throw .wrongSeq(expected: line, found: fields.seq) }
                let prev = UnsafeBufferPointer(rebasing: text[fields.prev])
                if let previousHash {
                    let expected = UnsafeBufferPointer(rebasing: bytes[previousHash])
                    if !equalBytes(prev, expected) { throw LineChecker.brokenChain(expected, prev) }
                } else if let previous {
                    try previous.withUnsafeBufferPointer { (expected) throws(LogProblem) in
                        if !equalBytes(prev, expected) { throw LineChecker.brokenChain(expected, prev) }
                    }
                }
                if let problem = fields.hashProblem { throw problem }
                // What every reader of the kind requires: a log that verifies must replay.
                if let problem = LogEntry.checked(text, checker: self, seq: fields.seq)?.payloadProblem { throw problem }
                previousHash = (start + fields.hash.lowerBound)..<(start + fields.hash.upperBound)
            } catch {
                return PartResult(failure: (line, error), lastHash: nil)
            }
            line += 1
            start = end + 1
        }
        return PartResult(failure: nil, lastHash: previousHash.map { Array(bytes[$0]) } ?? previous)
    }
}
