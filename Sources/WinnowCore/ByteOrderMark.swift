/// The UTF-8 byte order mark some editors put at the start of a file (EF BB BF). Files people
/// hand winnow (rows, eval sets, verdict batches, edits) are read with or without one.
public enum ByteOrderMark {
    public static let utf8: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// `bytes` without a leading byte order mark.
    public static func dropped<C: Collection<UInt8>>(from bytes: C) -> C.SubSequence {
        bytes.starts(with: utf8) ? bytes.dropFirst(3) : bytes[...]
    }
}
