/// Text helpers the gates share: case folding that remembers where each byte came from, word
/// boundaries, phrase lookup and the word normalisation contamination compares on.
///
/// Gates run over every row of a workspace (a million rows on all cores), so everything here
/// works on the UTF-8 bytes Swift strings already hold: ASCII text, the common case, is folded
/// with a table and never decoded into `Character`s, and only scalars outside ASCII pay for
/// Unicode properties. Nothing here keeps state between calls, so all of it is thread-safe.
public enum TextNormaliser {
    /// FNV-1a, 64 bits: a stable hash for words and phrases. Swift's `Hasher` is seeded per
    /// process, which would make n-gram hashes differ between runs.
    static let fnvOffset: UInt64 = 0xcbf2_9ce4_8422_2325
    static let fnvPrime: UInt64 = 0x0000_0100_0000_01b3

    @inline(__always)
    static func fnv(_ hash: UInt64, _ byte: UInt8) -> UInt64 {
        (hash ^ UInt64(byte)) &* fnvPrime
    }

    /// SplitMix64's finaliser: spreads the bits of a combined hash before it keys a table.
    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// ASCII letters, digits and `_` (what a regular expression's `\b` calls a word character).
    /// Arithmetic rather than a table: a global table costs a `swift_once` check per access,
    /// which showed up as a tenth of the blocklist's time.
    @inline(__always)
    static func isASCIIWord(_ b: UInt8) -> Bool {
        (b &- 0x30) < 10 || ((b | 0x20) &- 0x61) < 26 || b == 0x5F
    }

    /// Decodes the scalar starting at `i` in valid UTF-8 (bytes taken from a `String`), with its
    /// length in bytes.
    @inline(__always)
    static func scalar(at i: Int, in bytes: UnsafeBufferPointer<UInt8>) -> (Unicode.Scalar, Int) {
        let b0 = UInt32(bytes[i])
        if b0 < 0x80 { return (Unicode.Scalar(UInt8(b0)), 1) }
        if b0 < 0xE0 {
            let v = (b0 & 0x1F) << 6 | UInt32(bytes[i + 1] & 0x3F)
            return (Unicode.Scalar(v) ?? "\u{FFFD}", 2)
        }
        if b0 < 0xF0 {
            let v = (b0 & 0x0F) << 12 | UInt32(bytes[i + 1] & 0x3F) << 6 | UInt32(bytes[i + 2] & 0x3F)
            return (Unicode.Scalar(v) ?? "\u{FFFD}", 3)
        }
        let v = (b0 & 0x07) << 18 | UInt32(bytes[i + 1] & 0x3F) << 12 | UInt32(bytes[i + 2] & 0x3F) << 6
            | UInt32(bytes[i + 3] & 0x3F)
        return (Unicode.Scalar(v) ?? "\u{FFFD}", 4)
    }

    /// Length of the UTF-8 sequence a byte starts (1 for ASCII and, defensively, stray bytes).
    @inline(__always)
    static func sequenceLength(_ lead: UInt8) -> Int {
        lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
    }

    /// Letters, combining marks and digits of any script: what a word is made of. Marks count so
    /// that a decomposed "é" (e + U+0301) stays one word.
    @inline(__always)
    static func isWordScalar(_ s: Unicode.Scalar) -> Bool {
        if s.value < 0x80 { return isASCIIWord(UInt8(s.value)) }
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .letterNumber, .otherNumber:
            return true
        default:
            return false
        }
    }

    /// Whether the byte at `i` starts a word character (`i` must be a scalar boundary).
    @inline(__always)
    static func isWord(at i: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let b = bytes[i]
        if b < 0x80 { return isASCIIWord(b) }
        return isWordScalar(scalar(at: i, in: bytes).0)
    }

    /// Whether the scalar that ends just before `i` is a word character (`i` a scalar boundary).
    @inline(__always)
    static func isWord(before i: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard i > 0 else { return false }
        var start = i - 1
        while start > 0 && bytes[start] & 0xC0 == 0x80 { start -= 1 }
        return isWord(at: start, in: bytes)
    }

    /// Whitespace separates words; Unicode's White_Space covers no-break and ideographic spaces.
    @inline(__always)
    static func isSpace(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D: return true
        case 0..<0x80: return false
        default: return s.properties.isWhitespace
        }
    }

    /// Appends the case fold of one scalar. Lowercasing the uppercase form, scalar by scalar,
    /// makes every case variant meet: "ς", "σ" and "Σ" all become "σ", "ß" and "SS" become "ss",
    /// and no context rule (Greek final sigma) makes a word fold differently from its pieces.
    /// A second round catches the few scalars whose first round lands on another foldable one
    /// ("ẞ" lowercases to "ß", which folds on to "ss").
    @inline(__always)
    static func appendFold(of s: Unicode.Scalar, to out: inout [UInt8]) {
        let v = s.value
        if v < 0x80 {
            out.append(v >= 0x41 && v <= 0x5A ? UInt8(v + 0x20) : UInt8(v))
            return
        }
        guard s.properties.changesWhenCaseMapped else {
            appendUTF8(s, to: &out)
            return
        }
        for upper in s.properties.uppercaseMapping.unicodeScalars {
            for lower in upper.properties.lowercaseMapping.unicodeScalars {
                guard lower.value >= 0x80, lower != s, lower.properties.changesWhenCaseMapped else {
                    appendUTF8(lower, to: &out)
                    continue
                }
                for upper2 in lower.properties.uppercaseMapping.unicodeScalars {
                    for lower2 in upper2.properties.lowercaseMapping.unicodeScalars { appendUTF8(lower2, to: &out) }
                }
            }
        }
    }

    @inline(__always)
    static func appendUTF8(_ s: Unicode.Scalar, to out: inout [UInt8]) {
        let v = s.value
        switch v {
        case 0..<0x80:
            out.append(UInt8(v))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | v >> 6)); out.append(UInt8(0x80 | v & 0x3F))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | v >> 12)); out.append(UInt8(0x80 | v >> 6 & 0x3F)); out.append(UInt8(0x80 | v & 0x3F))
        default:
            out.append(UInt8(0xF0 | v >> 18)); out.append(UInt8(0x80 | v >> 12 & 0x3F))
            out.append(UInt8(0x80 | v >> 6 & 0x3F)); out.append(UInt8(0x80 | v & 0x3F))
        }
    }

    /// The case-folded form of a whole string (phrases and keywords are folded once, at setup).
    public static func fold(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for s in text.unicodeScalars { appendFold(of: s, to: &out) }
        return String(decoding: out, as: UTF8.self)
    }

    /// The UTF-8 bytes `range` covers in `text`, as a string (how every finding's `matched` is
    /// made, so that slicing the segment by the finding's range gives exactly `matched`).
    static func slice(_ text: String, _ range: Range<Int>) -> String {
        let utf8 = text.utf8
        let start = utf8.index(utf8.startIndex, offsetBy: range.lowerBound)
        let end = utf8.index(start, offsetBy: range.count)
        return String(decoding: utf8[start..<end], as: UTF8.self)
    }
}
