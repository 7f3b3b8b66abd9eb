/// The n-grams of an eval set, for finding training rows that copy eval items.
///
/// A row that contains an eval question teaches the model the test, and every score measured on
/// that test afterwards is worth less; the usual check (GPT-3, Llama 2) is word n-gram overlap
/// after normalisation, with n = 13. Each eval item's normalised words (`TextNormaliser.words`)
/// are cut into n-grams whose 64-bit hashes go into an open-addressing table mapping hash →
/// item; checking a row is then one pass over its words with a rolling hash and one table probe
/// per word, no strings built. With 64-bit hashes a false match needs a collision among about
/// 10^15 pairs for a million rows against a large eval set, roughly one chance in twenty
/// thousand, which is well below the rate of real near-copies.
///
/// Items shorter than n words (but at least `minimumWords` long) are indexed whole, at their own
/// length: a 10-word eval question copied verbatim is contamination too.
public struct ContaminationIndex: Sendable {
    /// One eval item: where it came from and its text (question and answer together, so a row
    /// that copies either is found).
    public struct EvalItem: Sendable, Equatable {
        public var id: String
        /// The eval file as named in the settings.
        public var file: String
        public var line: Int?
        public var text: String

        public init(id: String, file: String, line: Int? = nil, text: String) {
            self.id = id
            self.file = file
            self.line = line
            self.text = text
        }
    }

    /// Where a row matched: the eval item, the byte range in the checked text, and its length
    /// in words.
    public struct Hit: Sendable, Equatable {
        public var item: Int
        public var range: Range<Int>
        public var words: Int
    }

    public let n: Int
    public let minimumWords: Int
    public let items: [EvalItem]
    /// Open addressing, linear probing; key 0 marks an empty slot (a real key of 0 is stored as 1).
    let keys: [UInt64]
    let values: [Int32]
    let mask: Int
    /// Word counts of the items shorter than n that were indexed whole, ascending.
    let shortLengths: [Int]
    /// `shortLengths` and then n: the n-gram lengths a text is checked at.
    let lengths: [Int]
    /// Distinct n-grams (and short items) indexed.
    public let count: Int

    /// The base of the polynomial rolling hash over word hashes (odd, so multiplication by it is
    /// a bijection modulo 2^64).
    static let base: UInt64 = 0x100_0000_01b3_9e37

    public init(items: [EvalItem], n: Int = 13, minimumWords: Int = 8) {
        self.n = max(1, n)
        self.minimumWords = max(1, min(minimumWords, self.n))
        self.items = items
        var entries: [(UInt64, Int32)] = []
        var short = Set<Int>()
        var words: [UInt64] = []
        for (itemIndex, item) in items.enumerated() {
            words.removeAll(keepingCapacity: true)
            TextNormaliser.forEachWordHash(in: item.text) { hash, _ in words.append(hash) }
            let length = words.count >= self.n ? self.n : words.count
            guard length >= self.minimumWords else { continue }
            if length < self.n { short.insert(length) }
            var hash: UInt64 = 0
            let top = Self.power(length - 1)
            for (k, w) in words.enumerated() {
                if k >= length { hash = hash &- words[k - length] &* top }
                hash = hash &* Self.base &+ w
                if k >= length - 1 { entries.append((Self.key(hash, length: length), Int32(itemIndex))) }
            }
        }
        var capacity = 16
        while capacity < entries.count * 2 { capacity <<= 1 }
        var keys = [UInt64](repeating: 0, count: capacity)
        var values = [Int32](repeating: 0, count: capacity)
        var count = 0
        for (key, value) in entries {
            var slot = Int(truncatingIfNeeded: key) & (capacity - 1)
            while keys[slot] != 0 && keys[slot] != key { slot = (slot + 1) & (capacity - 1) }
            if keys[slot] == 0 {
                // The first item with an n-gram keeps it: reports name the earliest eval item.
                keys[slot] = key
                values[slot] = value
                count += 1
            }
        }
        self.keys = keys
        self.values = values
        mask = capacity - 1
        self.count = count
        shortLengths = short.sorted()
        lengths = shortLengths + [self.n]
    }

    /// base^k modulo 2^64.
    static func power(_ k: Int) -> UInt64 {
        var result: UInt64 = 1
        for _ in 0..<max(0, k) { result = result &* base }
        return result
    }

    /// The table key for a rolling hash of `length` words (the length is mixed in so a short
    /// item cannot collide with an n-gram that happens to share its polynomial value).
    @inline(__always)
    static func key(_ hash: UInt64, length: Int) -> UInt64 {
        let key = TextNormaliser.mix(hash ^ (UInt64(length) &* 0x9e37_79b9_7f4a_7c15))
        return key == 0 ? 1 : key
    }

    @inline(__always)
    func lookup(_ key: UInt64) -> Int? {
        var slot = Int(truncatingIfNeeded: key) & mask
        while true {
            let k = keys[slot]
            if k == key { return Int(values[slot]) }
            if k == 0 { return nil }
            slot = (slot + 1) & mask
        }
    }

    /// The first n-gram of `text` (in text order) that is also in an eval item.
    public func firstMatch(in text: String) -> Hit? {
        guard count > 0 else { return nil }
        let lengths = self.lengths
        let span = n
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: span) { ring in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: span) { starts in
                withUnsafeTemporaryAllocation(of: UInt64.self, capacity: lengths.count * 2) { rolling in
                    for (i, length) in lengths.enumerated() {
                        rolling[2 * i] = 0
                        rolling[2 * i + 1] = Self.power(length - 1)
                    }
                    var k = 0
                    var hit: Hit?
                    TextNormaliser.forEachWordHash(in: text) { word, range in
                        guard hit == nil else { return }
                        let slot = k % span
                        for (i, length) in lengths.enumerated() {
                            var hash = rolling[2 * i]
                            if k >= length { hash = hash &- ring[(k - length) % span] &* rolling[2 * i + 1] }
                            hash = hash &* Self.base &+ word
                            rolling[2 * i] = hash
                            if k >= length - 1, hit == nil, let item = lookup(Self.key(hash, length: length)) {
                                // The n-gram's first word is k - length + 1: the current one, or in the ring.
                                let start = length == 1 ? range.lowerBound : starts[(k - length + 1) % span]
                                hit = Hit(item: item, range: start..<range.upperBound, words: length)
                            }
                        }
                        // Written after the lookups: a full-length n-gram's first word sits in
                        // the slot this word is about to take.
                        ring[slot] = word
                        starts[slot] = range.lowerBound
                        k += 1
                    }
                    return hit
                }
            }
        }
    }
}
