import WinnowCore

/// A row ready for the index insert, as plain values: its texts and content hash live in the
/// batch's arena (`RowArena`), so the single inserting thread only binds pointers.
///
/// Why: the inserting thread is the one part of an import that cannot run on several cores.
/// Laying each row's texts out (its id, the hex hash of a row without one, provenance texts)
/// and freeing the parsed row's strings and arrays happen on the parsing threads instead.
struct StagedRow: Sendable {
    /// Where the row's record starts in the batch's arena.
    var at: Int
    var line: Int
    var offset: Int64
    var length: Int64
    var temperature: Double?
    var judgeScore: Double?
}

/// The texts of a run of rows, one record per row: `textCount` little-endian Int32 lengths
/// (-1 for NULL), the 32-byte content hash, then the texts' UTF-8 bytes back to back.
struct RowArena: Sendable {
    /// id, shape, origin, generator, template, seed, created, first slice, all slices (when more
    /// than one, comma-separated): the text columns of `RowInserter`'s statement, in order.
    static let textCount = 9
    static let hashOffset = 4 * textCount
    static let textsOffset = hashOffset + 32

    private(set) var bytes: [UInt8] = []

    /// Appends `row`'s record; returns where it starts.
    mutating func stage(_ row: ParsedRow) -> Int {
        let at = bytes.count
        let p = row.recognized.provenance
        bytes.append(contentsOf: repeatElement(0, count: Self.hashOffset))
        row.contentHash.withUnsafeBytes { bytes.append(contentsOf: $0) }
        var field = 0
        func put(_ text: String?) {
            var length: Int32 = -1
            if var text {
                let start = bytes.count
                text.withUTF8 { bytes.append(contentsOf: $0) }
                length = Int32(bytes.count - start)
            }
            bytes.withUnsafeMutableBytes { $0.storeBytes(of: length.littleEndian, toByteOffset: at + 4 * field, as: Int32.self) }
            field += 1
        }
        put(row.recognized.ownID ?? row.contentHash.hex)
        put(row.recognized.shape.rawValue)
        put(p.origin.rawValue)
        put(p.generator)
        put(p.template)
        put(p.seed)
        put(p.created)
        put(p.slices.first)
        put(p.slices.count > 1 ? p.slices.joined(separator: ",") : nil)
        return at
    }

    /// Calls `body` with each text of the record at `at` (nil for NULL), in column order, and the
    /// record's hash bytes. The pointers are valid only inside `body`'s enclosing call.
    static func read(
        _ raw: UnsafeRawBufferPointer, at: Int,
        _ body: (_ texts: UnsafeBufferPointer<UnsafeRawBufferPointer?>, _ hash: UnsafeRawBufferPointer) throws -> Void
    ) rethrows {
        try withUnsafeTemporaryAllocation(of: UnsafeRawBufferPointer?.self, capacity: textCount) { texts in
            var next = at + textsOffset
            for field in 0..<textCount {
                let length = Int(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: at + 4 * field, as: Int32.self)))
                if length < 0 {
                    texts[field] = nil
                } else {
                    texts[field] = UnsafeRawBufferPointer(rebasing: raw[next..<(next + length)])
                    next += length
                }
            }
            try body(UnsafeBufferPointer(texts), UnsafeRawBufferPointer(rebasing: raw[(at + hashOffset)..<(at + textsOffset)]))
        }
    }
}
