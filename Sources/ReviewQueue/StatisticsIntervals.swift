import WinnowCore

/// A share of trials that came out one way ("12 of 40 reviewed rows were rejected"), with the
/// interval `winnow stats` prints beside every rate.
///
/// Why Wilson and not the textbook p ± z·√(p(1−p)/n): review samples are small and error rates
/// sit near 0, exactly where that normal approximation fails. At 0 of 20 it gives [0, 0]
/// ("certainly no errors"), and near the edges it runs below 0 or above 1. The Wilson score
/// interval inverts the score test instead: it stays inside [0, 1], is never empty, and at
/// 0 of 20 still says the error rate could be up to 16 %, which is the honest answer.
public struct Proportion: Sendable, Hashable, Codable {
    /// Constants, so the 0 <= successes <= trials check in `init` cannot be bypassed later.
    public let successes: Int
    public let trials: Int

    /// The default z: the 97.5th percentile of the standard normal, for a two-sided 95 % interval.
    public static let z95 = 1.959964

    public init(successes: Int, trials: Int) {
        precondition(trials >= 0 && successes >= 0 && successes <= trials,
                     "a proportion needs 0 <= successes (\(successes)) <= trials (\(trials))")
        self.successes = successes
        self.trials = trials
    }

    /// successes ÷ trials; nil with no trials, because "0 %" of nothing would read as a measurement.
    public var rate: Double? {
        trials == 0 ? nil : Double(successes) / Double(trials)
    }

    /// The Wilson score interval at `z` (default 95 %), or nil with no trials (nothing was
    /// measured, so there is no interval to report, not even [0, 1]).
    ///
    /// The ends are pinned to exactly 0 at 0 successes and exactly 1 at `trials` successes: they
    /// are 0 and 1 algebraically, and rounding would otherwise print "1e-17" or "0.9999999".
    /// `z` = 0 collapses the interval to the observed rate.
    public func wilson(z: Double = Proportion.z95) -> ClosedRange<Double>? {
        precondition(z >= 0 && z.isFinite, "z must be a finite non-negative number, not \(z)")
        guard trials > 0 else { return nil }
        let n = Double(trials)
        let p = Double(successes) / n
        let z2 = z * z
        let denominator = 1 + z2 / n
        let centre = (p + z2 / (2 * n)) / denominator
        let half = z / denominator * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        let lower = successes == 0 ? 0 : max(0, centre - half)
        let upper = successes == trials ? 1 : min(1, centre + half)
        return lower...upper
    }
}

/// How many reviewed rows got each verdict, for one slice, generator or template. The stats
/// table reads its accept / edit / reject rates from here.
public struct VerdictTally: Sendable, Hashable {
    public var counts: [Verdict: Int]

    public init(counts: [Verdict: Int] = [:]) {
        precondition(counts.values.allSatisfy { $0 >= 0 }, "verdict counts cannot be negative")
        self.counts = counts
    }

    public init<S: Sequence>(_ verdicts: S) where S.Element == Verdict {
        self.init()
        for verdict in verdicts { add(verdict) }
    }

    public mutating func add(_ verdict: Verdict, count: Int = 1) {
        counts[verdict, default: 0] += count
    }

    public subscript(verdict: Verdict) -> Int { counts[verdict] ?? 0 }

    /// Every decided row, flags included: a flag is a reviewer's decision too, and leaving flags
    /// out would make a slice where half the rows went to an expert look fully reviewed.
    public var reviewed: Int { counts.values.reduce(0, +) }

    /// The share of reviewed rows with any of `verdicts`, over all reviewed rows.
    public func proportion(of verdicts: Set<Verdict>) -> Proportion {
        Proportion(successes: verdicts.reduce(0) { $0 + self[$1] }, trials: reviewed)
    }

    public func proportion(of verdict: Verdict) -> Proportion { proportion(of: [verdict]) }
}
