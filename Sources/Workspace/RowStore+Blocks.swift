import Foundation
import WinnowCore

extension RowStore {
    /// The readable texts of many rows, in order, reading neighbouring rows of one source with
    /// one pread.
    ///
    /// A gate run reads every row back: one pread a row was a million system calls at a million
    /// rows, a tenth of the run's system time. Rows imported together lie one after another in
    /// their source, so a run of them (same source, each starting at or after the last one's
    /// end, the gaps small) is read as one block of at most `blockLimit` bytes and each row
    /// parsed from its slice. Rows that do not line up (edits, a re-read file) are read alone.
    /// Same texts as `text(of:)`, row by row (a test holds the two together).
    func texts(of rows: some Collection<IndexedRow>) throws -> [RowText] {
        var result: [RowText] = []
        result.reserveCapacity(rows.count)
        var block: [IndexedRow] = []
        func flush() throws {
            guard let first = block.first, let last = block.last else { return }
            defer { block.removeAll(keepingCapacity: true) }
            if block.count == 1 {
                result.append(try text(of: first))
                return
            }
            let span = Int(last.offset + last.length - first.offset)
            try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: span) { buffer in
                do { try read(into: UnsafeMutableRawBufferPointer(buffer), from: first.source, at: first.offset, for: first) } catch {
                    // A source cut short or unreadable: read the rows one by one, so the error
                    // names the row that points past the end, not the block's first.
                    for row in block { result.append(try text(of: row)) }
                    return
                }
                for row in block {
                    let start = Int(row.offset - first.offset)
                    let slice = UnsafeBufferPointer(rebasing: buffer[start..<(start + Int(row.length))])
                    result.append(try text(of: slice, source: row.source, shape: row.shape, id: row.id))
                }
            }
        }
        var spanStart: Int64 = 0, spanEnd: Int64 = 0, used: Int64 = 0
        for row in rows {
            if let previous = block.last {
                let end = row.offset + row.length
                let fits = row.source == previous.source && row.offset >= spanEnd
                    && end - spanStart <= Self.blockLimit && (end - spanStart) <= 2 * (used + row.length) + 4096
                if !fits { try flush() }
            }
            if block.isEmpty { spanStart = row.offset; used = 0 }
            block.append(row)
            spanEnd = row.offset + row.length
            used += row.length
        }
        try flush()
        return result
    }

    /// The most bytes one block read takes (a chunk's rows on one worker are about 2 MB).
    static let blockLimit: Int64 = 4 << 20
}
