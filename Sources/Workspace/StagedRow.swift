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
    ///
    /// Each text is appended as it is and its length stored once at the end: a local function
    /// storing each length as it went cost a dynamic exclusivity check per text.
    mutating func stage(_ row: ParsedRow) -> Int {
        let at = bytes.count
        let recognized = row.recognized
        let p = recognized.provenance
        withUnsafeBytes(of: Self.nullLengths) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: row.contentHash.words) { bytes.append(contentsOf: $0) }
        let id = recognized.ownID.map { Self.append($0, to: &bytes) } ?? Self.append(row.contentHash.hex, to: &bytes)
        let shape = Self.append(recognized.shape.rawValue, to: &bytes)
        let origin = Self.append(p.origin.rawValue, to: &bytes)
        let generator = Self.append(p.generator, to: &bytes)
        let template = Self.append(p.template, to: &bytes)
        let seed = Self.append(p.seed, to: &bytes)
        let created = Self.append(p.created, to: &bytes)
        let slice = Self.append(p.slices.first, to: &bytes)
        let slices = Self.append(p.slices.count > 1 ? p.slices.joined(separator: ",") : nil, to: &bytes)
        let lengths: Lengths = (
            id.littleEndian, shape.littleEndian, origin.littleEndian, generator.littleEndian, template.littleEndian,
            seed.littleEndian, created.littleEndian, slice.littleEndian, slices.littleEndian)
        bytes.withUnsafeMutableBytes { raw in
            withUnsafeBytes(of: lengths) { raw.baseAddress!.advanced(by: at).copyMemory(from: $0.baseAddress!, byteCount: Self.hashOffset) }
        }
        return at
    }

    /// The record's `textCount` lengths, as they are laid out.
    private typealias Lengths = (Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32)
    /// The room for the lengths, filled in once the texts are in.
    private static let nullLengths: Lengths = (-1, -1, -1, -1, -1, -1, -1, -1, -1)

    /// Appends `text`'s UTF-8 bytes; its length, or -1 for NULL.
    private static func append(_ text: String?, to bytes: inout [UInt8]) -> Int32 {
        guard let text else { return -1 }
        let before = bytes.count
        let copied: Void? = text.utf8.withContiguousStorageIfAvailable { bytes.append(contentsOf: $0) }
        if copied == nil { bytes.append(contentsOf: text.utf8) }
        return Int32(bytes.count - before)
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
