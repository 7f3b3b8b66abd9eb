extension ContaminationIndex {
    /// Collects the index's entries item by item, then lays them out as the probe table.
    struct Builder {
        let n: Int
        let minimumWords: Int
        let exactMinimumWords: Int
        var entries: [(UInt64, UInt32)] = []
        /// Lengths below n at which some prompt was indexed whole.
        var short = Set<Int>()
        var exact: [UInt64: Int32] = [:]
        private var words: [UInt64] = []
        private var segmentWords: [UInt64] = []

        init(n: Int, minimumWords: Int, exactMinimumWords: Int) {
            self.n = n
            self.minimumWords = minimumWords
            self.exactMinimumWords = exactMinimumWords
        }

        /// The prompt's n-grams over all its segments in order (or the whole prompt when it is
        /// shorter than n); each segment shorter than n on its own, whole (a choice, a single
        /// turn of a longer conversation); and the exact keys.
        mutating func addPrompt(_ item: EvalItem, index: UInt32) {
            words.removeAll(keepingCapacity: true)
            for segment in item.prompt {
                segmentWords.removeAll(keepingCapacity: true)
                TextNormaliser.forEachWordHash(in: segment) { hash, _ in segmentWords.append(hash) }
                words += segmentWords
                if item.prompt.count > 1 && segmentWords.count < n { addWhole(segmentWords, index: index) }
            }
            addGrams(words, index: index, wholeIfShort: true)
            addExact(words, index: index)
            if let first = item.firstTurn {
                segmentWords.removeAll(keepingCapacity: true)
                TextNormaliser.forEachWordHash(in: first) { hash, _ in segmentWords.append(hash) }
                addExact(segmentWords, index: index)
                if segmentWords.count < n { addWhole(segmentWords, index: index) }
            }
        }

        /// The answer's n-grams, segment by segment (answers shorter than n are not indexed:
        /// "No." or "I'm sorry, I can't help with that" would match ordinary answers).
        mutating func addAnswer(_ item: EvalItem, index: UInt32) {
            for segment in item.answer {
                words.removeAll(keepingCapacity: true)
                TextNormaliser.forEachWordHash(in: segment) { hash, _ in words.append(hash) }
                addGrams(words, index: index | answerBit, wholeIfShort: false)
            }
        }

        private mutating func addWhole(_ words: [UInt64], index: UInt32) {
            guard words.count >= minimumWords && words.count < n else { return }
            short.insert(words.count)
            entries.append((key(polynomial(words[...]), length: words.count), index))
        }

        private mutating func addGrams(_ words: [UInt64], index: UInt32, wholeIfShort: Bool) {
            guard words.count >= n else {
                if wholeIfShort { addWhole(words, index: index) }
                return
            }
            var hash: UInt64 = 0
            let top = power(n - 1)
            for (k, w) in words.enumerated() {
                if k >= n { hash = hash &- words[k - n] &* top }
                hash = hash &* base &+ w
                if k >= n - 1 { entries.append((key(hash, length: n), index)) }
            }
        }

        private mutating func addExact(_ words: [UInt64], index: UInt32) {
            guard words.count >= exactMinimumWords else { return }
            let key = exactKey(polynomial(words[...]), length: words.count)
            // The first item keeps a key: reports name the earliest eval item.
            if exact[key] == nil { exact[key] = Int32(index) }
        }

        /// Lays the entries out for linear probing at most half full.
        func table() -> (keys: [UInt64], values: [UInt32], count: Int) {
            var capacity = 16
            while capacity < entries.count * 2 { capacity <<= 1 }
            var keys = [UInt64](repeating: 0, count: capacity)
            var values = [UInt32](repeating: 0, count: capacity)
            var count = 0
            for (key, value) in entries {
                var slot = Int(truncatingIfNeeded: key) & (capacity - 1)
                while keys[slot] != 0 && keys[slot] != key { slot = (slot + 1) & (capacity - 1) }
                if keys[slot] == 0 {
                    // The first entry keeps an n-gram: the earliest eval item, prompt before answer.
                    keys[slot] = key
                    values[slot] = value
                    count += 1
                }
            }
            return (keys, values, count)
        }
    }

    /// The polynomial hash of a word sequence (the value the rolling hash has after its last word).
    static func polynomial(_ words: ArraySlice<UInt64>) -> UInt64 {
        var hash: UInt64 = 0
        for w in words { hash = hash &* base &+ w }
        return hash
    }
}
