/// Settings of the template lock-in gate (variety collapse): when too many answers of one
/// generator and template open the same way or follow the same skeleton, the template has locked
/// the generator into one mould and the batch adds volume without variety.
public struct TemplateLockInOptions: Sendable, Equatable {
    /// Words of the answer that make its opening ("As an AI assistant, I'd ..." is 6 words:
    /// as an ai assistant i d).
    public var openingWords: Int
    /// Tokens of the answer's skeleton: its words with numbers replaced by "#" and quoted spans
    /// by one "\"…\"" token, so "Your order #4411 ships on 3 May" and "Your order #9820 ships on
    /// 12 June" share one.
    public var skeletonTokens: Int
    /// A group is flagged when the share of its rows with the most common opening (or skeleton)
    /// is above this.
    public var maxShare: Double
    /// Groups with fewer rows are reported but never flagged: in a handful of rows a shared
    /// opening is as likely chance as lock-in. 10 keeps small batches (such as SampleData's
    /// 16-row planted batch) in scope without judging pairs and triples.
    public var minGroupSize: Int
    /// distinct-n is computed over at most this many answers per group, picked by a hash of the
    /// row id (the same rows every run). distinct-n falls as text grows, so a fixed sample keeps
    /// groups of different sizes comparable, and it bounds memory at a million rows.
    public var distinctSample: Int

    public init(
        openingWords: Int = 6, skeletonTokens: Int = 12, maxShare: Double = 0.3, minGroupSize: Int = 10,
        distinctSample: Int = 1000
    ) {
        self.openingWords = openingWords
        self.skeletonTokens = skeletonTokens
        self.maxShare = maxShare
        self.minGroupSize = minGroupSize
        self.distinctSample = distinctSample
    }

    /// A clear message for settings that cannot work, nil when they are fine.
    public var problem: String? {
        if openingWords < 1 { return "opening words must be at least 1, got \(openingWords)" }
        if skeletonTokens < 1 { return "skeleton tokens must be at least 1, got \(skeletonTokens)" }
        if !(maxShare > 0 && maxShare < 1) { return "the share must be above 0 and below 1, got \(maxShare)" }
        if minGroupSize < 1 { return "the minimum group size must be at least 1, got \(minGroupSize)" }
        if distinctSample < 1 { return "the distinct-n sample must be at least 1 row, got \(distinctSample)" }
        return nil
    }
}
