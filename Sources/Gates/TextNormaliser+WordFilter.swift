extension TextNormaliser {
    /// What a set of phrase indexes may look up: the hashes (`phraseWordHash`) of their phrases'
    /// first words, in 4096 bits, and those words' openings (first three bytes, or all of a
    /// shorter word), in 32768. A folded text keeps only the words that pass (see
    /// `foldedWords(_:keeping:)`); the openings are checked before a word is hashed at all.
    /// Both are filters: no false negatives, and a word let through is looked up in full.
    struct WordFilter: Sendable, Equatable {
        private var hashes = [UInt64](repeating: 0, count: 64)
        private var openings = [UInt64](repeating: 0, count: 512)

        /// Adds a first word, `text[start..<end]`, whose hash is `hash`.
        mutating func insert(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, hash: UInt64) {
            hashes[Int(hash & 63)] |= 1 << ((hash >> 6) & 63)
            let key = Self.openingKey(text, start, end)
            openings[key >> 6] |= 1 << UInt64(key & 63)
        }

        /// Whether a word's hash may be a first word's.
        @inline(__always)
        func mayContain(_ hash: UInt64) -> Bool { hashes[Int(hash & 63)] & (1 << ((hash >> 6) & 63)) != 0 }

        /// Whether the word `text[start..<end]`, or one of its stems (the word less an ending of
        /// the lengths in `endings`, 0 for none), may open like a first word. A stem of three
        /// bytes or more opens like the word; a shorter one has its own opening.
        @inline(__always)
        func mayOpen(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, endings: (Int, Int, Int)) -> Bool {
            if opens(text, start, end) { return true }
            guard end - start < 7 else { return false }  // every stem is three bytes or more
            func stemOpens(_ ending: Int) -> Bool { ending > 0 && end - ending - start < 3 && opens(text, start, end - ending) }
            return stemOpens(endings.0) || stemOpens(endings.1) || stemOpens(endings.2)
        }

        @inline(__always)
        private func opens(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
            let key = Self.openingKey(text, start, end)
            return openings[key >> 6] & (1 << UInt64(key & 63)) != 0
        }

        mutating func formUnion(_ other: WordFilter) {
            for k in hashes.indices { hashes[k] |= other.hashes[k] }
            for k in openings.indices { openings[k] |= other.openings[k] }
        }

        /// A word's first three bytes (all of a shorter one) and how many there are, mixed into
        /// 15 bits.
        @inline(__always)
        static func openingKey(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int {
            let count = min(3, end - start)
            var value = UInt32(truncatingIfNeeded: count)
            for k in 0..<count { value = value << 8 | UInt32(text[start + k]) }
            return Int((value &* 0x9E37_79B1) >> 17)
        }
    }
}
