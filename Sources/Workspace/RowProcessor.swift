import Foundation
import WinnowCore

/// What import decided about one record.
enum RecordOutcome: Sendable {
    case row(ParsedRow)
    case quarantined(QuarantinedRecord)
    case blank
}

/// A record that imported: where it is and what it is. Its id is settled later, in order,
/// because uniqueness depends on every row before it.
struct ParsedRow: Sendable {
    var line: Int
    var offset: Int64
    var length: Int64
    var contentHash: Digest
    var recognized: RecognizedRow
}

/// A record that did not import, and why. The bytes stay in the stored source at `offset`.
struct QuarantinedRecord: Sendable {
    var line: Int
    var offset: Int64
    var length: Int64
    var reason: String
    var element: Int? = nil
}

/// Parses, canonicalises, hashes and recognises records. One per worker thread: it owns a tape
/// and an output buffer that are reused from row to row so the hot loop does not allocate.
struct RowProcessor {
    let recognizer: RowRecognizer
    private var tape = JSONTape()
    /// Scratch for the canonical form, written in place (its count is its capacity); it grows
    /// when a row's canonical form does not fit.
    private var canonical = [UInt8](repeating: 0, count: 1 << 16)

    init(recognizer: RowRecognizer) {
        self.recognizer = recognizer
    }

    mutating func process(_ span: RecordSpan, in bytes: UnsafeBufferPointer<UInt8>) -> RecordOutcome {
        if let problem = span.problem {
            return .quarantined(.init(line: span.line, offset: span.offset, length: span.length, reason: problem, element: span.element))
        }
        let record = UnsafeBufferPointer(rebasing: bytes[span.start..<span.end])
        if record.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }) { return .blank }
        let quarantine = { (reason: String) in
            RecordOutcome.quarantined(.init(line: span.line, offset: span.offset, length: span.length, reason: reason, element: span.element))
        }
        do throws(JSONSyntaxError) {
            try tape.parse(record)
        } catch {
            return quarantine("invalid JSON at column \(columnOf(error.offset, in: record)): \(error.reason)")
        }
        let length: Int
        do throws(CanonicalizationError) {
            length = try writeCanonical(record)
        } catch {
            return quarantine(error.reason)
        }
        switch recognizer.recognize(tape, source: record) {
        case .failure(let problem):
            return quarantine(problem.reason)
        case .success(let recognized):
            let hash = canonical.withUnsafeBufferPointer { Digest(of: UnsafeBufferPointer(rebasing: $0[..<length])) }
            return .row(.init(line: span.line, offset: span.offset, length: span.length, contentHash: hash, recognized: recognized))
        }
    }

    /// Writes the record's canonical form into `canonical`, growing it when the form does not
    /// fit; returns the form's length.
    private mutating func writeCanonical(_ record: UnsafeBufferPointer<UInt8>) throws(CanonicalizationError) -> Int {
        while true {
            let tape = self.tape
            let length = try canonical.withUnsafeMutableBufferPointer { (buffer) throws(CanonicalizationError) in
                try tape.writeCanonical(0, source: record, into: buffer)
            }
            if length <= canonical.count { return length }
            canonical = [UInt8](repeating: 0, count: max(length, 2 * canonical.count))
        }
    }

    /// 1-based column in characters (not bytes), as an editor shows it.
    private func columnOf(_ offset: Int, in record: UnsafeBufferPointer<UInt8>) -> Int {
        var column = 1
        var i = 0
        while i < min(offset, record.count) {
            if record[i] & 0xC0 != 0x80 { column += 1 }
            i += 1
        }
        return column
    }
}

/// A processed batch: its rows staged for the insert and its quarantined records, each in input
/// order, and, when asked for, their counts for the import summary.
struct ProcessedBatch: Sendable {
    var rows: [StagedRow] = []
    /// The rows' texts (`StagedRow.at`).
    var arena = RowArena()
    var quarantined: [QuarantinedRecord] = []
    var tally: SummaryTally?
    /// `RecordBatch.consumed` of the batch.
    var consumed: Int64 = 0
}

/// Processes one batch's records on the calling thread, results in input order. The pipeline
/// runs one of these per parser thread, each on a batch of its own.
/// With `countingFor`, the records are also counted for the summary (`SummaryTally`), which the
/// single inserting thread then no longer has to do.
func processBatch(_ batch: RecordBatch, recognizer: RowRecognizer, countingFor config: WorkspaceConfig? = nil) -> ProcessedBatch {
    var processor = RowProcessor(recognizer: recognizer)
    var result = ProcessedBatch(consumed: batch.consumed)
    if let config { result.tally = SummaryTally(config: config) }
    result.rows.reserveCapacity(batch.spans.count)
    batch.bytes.withUnsafeBufferPointer { bytes in
        for span in batch.spans {
            let outcome = processor.process(span, in: bytes)
            result.tally?.count(outcome)
            switch outcome {
            case .row(let row):
                let at = result.arena.stage(row)
                result.rows.append(StagedRow(
                    at: at, line: row.line, offset: row.offset, length: row.length,
                    temperature: row.recognized.provenance.temperature, judgeScore: row.recognized.provenance.judgeScore))
            case .quarantined(let record): result.quarantined.append(record)
            case .blank: break
            }
        }
    }
    return result
}

