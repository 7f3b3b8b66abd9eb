/// Settings of the near-duplicate gate. The defaults are the ones issue 3 names and the ones the
/// datasketch reference uses (128 permutations, word 5-grams, Jaccard 0.8), so results can be
/// compared with what a user would get from `MinHashLSH` on the same rows.
public struct NearDuplicateOptions: Sendable, Equatable {
    /// Which part of a row is compared.
    public enum TextPart: String, Sendable, CaseIterable, Codable {
        /// Every segment (prompt and answer): two rows are near duplicates only if both sides are.
        case full
        /// What the generator wrote: catches a generator repeating itself across different prompts.
        case answer
    }

    /// Number of MinHash values per row. More permutations give a tighter Jaccard estimate
    /// (standard error sqrt(J(1-J)/permutations)) at the cost of memory: 4 bytes each per row.
    public var permutations: Int
    /// Estimated Jaccard similarity at or above which two rows are near duplicates.
    public var threshold: Double
    /// Words per shingle. Rows with fewer words are one shingle of all their words.
    public var shingleWords: Int
    public var text: TextPart
    /// Seed of the permutation family; fixed so that runs (and reruns) agree.
    public var seed: UInt64
    /// Whether an LSH candidate pair must also have an estimated Jaccard at or above the
    /// threshold. On by default: band collisions alone admit pairs well below the threshold.
    /// Off reproduces what `MinHashLSH.query` returns (candidates only), for comparisons.
    public var verifyCandidates: Bool
    /// Weights of false positives and false negatives when choosing the banding, as in
    /// datasketch's `MinHashLSH(weights:)` (datasketch defaults to equal weights). Every candidate
    /// is verified, so a false positive of the banding costs one signature comparison while a
    /// false negative is a missed duplicate: the default leans to recall (0.1/0.9, 14 bands of
    /// 9 rows at 128 permutations), which found 0.655 of the benchmark's planted pairs against
    /// 0.574 with equal weights, at the same speed, and still reports only pairs at or above
    /// the threshold.
    public var falsePositiveWeight: Double
    public var falseNegativeWeight: Double
    /// How many rows go to the signature workers at once (bounds the texts held in memory).
    public var batchSize: Int

    public init(
        permutations: Int = 128, threshold: Double = 0.8, shingleWords: Int = 5, text: TextPart = .full,
        seed: UInt64 = 0x5EED_0F_5717, verifyCandidates: Bool = true, falsePositiveWeight: Double = 0.1,
        falseNegativeWeight: Double = 0.9, batchSize: Int = 8192
    ) {
        self.permutations = permutations
        self.threshold = threshold
        self.shingleWords = shingleWords
        self.text = text
        self.seed = seed
        self.verifyCandidates = verifyCandidates
        self.falsePositiveWeight = falsePositiveWeight
        self.falseNegativeWeight = falseNegativeWeight
        self.batchSize = batchSize
    }

    /// The LSH banding for these settings (see `NearDuplicateBanding.optimal`).
    public var banding: NearDuplicateBanding {
        NearDuplicateBanding.optimal(
            threshold: threshold, permutations: permutations, falsePositiveWeight: falsePositiveWeight,
            falseNegativeWeight: falseNegativeWeight)
    }

    /// A clear message for settings that cannot work, nil when they are fine.
    public var problem: String? {
        if permutations < 1 || permutations > 1024 { return "permutations must be between 1 and 1024, got \(permutations)" }
        if !(threshold > 0 && threshold <= 1) { return "threshold must be above 0 and at most 1, got \(threshold)" }
        if shingleWords < 1 || shingleWords > 32 { return "shingle words must be between 1 and 32, got \(shingleWords)" }
        if batchSize < 1 { return "batch size must be at least 1" }
        if !(falsePositiveWeight >= 0 && falseNegativeWeight >= 0 && falsePositiveWeight + falseNegativeWeight > 0) {
            return "the false positive and false negative weights must be at least 0 and not both 0"
        }
        return nil
    }
}

/// How a signature is cut into LSH bands: `bands` bands of `rows` values each. Two rows become
/// candidates when all values of at least one band agree, which happens with probability
/// 1 - (1 - s^rows)^bands for rows of Jaccard similarity s.
public struct NearDuplicateBanding: Sendable, Equatable, CustomStringConvertible {
    public var bands: Int
    public var rows: Int

    public init(bands: Int, rows: Int) {
        self.bands = bands
        self.rows = rows
    }

    public var description: String { "\(bands) bands x \(rows) rows" }

    /// Probability that a pair of Jaccard similarity `s` shares at least one band.
    public func candidateProbability(_ s: Double) -> Double {
        1 - Self.pow1(1 - Self.pow1(s, rows), bands)
    }

    /// The (bands, rows) that minimise the weighted sum of false positives and false negatives
    /// at `threshold` (equal weights by default), as datasketch's `_optimal_param` picks them: the false-positive
    /// probability is the area under the candidate curve below the threshold, the false-negative
    /// probability the area above the curve from the threshold to 1. Picking the same banding as
    /// `MinHashLSH(threshold:num_perm:)` is what makes the reference comparison like for like
    /// (for 0.8 and 128 permutations both give 9 x 13). Ties keep the first (bands, rows) found,
    /// in datasketch's loop order.
    public static func optimal(
        threshold: Double, permutations: Int, falsePositiveWeight: Double = 0.5, falseNegativeWeight: Double = 0.5
    ) -> NearDuplicateBanding {
        var best = NearDuplicateBanding(bands: 1, rows: max(1, permutations))
        var bestError = Double.infinity
        for b in 1...max(1, permutations) {
            for r in 1...max(1, permutations / b) {
                let banding = NearDuplicateBanding(bands: b, rows: r)
                let falsePositive = integrate(from: 0, to: threshold) { banding.candidateProbability($0) }
                let falseNegative = integrate(from: threshold, to: 1) { 1 - banding.candidateProbability($0) }
                let error = falsePositiveWeight * falsePositive + falseNegativeWeight * falseNegative
                if error < bestError {
                    bestError = error
                    best = banding
                }
            }
        }
        return best
    }

    /// Composite Simpson's rule; the integrands are smooth polynomials, so 512 panels agree with
    /// scipy's adaptive quadrature (which datasketch uses) far below the differences between
    /// neighbouring (b, r) choices.
    static func integrate(from a: Double, to b: Double, _ f: (Double) -> Double) -> Double {
        guard b > a else { return 0 }
        let panels = 512
        let h = (b - a) / Double(panels)
        var sum = f(a) + f(b)
        for i in 1..<panels {
            sum += f(a + Double(i) * h) * (i % 2 == 1 ? 4 : 2)
        }
        return sum * h / 3
    }

    /// Integer power by squaring (Foundation's `pow` is not needed for whole exponents).
    static func pow1(_ base: Double, _ exponent: Int) -> Double {
        var result = 1.0, b = base, e = exponent
        while e > 0 {
            if e & 1 == 1 { result *= b }
            b *= b
            e >>= 1
        }
        return result
    }
}
