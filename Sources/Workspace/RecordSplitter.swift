import Foundation

/// One record found in the input: a line of JSON Lines, or one element of a top-level JSON array.
struct RecordSpan: Sendable {
    /// Byte range in the batch buffer (empty when the record was too long to keep).
    var start: Int
    var end: Int
    /// 1-based line the record starts on, and its byte offset in the stored source.
    var line: Int
    var offset: Int64
    var length: Int64
    /// Set when the splitter itself rejects the record (too long, unclosed array, ...).
    var problem: String?
    /// In a JSON array file: the element's 0-based index (a one-line array has no other locator).
    var element: Int?
}

/// A run of complete records in one buffer, parsed by one thread as a unit (`ParsePipeline`).
struct RecordBatch: @unchecked Sendable {
    var bytes: [UInt8]
    var spans: [RecordSpan]
    /// Bytes read for this batch that have not been hashed and copied yet: the pipeline's reader
    /// passes them to `sink` before it asks for the next batch.
    var fresh: Range<Int> = 0..<0
    /// How much of the input file had been read when the batch was cut (compressed bytes for
    /// gzip), for the progress bar: the thread that shows progress must not read the input's
    /// counter while the reader thread moves it.
    var consumed: Int64 = 0
}

/// Cuts the content stream into records without ever holding more than a chunk plus one record.
/// Every content byte goes to `sink` (hashing and the copy into sources/) exactly once, in order:
/// mostly through each batch's `fresh` range, which the caller sinks before asking for the next.
///
/// A file whose first value opens an array of objects (`[ {`) is read as one JSON array, as
/// Alpaca's `alpaca_data.json` ships; anything else as JSON Lines.
final class RecordSplitter {
    private let input: InputFile
    private let maxRecordBytes: Int
    let sink: (UnsafeRawBufferPointer) throws -> Void
    /// Index in `buffer` from which bytes have not gone to `sink` yet.
    private var unsunk = 0
    private var buffer: [UInt8] = []
    /// `buffer` went out in a batch since the last read (so it is shared, and replaced rather
    /// than grown).
    private var handedOut = false
    /// Content offset of buffer[0].
    private var bufferOffset: Int64 = 0
    private var scan = 0
    private var recordStart = 0
    private var recordLine = 1
    private var line = 1
    private var eof = false
    private var started = false
    private(set) var arrayMode = false
    // Array mode state.
    private var depth = 0
    private var inString = false
    private var escaped = false
    private var arrayClosed = false
    private var trailingReported = false
    private var elementIndex = 0
    // A record longer than the limit: skipped to its end, reported once.
    private var skipping: RecordSpan?

    init(input: InputFile, maxRecordBytes: Int, sink: @escaping (UnsafeRawBufferPointer) throws -> Void) {
        self.input = input
        self.maxRecordBytes = maxRecordBytes
        self.sink = sink
    }

    /// The next batch of records, or nil at the end of the input.
    func nextBatch() throws -> RecordBatch? {
        while true {
            if eof && recordStart >= buffer.count && skipping == nil { return nil }
            try fill()
            var spans: [RecordSpan] = []
            if arrayMode { scanArray(into: &spans) } else { scanLines(into: &spans) }
            if eof { finish(into: &spans) }
            if !spans.isEmpty {
                let batch = RecordBatch(bytes: buffer, spans: spans, fresh: unsunk..<buffer.count, consumed: input.bytesConsumed)
                unsunk = buffer.count
                handedOut = true
                return batch
            }
            if eof {
                try sinkPending(upTo: buffer.count)
                return nil
            }
        }
    }

    /// Drops consumed bytes and reads the next chunk.
    private func sinkPending(upTo end: Int) throws {
        guard unsunk < end else { return }
        try buffer.withUnsafeBytes { try sink(UnsafeRawBufferPointer(rebasing: $0[unsunk..<end])) }
        unsunk = end
    }

    /// Reads the next chunk in after the unfinished record at the end of the buffer.
    ///
    /// After a batch went out the buffer is the batch's: a new one starts with the unfinished
    /// record and the chunk is read straight in after it (reading into a separate chunk and
    /// appending it copied every byte of the input once more). Otherwise the buffer is this
    /// splitter's alone (a record longer than a chunk is still arriving) and grows in place,
    /// so a long record is not copied again for every chunk it spans.
    private func fill() throws {
        if recordStart > 0 {
            // Bytes about to be dropped must have been sunk (a record skipped for its length).
            try sinkPending(upTo: recordStart)
        }
        let dropped = recordStart
        let kept = buffer.count - dropped
        var read = 0
        if !eof && handedOut {
            buffer = try [UInt8](unsafeUninitializedCapacity: kept + InputFile.chunkSize) { raw, count in
                let base = raw.baseAddress!
                buffer.withUnsafeBufferPointer { old in
                    if kept > 0 { base.initialize(from: old.baseAddress! + dropped, count: kept) }
                }
                count = kept
                read = try input.read(into: base + kept, count: InputFile.chunkSize)
                count = kept + read
            }
            handedOut = false
            forget(dropped)
        } else {
            if dropped > 0 { buffer.removeSubrange(0..<dropped) }
            forget(dropped)
            guard !eof else { return }
            buffer.append(contentsOf: repeatElement(0, count: InputFile.chunkSize))
            defer { buffer.removeLast(InputFile.chunkSize - read) }
            read = try buffer.withUnsafeMutableBufferPointer { try input.read(into: $0.baseAddress! + kept, count: InputFile.chunkSize) }
        }
        if read == 0 { eof = true; return }
        if !started { detectMode() }
    }

    /// Shifts the positions after the first `count` bytes of the buffer were dropped.
    private func forget(_ count: Int) {
        unsunk -= count
        bufferOffset += Int64(count)
        scan -= count
        recordStart -= count
    }

    private func detectMode() {
        var i = 0
        if buffer.count >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF { i = 3 }
        while i < buffer.count, isSpace(buffer[i]) { i += 1 }
        guard i < buffer.count else { return }
        started = true
        guard buffer[i] == UInt8(ascii: "[") else { return }
        var j = i + 1
        while j < buffer.count, isSpace(buffer[j]) { j += 1 }
        guard j < buffer.count, buffer[j] == UInt8(ascii: "{") || buffer[j] == UInt8(ascii: "]") else { return }
        arrayMode = true
        for k in 0..<i where buffer[k] == 0x0A { line += 1 }
        depth = 1
        recordStart = i + 1
        scan = i + 1
        recordLine = line
    }

    @inline(__always) private func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }

    private func span(_ start: Int, _ end: Int, line: Int, problem: String? = nil) -> RecordSpan {
        RecordSpan(start: start, end: end, line: line, offset: bufferOffset + Int64(start),
                   length: Int64(end - start), problem: problem)
    }

    private func scanLines(into spans: inout [RecordSpan]) {
        buffer.withUnsafeBufferPointer { bytes in
            let base = bytes.baseAddress!
            while scan < bytes.count {
                guard let hit = memchr(base + scan, 0x0A, bytes.count - scan) else {
                    scan = bytes.count
                    break
                }
                let newline = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - base
                endRecord(at: newline, into: &spans)
                recordStart = newline + 1
                scan = newline + 1
                line += 1
            }
        }
        checkOversize()
    }

    private func endRecord(at end: Int, into spans: inout [RecordSpan]) {
        if var skipped = skipping {
            skipped.length += Int64(end - recordStart)
            skipped.problem = "record is \(skipped.length) bytes, over the limit of \(maxRecordBytes) (import.max_line_bytes)"
            spans.append(skipped)
            skipping = nil
            return
        }
        var start = recordStart
        if end - start >= 3 && buffer[start] == 0xEF && buffer[start + 1] == 0xBB && buffer[start + 2] == 0xBF { start += 3 }
        if end - start > maxRecordBytes {
            var s = span(start, start, line: line)
            s.length = Int64(end - start)
            s.problem = "record is \(end - start) bytes, over the limit of \(maxRecordBytes) (import.max_line_bytes)"
            spans.append(s)
        } else {
            spans.append(span(start, end, line: arrayMode ? recordLine : line))
        }
        if arrayMode {
            spans[spans.count - 1].element = elementIndex
            elementIndex += 1
        }
    }

    /// An unfinished record already over the limit is not kept in memory: note where it began and
    /// drop its bytes as they arrive.
    private func checkOversize() {
        let pending = buffer.count - recordStart
        guard pending > maxRecordBytes else { return }
        if skipping == nil {
            var s = span(recordStart, recordStart, line: arrayMode ? recordLine : line)
            s.length = 0
            skipping = s
        }
        skipping!.length += Int64(scan - recordStart)
        recordStart = scan
    }

    private func scanArray(into spans: inout [RecordSpan]) {
        while scan < buffer.count {
            let b = buffer[scan]
            if b == 0x0A { line += 1 }
            if arrayClosed {
                if !isSpace(b) && !trailingReported {
                    trailingReported = true
                    spans.append(span(scan, scan, line: line, problem: "content after the closing ']' of the JSON array"))
                }
                scan += 1
                recordStart = scan
                continue
            }
            if inString {
                if escaped { escaped = false } else if b == UInt8(ascii: "\\") { escaped = true } else if b == UInt8(ascii: "\"") { inString = false }
            } else if b == UInt8(ascii: "\"") {
                inString = true
            } else if b == UInt8(ascii: "{") || b == UInt8(ascii: "[") {
                if depth == 1 && isBlank(recordStart, scan) { recordStart = scan; recordLine = line }
                depth += 1
            } else if b == UInt8(ascii: "}") || b == UInt8(ascii: "]") {
                depth -= 1
                if depth == 0 {
                    if !isBlank(recordStart, scan) { endRecord(at: scan, into: &spans) }
                    arrayClosed = true
                }
            } else if b == UInt8(ascii: ",") && depth == 1 {
                if isBlank(recordStart, scan) {
                    var empty = span(scan, scan, line: line, problem: "empty element in the JSON array")
                    empty.element = elementIndex
                    elementIndex += 1
                    spans.append(empty)
                } else {
                    endRecord(at: scan, into: &spans)
                }
                recordStart = scan + 1
                recordLine = line
            } else if depth == 1 && !isSpace(b) && isBlank(recordStart, scan) {
                recordStart = scan
                recordLine = line
            }
            scan += 1
        }
        if arrayClosed { recordStart = scan } else { checkOversize() }
    }

    private func isBlank(_ from: Int, _ to: Int) -> Bool {
        var i = from
        while i < to { if !isSpace(buffer[i]) { return false }; i += 1 }
        return true
    }

    private func finish(into spans: inout [RecordSpan]) {
        if arrayMode {
            if !arrayClosed {
                if !isBlank(recordStart, buffer.count) || skipping != nil { endRecord(at: buffer.count, into: &spans) }
                spans.append(span(buffer.count, buffer.count, line: line,
                                  problem: "the JSON array is not closed: the file ends inside it (truncated?)"))
                arrayClosed = true
            }
        } else if recordStart < buffer.count || skipping != nil {
            endRecord(at: buffer.count, into: &spans)
        }
        recordStart = buffer.count
        scan = buffer.count
    }
}
