/// How far two reviewers agree on the same rows beyond what chance would give: Cohen's kappa.
///
/// Raw agreement flatters: if 90 % of rows are accepted, two reviewers who accept everything
/// without reading agree 90 % of the time. Kappa subtracts the agreement their own verdict mix
/// would give by chance: κ = (pₒ − pₑ) / (1 − pₑ), where pₒ is the observed share of rows both
/// gave the same verdict and pₑ = Σₖ (share A gave k) × (share B gave k). κ = 1 is perfect,
/// 0 is chance, below 0 is worse than chance. Overlap rows exist to measure this.
public struct Agreement: Sendable, Hashable {
    /// Rows both reviewers decided.
    public var items: Int
    /// pₒ: share of rows with the same verdict.
    public var observed: Double
    /// pₑ: agreement expected by chance from each reviewer's own verdict mix.
    public var expected: Double
    /// κ, or nil when `expected` is exactly 1 (see `isDegenerate`).
    public var kappa: Double?

    /// True when both reviewers gave every row one and the same verdict (pₑ = pₒ = 1), so κ is
    /// 0 ÷ 0. Kappa is then nil rather than 1: the rows agree perfectly, but they show nothing
    /// about whether the reviewers would agree on a row worth disagreeing about, and printing
    /// "κ = 1.00" for 12 rows everyone accepted would overstate it. Show `observed` instead.
    public var isDegenerate: Bool { kappa == nil }

    /// Kappa over paired verdicts (`pairs[i]` = what A and B said about row i). Any hashable
    /// category works: verdict names as strings, `Verdict`, reason codes. Nil with no rows.
    ///
    /// The degenerate test is done in integers (Σₖ aₖ·bₖ == n²), so it is exact, not a float
    /// compared with 1.
    public init?<Category: Hashable>(_ pairs: [(Category, Category)]) {
        guard !pairs.isEmpty else { return nil }
        var same = 0
        var countsA: [Category: Int] = [:]
        var countsB: [Category: Int] = [:]
        for (a, b) in pairs {
            if a == b { same += 1 }
            countsA[a, default: 0] += 1
            countsB[b, default: 0] += 1
        }
        let n = pairs.count
        var chance = 0  // Σₖ aₖ·bₖ, so pₑ = chance / n²
        for (category, a) in countsA { chance += a * (countsB[category] ?? 0) }
        items = n
        observed = Double(same) / Double(n)
        expected = Double(chance) / (Double(n) * Double(n))
        kappa = chance == n * n ? nil : (observed - expected) / (1 - expected)
    }
}

/// One overlap row decided by two reviewers, as the lead reads it from the log.
public struct OverlapDecision: Sendable, Hashable {
    public var slice: String
    public var raterA: String
    public var raterB: String
    /// Verdict names ("accept", "edit", "reject", "flag"); any strings compare.
    public var verdictA: String
    public var verdictB: String

    public init(slice: String, raterA: String, raterB: String, verdictA: String, verdictB: String) {
        self.slice = slice
        self.raterA = raterA
        self.raterB = raterB
        self.verdictA = verdictA
        self.verdictB = verdictB
    }

    /// The same decision with the raters in name order, verdicts following their raters.
    public var ordered: OverlapDecision {
        raterA <= raterB ? self
            : OverlapDecision(slice: slice, raterA: raterB, raterB: raterA, verdictA: verdictB, verdictB: verdictA)
    }
}

/// Two reviewers, `first` < `second` by name (or equal, if the log ever pairs someone with
/// themselves: kept visible rather than dropped, since it means overlap assignment went wrong).
public struct RaterPair: Sendable, Hashable, Comparable {
    public var first: String
    public var second: String

    public init(_ a: String, _ b: String) {
        (first, second) = a <= b ? (a, b) : (b, a)
    }

    public static func < (l: RaterPair, r: RaterPair) -> Bool {
        (l.first, l.second) < (r.first, r.second)
    }
}

/// Kappa per slice and per reviewer pair, each list sorted by key so `--json` output is stable.
public struct AgreementReport: Sendable, Hashable {
    public struct SliceAgreement: Sendable, Hashable {
        public var slice: String
        public var agreement: Agreement
    }

    public struct PairAgreement: Sendable, Hashable {
        public var pair: RaterPair
        public var agreement: Agreement
    }

    public var bySlice: [SliceAgreement]
    public var byPair: [PairAgreement]

    /// Groups the decisions and computes kappa for each group.
    ///
    /// Per pair, this is Cohen's kappa exactly as defined: the same two raters, A = the first by
    /// name. Per slice, rows from different pairs are pooled with each row's raters in name
    /// order, so "rater A" is whoever sorts first on that row. That is the usual approximation
    /// when pairs rotate; it is deterministic (the same log gives the same number), and it only
    /// differs from an order-free measure such as Fleiss' kappa when reviewers' verdict mixes
    /// differ a lot, which the per-pair figures then show.
    public init(_ decisions: [OverlapDecision]) {
        var slices: [String: [(String, String)]] = [:]
        var pairs: [RaterPair: [(String, String)]] = [:]
        for decision in decisions.lazy.map(\.ordered) {
            let verdicts = (decision.verdictA, decision.verdictB)
            slices[decision.slice, default: []].append(verdicts)
            pairs[RaterPair(decision.raterA, decision.raterB), default: []].append(verdicts)
        }
        // Groups are never empty, so Agreement never returns nil here.
        bySlice = slices.keys.sorted().map { SliceAgreement(slice: $0, agreement: Agreement(slices[$0]!)!) }
        byPair = pairs.keys.sorted().map { PairAgreement(pair: $0, agreement: Agreement(pairs[$0]!)!) }
    }
}
