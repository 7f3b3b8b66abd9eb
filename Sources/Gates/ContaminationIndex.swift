/// The eval items of a workspace, indexed for finding training rows that copy them.
///
/// A row that contains an eval question teaches the model the test, and every score measured on
/// that test afterwards is worth less. Two checks find the copies, both on normalised words
/// (`TextNormaliser.words`: case, punctuation and spacing do not matter):
///
/// - **n-gram overlap** (GPT-3, Llama 2): each eval item's prompt side is cut into word n-grams
///   (13 by default) whose 64-bit hashes go into an open-addressing table; checking a row is one
///   pass over its words with a rolling hash and one probe per word, no strings built. A prompt
///   shorter than n words (but at least `minimumWords`) is indexed whole, at its own length, so
///   a 10-word question copied inside a longer prompt is found too.
/// - **exact prompt match**: the normalised whole prompt of each eval item (and, for
///   conversations, its first user turn) goes into a hash set, and a row turn or prompt that is
///   the same text whatever its length is a copy. This is what catches the short prompts n-grams
///   cannot ("How do I pick a lock?", 6 words, or a one-turn copy of a three-turn transcript),
///   down to `exactMinimumWords`: below that a match says nothing ("Hey", "Thanks!").
///
/// Answer sides (reference answers, assistant turns) are indexed as n-grams too, but only for the
/// weaker `answer-overlap` flag: answers share stock wording ("there are 7 days in a week, so")
/// far more often than prompts do, and treating that as contamination rejected honest rows. A
/// prompt n-gram takes precedence over an equal answer n-gram (prompts are indexed first).
///
/// With 64-bit hashes a false match needs a collision among about 10^15 pairs for a million rows
/// against a large eval set, roughly one chance in twenty thousand: well below the rate of real
/// near-copies.
public struct ContaminationIndex: Sendable {
    /// One eval item: where it came from, its prompt side and its answer side.
    public struct EvalItem: Sendable, Equatable {
        public var id: String
        /// The eval file as named in the settings.
        public var file: String
        public var line: Int?
        /// What the model is asked, in order: a question; an instruction and its input; a
        /// question and its choices; the user turns of a conversation.
        public var prompt: [String]
        /// What a good answer says: reference answers, outputs, assistant turns. Never rejected
        /// on, only flagged (`answer-overlap`).
        public var answer: [String]
        /// For a conversation, its first user turn: matched exactly on its own as well, since a
        /// row that copies the opening question of a transcript copied the eval item.
        public var firstTurn: String?

        public init(id: String, file: String, line: Int? = nil, prompt: [String], answer: [String] = [],
                    firstTurn: String? = nil) {
            self.id = id
            self.file = file
            self.line = line
            self.prompt = prompt
            self.answer = answer
            self.firstTurn = firstTurn
        }

        /// An item that is all prompt (a bare question).
        public init(id: String, file: String, line: Int? = nil, text: String) {
            self.init(id: id, file: file, line: line, prompt: [text])
        }

        /// Prompt and answer together, for messages.
        public var text: String { (prompt + answer).joined(separator: "\n\n") }
    }

    /// Which side of an eval item a match came from.
    public enum Side: String, Sendable, Equatable {
        case prompt, answer
    }

    /// Where a text matched: the eval item and side, the byte range in the checked text, its
    /// length in words, and whether it was the whole text (exact) or an n-gram in it.
    public struct Hit: Sendable, Equatable {
        public var item: Int
        public var side: Side
        public var range: Range<Int>
        public var words: Int
        public var exact: Bool = false
    }

    public let n: Int
    public let minimumWords: Int
    public let exactMinimumWords: Int
    public let items: [EvalItem]
    /// Open addressing, linear probing; key 0 marks an empty slot (a real key of 0 is stored as 1).
    let keys: [UInt64]
    /// Item index, with `answerBit` set for answer-side n-grams.
    let values: [UInt32]
    let mask: Int
    /// The word counts a text is checked at: prompts shorter than n indexed whole, then n.
    let lengths: [Int]
    /// Exact keys (`exactKey`) of whole prompts and first turns → item.
    let exact: [UInt64: Int32]
    /// Distinct n-grams (and short prompts) indexed.
    public let count: Int

    static let answerBit: UInt32 = 1 << 31

    /// The base of the polynomial rolling hash over word hashes (odd, so multiplication by it is
    /// a bijection modulo 2^64).
    static let base: UInt64 = 0x100_0000_01b3_9e37

    /// `n` and the word minimums are clamped to sensible values (n ≥ 1, 1 ≤ minimum ≤ n); the
    /// workspace's config reader refuses out-of-range settings before they get here.
    public init(items: [EvalItem], n: Int = 13, minimumWords: Int = 8, exactMinimumWords: Int = 3) {
        self.n = max(1, n)
        self.minimumWords = max(1, min(minimumWords, self.n))
        self.exactMinimumWords = max(1, exactMinimumWords)
        self.items = items
        var builder = Builder(n: self.n, minimumWords: self.minimumWords, exactMinimumWords: self.exactMinimumWords)
        for (index, item) in items.enumerated() { builder.addPrompt(item, index: UInt32(index)) }
        // Answers after every prompt: an n-gram in both stays a prompt n-gram.
        for (index, item) in items.enumerated() { builder.addAnswer(item, index: UInt32(index)) }
        (keys, values, count) = builder.table()
        mask = keys.count - 1
        lengths = builder.short.sorted() + [self.n]
        exact = builder.exact
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

    /// The exact-match key of a whole text's polynomial hash (a different space from `key`).
    @inline(__always)
    static func exactKey(_ hash: UInt64, length: Int) -> UInt64 {
        key(hash ^ 0x5851_f42d_4c95_7f2d, length: length)
    }

    @inline(__always)
    func lookup(_ key: UInt64) -> UInt32? {
        var slot = Int(truncatingIfNeeded: key) & mask
        while true {
            let k = keys[slot]
            if k == key { return values[slot] }
            if k == 0 { return nil }
            slot = (slot + 1) & mask
        }
    }

    /// The eval item whose whole prompt (or first turn) is the text a `Whole` describes.
    public func exactMatch(_ whole: Whole) -> Int? {
        guard whole.words >= exactMinimumWords, !exact.isEmpty else { return nil }
        return exact[Self.exactKey(whole.hash, length: whole.words)].map(Int.init)
    }

    /// The first prompt-side match in `text` (in text order): an eval prompt's n-gram, a short
    /// eval prompt inside it, or the whole text being an eval prompt.
    public func firstMatch(in text: String) -> Hit? {
        var hit: Hit?
        let whole = walk(text) { found in
            guard found.side == .prompt else { return false }
            hit = found
            return true
        }
        if hit == nil, let item = exactMatch(whole) {
            hit = Hit(item: item, side: .prompt, range: whole.range, words: whole.words, exact: true)
        }
        return hit
    }
}
