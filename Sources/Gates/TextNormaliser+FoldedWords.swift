extension TextNormaliser {
    /// A word of a folded text as phrase indexes look it up: where it is, the hash of its bytes,
    /// and the hashes of its stems without a common English ending (see
    /// `PhraseIndex.endings`), so "refunded" is also tried as "refund" and "refunde".
    struct FoldedWord: Sendable {
        var start: Int32
        var end: Int32
        var hash: UInt64
        /// Byte lengths of the endings found (0 where none) and the hashes of the word without them.
        var endings: (UInt8, UInt8, UInt8)
        var stems: (UInt64, UInt64, UInt64)
    }

    /// The words of folded text, in order: a maximal run of word characters, hashed with
    /// `phraseWordHash` (what a phrase's first word hashes to).
    ///
    /// Found once per segment when it is folded. Before, each phrase index walked the text
    /// itself, and a gated row was walked by the classifier, the global blocklist and each
    /// slice's blocklist. The walk only finds where words end; each word is then hashed eight
    /// bytes at a time (a byte-by-byte FNV-1a chain, a multiply per byte each waiting for the
    /// last, was most of the walk's cost), and a stem is hashed again from its bytes, which is
    /// cheaper than keeping a hash per byte for the few words that have an ending.
    ///
    /// With `keeping`, only the words that may begin a phrase of the indexes that will search
    /// the text (see `WordFilter`): nearly every word of a row begins none, and storing each (48
    /// bytes) for every index to walk past again was most of the phrase search's time; a word
    /// whose opening bytes begin no phrase is not even hashed.
    static func foldedWords(_ text: UnsafeBufferPointer<UInt8>, keeping filter: WordFilter? = nil) -> [FoldedWord] {
        var words: [FoldedWord] = []
        guard let address = text.baseAddress else { return words }
        words.reserveCapacity(filter == nil ? text.count / 5 + 1 : 8)
        let base = UnsafeRawPointer(address)
        let n = text.count
        var i = 0
        while i < n {
            // To the next word: runs of ASCII eight bytes at a time (see `ASCIIWordScan`), other
            // scalars decoded.
            i = ASCIIWordScan.skip(base, from: i, count: n) { ASCIIWordScan.wordCharacter($0) | ASCIIWordScan.nonASCII($0) }
            guard i < n else { break }
            let first = text[i]
            if first < 0x80 ? !isASCIIWord(first) : !isWord(at: i, in: text) {
                i += sequenceLength(first)
                continue
            }
            var j = first < 0x80 ? i + 1 : min(n, i + sequenceLength(first))
            while j < n {
                j = ASCIIWordScan.skip(base, from: j, count: n) { ~ASCIIWordScan.wordCharacter($0) & ASCIIWordScan.high }
                guard j < n else { break }
                let c = text[j]
                if c < 0x80 {
                    guard isASCIIWord(c) else { break }
                    j += 1
                    continue
                }
                guard isWord(at: j, in: text) else { break }
                j = min(n, j + sequenceLength(c))
            }
            let (a, b, c) = PhraseIndex.endings(text, i, j)
            if let filter, !filter.mayOpen(text, i, j, endings: (a, b, c)) {
                i = j
                continue
            }
            let word = FoldedWord(
                start: Int32(i), end: Int32(j), hash: phraseWordHash(text, i, j),
                endings: (UInt8(a), UInt8(b), UInt8(c)),
                stems: (a > 0 ? phraseWordHash(text, i, j - a) : 0, b > 0 ? phraseWordHash(text, i, j - b) : 0,
                        c > 0 ? phraseWordHash(text, i, j - c) : 0))
            if let filter, !filter.mayContain(word.hash), a == 0 || !filter.mayContain(word.stems.0),
               b == 0 || !filter.mayContain(word.stems.1), c == 0 || !filter.mayContain(word.stems.2) {
                i = j
                continue
            }
            words.append(word)
            i = j
        }
        return words
    }

    /// The hash phrase indexes key a phrase's first word by, of `text[start..<end]`: the length
    /// first, then eight bytes at a time (little-endian loads, so a word hashes alike whether
    /// its last bytes are loaded together or gathered one by one, on any machine), then a full
    /// mix so the low bits that pick a filter bit are well spread. Only compared within one
    /// process (the phrase tables are built at start-up), so it can change freely.
    @inline(__always)
    static func phraseWordHash(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> UInt64 {
        var h = 0x243F_6A88_85A3_08D3 ^ (UInt64(truncatingIfNeeded: end - start) &* 0x9E37_79B9_7F4A_7C15)
        guard start < end, let address = text.baseAddress else { return mix(h) }
        let base = UnsafeRawPointer(address)
        var k = start
        while k + 8 <= end {
            h = (((h << 23) | (h >> 41)) ^ ASCIIWordScan.load(base, k)) &* 0x9E37_79B9_7F4A_7C15
            k += 8
        }
        if k < end {
            var tail: UInt64
            if k + 8 <= text.count {
                // One load past the word's end, inside the text, with the bytes after it masked off.
                tail = ASCIIWordScan.load(base, k) & (~UInt64(0) >> (64 - 8 * UInt64(end - k)))
            } else {
                tail = 0
                for m in k..<end { tail |= UInt64(text[m]) << (8 * UInt64(m - k)) }
            }
            h = (((h << 23) | (h >> 41)) ^ tail) &* 0x9E37_79B9_7F4A_7C15
        }
        return mix(h)
    }

    /// `phraseWordHash` of a whole byte string (a phrase's first word, at set-up).
    static func phraseWordHash(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        bytes.withUnsafeBufferPointer { phraseWordHash($0, 0, $0.count) }
    }
}
