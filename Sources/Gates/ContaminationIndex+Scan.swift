extension ContaminationIndex {
    /// A whole text's words as one hash, for exact matching: what a full `walk` returns.
    /// Wholes concatenate (`append`), so a row's prompt turns can be matched together against
    /// an eval item's whole prompt without walking them twice.
    public struct Whole: Sendable, Equatable {
        public var hash: UInt64 = 0
        public var words = 0
        /// base^words: what `append` multiplies by.
        var power: UInt64 = 1
        /// Bytes from the first word's start to the last word's end (0..<0 with no words).
        public var range: Range<Int> = 0..<0

        public init() {}

        /// The whole of this text followed by `other` (ranges are per text, so the range is kept).
        public mutating func append(_ other: Whole) {
            hash = hash &* other.power &+ other.hash
            power = power &* other.power
            words += other.words
        }
    }

    /// One pass over `text`'s normalised words: calls `onHit` with every indexed n-gram (or
    /// whole short prompt) it contains, in text order, until `onHit` returns true. Returns the
    /// text's `Whole`, complete only when the walk was not stopped.
    ///
    /// Per word: one rolling-hash update and one table probe for each length in `lengths`
    /// (n, plus the lengths of short prompts indexed whole), nothing allocated.
    public func walk(_ text: String, _ onHit: (Hit) -> Bool) -> Whole {
        let lengths = self.lengths
        let span = n
        let hasTable = count > 0
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: span) { ring in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: span) { starts in
                withUnsafeTemporaryAllocation(of: UInt64.self, capacity: lengths.count * 2) { rolling in
                    for (i, length) in lengths.enumerated() {
                        rolling[2 * i] = 0
                        rolling[2 * i + 1] = Self.power(length - 1)
                    }
                    var k = 0
                    var stopped = false
                    var whole = Whole()
                    var first: Int?
                    TextNormaliser.forEachWordHash(in: text) { word, range in
                        guard !stopped else { return }
                        if first == nil { first = range.lowerBound }
                        whole.hash = whole.hash &* Self.base &+ word
                        whole.power = whole.power &* Self.base
                        whole.words += 1
                        whole.range = (first ?? 0)..<range.upperBound
                        let slot = k % span
                        if hasTable {
                            for (i, length) in lengths.enumerated() where !stopped {
                                var hash = rolling[2 * i]
                                if k >= length { hash = hash &- ring[(k - length) % span] &* rolling[2 * i + 1] }
                                hash = hash &* Self.base &+ word
                                rolling[2 * i] = hash
                                if k >= length - 1, let value = lookup(Self.key(hash, length: length)) {
                                    // The n-gram's first word is k - length + 1: this one, or in the ring.
                                    let start = length == 1 ? range.lowerBound : starts[(k - length + 1) % span]
                                    let hit = Hit(item: Int(value & ~Self.answerBit),
                                                  side: value & Self.answerBit != 0 ? .answer : .prompt,
                                                  range: start..<range.upperBound, words: length)
                                    stopped = onHit(hit)
                                }
                            }
                        }
                        // Written after the lookups: a full-length n-gram's first word sits in
                        // the slot this word is about to take.
                        ring[slot] = word
                        starts[slot] = range.lowerBound
                        k += 1
                    }
                    return whole
                }
            }
        }
    }
}
