/// Words and word shingles of a text as 64-bit hashes, read straight from its UTF-8 bytes.
///
/// The near-duplicate gate hashes every word 5-gram of every row; at a million rows that is about
/// a hundred million shingles, so nothing here allocates per word or per shingle: a word's hash
/// is built while scanning (`WordHasher`) and a shingle's hash combines its words' hashes and
/// is finished with MurmurHash3's finaliser, so the bits the permutations read are well mixed.
/// The template gate uses the same words, so "opening" and "shingle" mean the same tokens.
///
/// A word is a maximal run of letters, digits and combining marks, lowercased: "I'd" is "i" "d",
/// "e-mail" is "e" "mail", punctuation and whitespace only separate. Non-ASCII letters are
/// lowercased by their Unicode mapping (the only path that allocates, for upper-case non-ASCII
/// letters); scripts without spaces (CJK) come out as one word per run, which is coarse but
/// consistent, so identical texts still match.
struct NearDuplicateShingler {
    /// Word hashes of the last text tokenised; reused between texts.
    private(set) var words: [UInt64] = []

    init() {
        words.reserveCapacity(512)
    }

    /// Replaces `words` with the hashes of the words of `text`.
    mutating func tokenize(_ text: String) { tokenize(CollectionOfOne(text)) }

    /// Replaces `words` with the hashes of the words of `texts` joined by any non-word
    /// separator (`RowText.fullText` joins with a blank line): a word never spans a separator,
    /// so these are the joined text's words, without building the joined copy of every row.
    mutating func tokenize(_ texts: some Sequence<String>) {
        words.removeAll(keepingCapacity: true)
        for text in texts { Self.forEachWord(in: text) { hash, _ in words.append(hash) } }
    }

    /// Calls `body` with the hash of each shingle of `size` consecutive words of the last text
    /// tokenised; a text with fewer words gives one shingle of all of them, an empty one none.
    /// Repeated shingles are passed again (MinHash takes minima, so repeats change nothing).
    func forEachShingle(size: Int, _ body: (UInt64) -> Void) {
        let count = words.count
        guard count > 0 else { return }
        words.withUnsafeBufferPointer { w in
            if count <= size {
                body(Self.combine(w, 0, count))
            } else {
                for start in 0...(count - size) { body(Self.combine(w, start, size)) }
            }
        }
    }

    /// Hash of `length` words from `start`: order matters ("a b" and "b a" differ), and so does
    /// the length, so a 3-word row's single shingle never equals a 5-gram.
    @inline(__always)
    static func combine(_ w: UnsafeBufferPointer<UInt64>, _ start: Int, _ length: Int) -> UInt64 {
        var h = 0x9E37_79B9_7F4A_7C15 &* UInt64(truncatingIfNeeded: length &+ 1)
        for k in start..<(start + length) {
            h = ((h << 27) | (h >> 37)) ^ w[k]
            h = h &* 0xFF51_AFD7_ED55_8CCD
        }
        return fmix(h)
    }

    /// MurmurHash3's 64-bit finaliser: every input bit affects every output bit.
    @inline(__always)
    static func fmix(_ value: UInt64) -> UInt64 {
        var h = value
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }

    /// FNV-1a, for the cold paths (ids, openings, non-hex content hashes).
    static let fnvBasis: UInt64 = 0xCBF2_9CE4_8422_2325
    static let fnvPrime: UInt64 = 0x0000_0100_0000_01B3

    /// Calls `body` with each word's hash and its UTF-8 byte range in `text`.
    static func forEachWord(in text: String, _ body: (UInt64, Range<Int>) -> Void) {
        var text = text
        text.withUTF8 { bytes in forEachWord(in: bytes, body) }
    }

    /// The scanner. Runs of ASCII are classified eight bytes at a time (`ASCIIWordScan`; in the
    /// last seven bytes of the text, one at a time) and an all-ASCII word is hashed from whole
    /// loads; a word with any other byte takes `scalarWord`, which decodes scalars and classifies
    /// them by their Unicode properties. Together they give exactly the hashes the byte-by-byte
    /// scanner before them gave (`WordWalkTests` holds them to it: the kept keys of existing
    /// workspaces are made of these hashes). `bytes` must be valid UTF-8 (Swift strings always
    /// are): other bytes are decoded as the lead byte says, as they were before.
    static func forEachWord(in bytes: UnsafeBufferPointer<UInt8>, _ body: (UInt64, Range<Int>) -> Void) {
        guard let address = bytes.baseAddress else { return }
        let base = UnsafeRawPointer(address)
        let n = bytes.count
        var i = 0
        while i < n {
            // To the next word's first byte (or the next byte outside ASCII).
            i = ASCIIWordScan.skip(base, from: i, count: n) { ASCIIWordScan.letterOrDigit($0) | ASCIIWordScan.nonASCII($0) }
            guard i < n else { break }
            let c = bytes[i]
            if c < 0x80 {
                guard isASCIIWordByte(c) else {
                    i += 1
                    continue
                }
            } else {
                let (scalar, end) = decode(at: i, in: bytes)
                guard let scalar, isWordScalar(scalar) else {
                    i = end
                    continue
                }
            }
            // To its end: an all-ASCII word is hashed from loads, any other by scalars.
            var j = i
            var ascii = c < 0x80
            if ascii {
                j = ASCIIWordScan.skip(base, from: i, count: n) { ~ASCIIWordScan.letterOrDigit($0) & ASCIIWordScan.high }
                while j < n && bytes[j] < 0x80 && isASCIIWordByte(bytes[j]) { j += 1 }  // the last few bytes
                ascii = j == n || bytes[j] < 0x80
            }
            if ascii {
                body(asciiWordHash(base, i, j, count: n), i..<j)
                i = j
            } else {
                let (hash, end) = scalarWord(from: i, in: bytes)
                body(hash, i..<end)
                i = end
            }
        }
    }

    /// `WordHasher`'s value for `bytes[start..<end]`, all ASCII letters and digits, lowercased:
    /// each whole eight bytes is the hasher's `pending` word at once (its bytes in reading order
    /// from the top, hence the byte swap), and the last few are loaded together and shifted down
    /// (gathered a byte at a time when fewer than eight bytes of the text are left).
    @inline(__always)
    static func asciiWordHash(_ base: UnsafeRawPointer, _ start: Int, _ end: Int, count: Int) -> UInt64 {
        let fold = 0x2020_2020_2020_2020 as UInt64  // a-z from A-Z; digits already have the bit
        var word = WordHasher()
        var k = start
        while k + 8 <= end {
            word.hash = (((word.hash << 23) | (word.hash >> 41)) ^ (ASCIIWordScan.load(base, k) | fold).byteSwapped) &* 0x9E37_79B9_7F4A_7C15
            k += 8
        }
        let rest = end - k
        if rest > 0 {
            var tail: UInt64 = 0
            if k + 8 <= count {
                tail = (ASCIIWordScan.load(base, k) | fold).byteSwapped >> (64 - 8 * UInt64(rest))
            } else {
                for m in k..<end { tail = tail << 8 | UInt64(base.load(fromByteOffset: m, as: UInt8.self) | 0x20) }
            }
            word.pending = tail
        }
        word.length = UInt64(end - start)
        return word.finish()
    }

    /// The scalar a non-ASCII lead byte at `i` starts and the offset past it, decoded as the
    /// scanner always has; nil where the bytes make no scalar (a continuation byte where a lead
    /// byte should be, a surrogate), which then only separates words.
    @inline(__always)
    static func decode(at i: Int, in bytes: UnsafeBufferPointer<UInt8>) -> (scalar: Unicode.Scalar?, end: Int) {
        let c = bytes[i]
        let length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1
        let end = min(bytes.count, i + length)
        guard length > 1 else { return (nil, end) }
        var value = UInt32(c) & (length == 4 ? 0x07 : length == 3 ? 0x0F : 0x1F)
        for k in (i + 1)..<end { value = value << 6 | UInt32(bytes[k] & 0x3F) }
        return (Unicode.Scalar(value), end)
    }

    /// The word starting at `start` (a word character), byte by byte, and where it ends: the
    /// way through words with bytes outside ASCII, whose letters are lowercased by their
    /// Unicode mapping (the only path that allocates, for upper-case non-ASCII letters).
    static func scalarWord(from start: Int, in bytes: UnsafeBufferPointer<UInt8>) -> (hash: UInt64, end: Int) {
        var word = WordHasher()
        var i = start
        while i < bytes.count {
            let c = bytes[i]
            if c < 0x80 {
                guard isASCIIWordByte(c) else { break }
                word.add(c | 0x20)  // folds A-Z to a-z and leaves digits as they are
                i += 1
                continue
            }
            let (scalar, end) = decode(at: i, in: bytes)
            guard let scalar, isWordScalar(scalar) else { break }
            if scalar.properties.changesWhenLowercased {
                for byte in scalar.properties.lowercaseMapping.utf8 { word.add(byte) }
            } else {
                for k in i..<end { word.add(bytes[k]) }
            }
            i = end
        }
        return (word.finish(), i)
    }

    /// ASCII letters and digits (the byte must be below 0x80).
    @inline(__always)
    static func isASCIIWordByte(_ c: UInt8) -> Bool {
        (c &- 0x30) < 10 || ((c | 0x20) &- 0x61) < 26
    }

    /// A word's hash, eight bytes at a time: bytes are shifted into a 64-bit word (no multiply
    /// per byte, unlike FNV-1a, whose multiply chain was a third of the signature time), each
    /// full word is folded in with one multiply, and the result is finalised with `fmix`.
    struct WordHasher {
        var hash: UInt64 = 0x243F_6A88_85A3_08D3
        var pending: UInt64 = 0
        var length: UInt64 = 0

        @inline(__always)
        mutating func add(_ byte: UInt8) {
            pending = pending << 8 | UInt64(byte)
            length &+= 1
            if length & 7 == 0 {
                hash = (((hash << 23) | (hash >> 41)) ^ pending) &* 0x9E37_79B9_7F4A_7C15
                pending = 0
            }
        }

        /// One multiply and a shift, not a full finaliser: this is a bijection of the last
        /// eight bytes (words of up to eight bytes never collide), and every consumer (shingle,
        /// bigram, text key) runs its own finaliser over combinations of these values anyway.
        @inline(__always)
        func finish() -> UInt64 {
            let h = ((((hash << 23) | (hash >> 41)) ^ pending) &* 0x9E37_79B9_7F4A_7C15) ^ (length << 56)
            return h ^ (h >> 29)
        }
    }

    /// Letters, digits and marks (so "é" written as e + U+0301 stays one word).
    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        let properties = scalar.properties
        if properties.isAlphabetic { return true }
        switch properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber, .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    /// The words of `text` as lowercased strings (for openings a reviewer reads, not hot paths).
    static func words(of text: String, limit: Int = .max) -> [String] {
        var result: [String] = []
        var text = text
        text.withUTF8 { bytes in
            forEachWord(in: bytes) { _, range in
                guard result.count < limit else { return }
                result.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self).lowercased())
            }
        }
        return result
    }
}
