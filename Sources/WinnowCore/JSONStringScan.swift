/// Finds where the plain run of a JSON string body ends, eight bytes at a time.
///
/// Most of a row's bytes are the text of its strings, nearly all of it printable ASCII with no
/// quote, backslash or control byte. The byte-at-a-time loop in `TapeParser.parseString` made a
/// decision per byte; this looks at a 64-bit word at once and only hands the parser the bytes
/// that need a decision (quote, backslash, control byte, or a byte >= 0x80 that starts a UTF-8
/// sequence to validate). Nothing is skipped that the byte loop would have looked at: the first
/// such byte of every word is found exactly, so validation is unchanged.
enum JSONStringScan {
    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let highs: UInt64 = 0x8080_8080_8080_8080

    /// A byte the string loop must look at: `"`, `\`, below 0x20, or 0x80 and up.
    @inline(__always)
    static func isStop(_ b: UInt8) -> Bool {
        b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || b < 0x20 || b >= 0x80
    }

    /// The high bit of every stop byte of `word` (little-endian: byte 0 is the lowest), at least
    /// for the lowest one. Above the lowest stop the classic "has zero byte" tricks may flag
    /// bytes that are not stops (a borrow runs upward), so only the lowest set bit is meaningful;
    /// below it no byte is flagged, because a borrow only starts at a real match.
    @inline(__always)
    static func stopBits(_ word: UInt64) -> UInt64 {
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let quoteZero = (quote &- ones) & ~quote
        let backslashZero = (backslash &- ones) & ~backslash
        let control = (word &- ones &* 0x20) & ~word
        return (quoteZero | backslashZero | control | word) & highs
    }

    /// The index of the first stop byte in `bytes[from...]`, or `bytes.count` when there is none.
    @inline(__always)
    static func firstStop(in bytes: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
        var i = from
        if let base = bytes.baseAddress {
            while i &+ 8 <= bytes.count {
                let word = UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
                let stops = stopBits(word)
                if stops != 0 { return i &+ stops.trailingZeroBitCount >> 3 }
                i &+= 8
            }
        }
        while i < bytes.count, !isStop(bytes[i]) { i += 1 }
        return i
    }

    /// The same answer one byte at a time: the reference the word scan is tested against.
    static func firstStopByByte(in bytes: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
        var i = from
        while i < bytes.count, !isStop(bytes[i]) { i += 1 }
        return i
    }
}
