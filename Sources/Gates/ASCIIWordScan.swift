/// Eight bytes at a time: which bytes of a little-endian load are ASCII word characters, and
/// a skip to the first byte a mask marks (the word walks' and the placeholder scan's step).
///
/// The gates' word walks (near-duplicate shingles, template openings, the phrase indexes'
/// folded words) spent most of their time on one branch per byte, taken differently at every
/// word's end: mispredicted once a word, and again at the end of each run of separators. A
/// word's end is found here by a mask and a count of trailing zeros instead. Every answer is
/// per byte as 0x80 in that byte's place, so `firstSet` gives a byte offset.
enum ASCIIWordScan {
    static let high: UInt64 = 0x8080_8080_8080_8080
    static let ones: UInt64 = 0x0101_0101_0101_0101

    /// 0x80 in every byte that is not ASCII (a byte of a longer UTF-8 sequence).
    @inline(__always)
    static func nonASCII(_ x: UInt64) -> UInt64 { x & high }

    /// 0x80 in every ASCII letter or digit (what the near-duplicate shingler calls a word).
    /// Bytes that are not ASCII come out as 0; their high bit is cleared first so no sum
    /// carries into the next byte.
    @inline(__always)
    static func letterOrDigit(_ x: UInt64) -> UInt64 {
        let low = x & ~high
        let lower = low | (0x20 &* ones)
        // A byte b (< 0x80) plus (0x80 - k) has its high bit set exactly when b >= k.
        let letter = (lower &+ (0x1F &* ones)) & ~(lower &+ (0x05 &* ones))   // 'a'...'z'
        let digit = (low &+ (0x50 &* ones)) & ~(low &+ (0x46 &* ones))        // '0'...'9'
        return (letter | digit) & high & ~x
    }

    /// As `letterOrDigit`, and `_` (what the phrase indexes and `\b` call a word character).
    @inline(__always)
    static func wordCharacter(_ x: UInt64) -> UInt64 {
        let low = x & ~high
        let y = low ^ (0x5F &* ones)
        let underscore = ~((y &+ (0x7F &* ones)) | y) & high   // a byte of y is zero
        return letterOrDigit(x) | (underscore & ~x)
    }

    /// The byte offset of the first byte marked in `mask` (which must not be 0).
    @inline(__always)
    static func firstSet(_ mask: UInt64) -> Int { mask.trailingZeroBitCount >> 3 }

    /// From `i`, past every whole eight bytes in which `marks` marks none, to the first byte it
    /// marks; or to where fewer than eight bytes are left (`count` is the text's length), from
    /// where the caller goes on a byte at a time. The common step of the word walks and the
    /// placeholder scan: what they look for differs, not how they skip to it.
    @inline(__always)
    static func skip(_ base: UnsafeRawPointer, from i: Int, count: Int, _ marks: (UInt64) -> UInt64) -> Int {
        var i = i
        while i + 8 <= count {
            let found = marks(load(base, i))
            if found != 0 { return i + firstSet(found) }
            i += 8
        }
        return i
    }

    /// The bytes `base[offset..<offset + 8]` as one little-endian word.
    @inline(__always)
    static func load(_ base: UnsafeRawPointer, _ offset: Int) -> UInt64 {
        UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }
}
