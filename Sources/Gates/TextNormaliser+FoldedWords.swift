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

    /// The words of folded text, in order: a maximal run of word characters, hashed byte by
    /// byte with FNV-1a (what a phrase's first word hashes to).
    ///
    /// Found once per segment when it is folded. Before, each phrase index walked the text
    /// itself, and a gated row was walked by the classifier, the global blocklist and each
    /// slice's blocklist: the walk (a class test and a hash step per byte) was most of their cost.
    static func foldedWords(_ text: UnsafeBufferPointer<UInt8>) -> [FoldedWord] {
        var words: [FoldedWord] = []
        words.reserveCapacity(text.count / 5 + 1)
        // prefix[p & 7]: the hash of the current word's bytes up to p, for the last few p, so a
        // stem ("refund" in "refunded") is hashed without walking the word again.
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 8) { prefix in
            let n = text.count
            var i = 0
            while i < n {
                // ASCII (nearly every byte) is classified inline; other scalars are decoded.
                let first = text[i]
                if first < 0x80 ? !isASCIIWord(first) : !isWord(at: i, in: text) {
                    i += sequenceLength(first)
                    continue
                }
                var hash = fnvOffset
                var j = i
                while j < n {
                    let c = text[j]
                    if c < 0x80 {
                        guard isASCIIWord(c) else { break }
                        hash = fnv(hash, c)
                        j += 1
                        prefix[j & 7] = hash
                        continue
                    }
                    guard isWord(at: j, in: text) else { break }
                    let length = sequenceLength(c)
                    for k in j..<min(n, j + length) {
                        hash = fnv(hash, text[k])
                        prefix[(k + 1) & 7] = hash
                    }
                    j += length
                }
                let (a, b, c) = PhraseIndex.endings(text, i, j)
                words.append(FoldedWord(
                    start: Int32(i), end: Int32(j), hash: hash,
                    endings: (UInt8(a), UInt8(b), UInt8(c)),
                    stems: (a > 0 ? prefix[(j - a) & 7] : 0, b > 0 ? prefix[(j - b) & 7] : 0, c > 0 ? prefix[(j - c) & 7] : 0)))
                i = j
            }
        }
        return words
    }
}
