/// What a UTF-8 lead byte promises (RFC 3629): how long the sequence is and which range its
/// second byte must fall in, which is how overlongs, surrogates and values above U+10FFFF are
/// refused. Shared by the JSON parser and the sanitiser so they can never disagree on validity.
struct UTF8Lead {
    let length: Int
    let secondLow: UInt8
    let secondHigh: UInt8

    /// nil for bytes that cannot start a multi-byte sequence (ASCII, continuations, C0, C1, F5+).
    @inline(__always)
    init?(_ lead: UInt8) {
        switch lead {
        case 0xC2...0xDF: (length, secondLow, secondHigh) = (2, 0x80, 0xBF)
        case 0xE0: (length, secondLow, secondHigh) = (3, 0xA0, 0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: (length, secondLow, secondHigh) = (3, 0x80, 0xBF)
        case 0xED: (length, secondLow, secondHigh) = (3, 0x80, 0x9F)
        case 0xF0: (length, secondLow, secondHigh) = (4, 0x90, 0xBF)
        case 0xF1...0xF3: (length, secondLow, secondHigh) = (4, 0x80, 0xBF)
        case 0xF4: (length, secondLow, secondHigh) = (4, 0x80, 0x8F)
        default: return nil
        }
    }
}
