import WinnowCore

/// What the reviewed sample of a non-critical slice says about the rows nobody looked at.
///
/// Non-critical slices are reviewed by a random sample (hash(seed, row id) < rate), and their
/// unreviewed rows are mixed on trust. That trust is only as good as this estimate: the sample's
/// error share, with a Wilson interval, carried over to the unreviewed rows as a rate and as a
/// number of bad rows. The sample is random over the whole slice, so the unreviewed rows are a
/// random remainder and the sample's error share is an unbiased estimate of theirs.
public struct SampledSliceEstimate: Sendable, Hashable {
    /// Which question the interval answers.
    public enum Population: Sendable, Hashable {
        /// "What is this generator's error rate on this slice, and how many bad rows should we
        /// expect among the unreviewed ones?" The rows are treated as draws from an unlimited
        /// stream: the rate interval is the sample's Wilson interval, and the bad-row interval
        /// is that interval times the unreviewed count (an interval for the expected count).
        case unlimited
        /// "How many bad rows are actually sitting in these unreviewed rows?" The slice is
        /// finite (N = reviewed + unreviewed) and the sample is part of it, so the Wilson
        /// interval for the slice's error share uses the finite-population correction
        /// (z scaled by √((N − n)/(N − 1))), and the bad unreviewed rows are the slice's bad
        /// rows minus those the sample already found.
        ///
        /// When it matters: only when the sample is a sizeable share of the slice. The slice-wide
        /// interval narrows by √((N − n)/(N − 1)), but the unreviewed part is then scaled up by
        /// N/m, so the net effect on the unreviewed interval is to *widen* it by about √(N/m):
        /// it now also covers the luck of which m rows happened to be left over, not just the
        /// uncertainty about the rate. At the default 5 % sample that is ~2.6 %, invisible
        /// in a table; at 25 % it is ~15 %, and a slice reviewed almost completely collapses
        /// to the handful of rows left (all reviewed: exactly zero bad rows).
        case finite
    }

    /// Sample rows judged bad, out of the sample rows that count (see `init(tally:...)`).
    public var sampleErrors: Proportion
    /// Rows of the slice nobody reviewed.
    public var unreviewed: Int
    public var population: Population
    /// Point estimate of the unreviewed rows' error rate: the sample's error share.
    public var errorRate: Double
    /// Interval for the unreviewed rows' error rate. With no unreviewed rows it is the sample's
    /// Wilson interval (there is nothing left to estimate, but the rate still describes the
    /// generator).
    public var errorRateInterval: ClosedRange<Double>
    /// errorRate × unreviewed.
    public var expectedBadRows: Double
    /// Interval for the number of bad unreviewed rows, within 0...unreviewed.
    public var badRowsInterval: ClosedRange<Double>

    /// Estimates from a sample of `sampleErrors.trials` rows of which `sampleErrors.successes`
    /// were bad, with `unreviewed` rows left. Nil if the sample is empty: no sample, no estimate
    /// (not an error rate of 0).
    public init?(
        sampleErrors: Proportion, unreviewed: Int, population: Population = .unlimited,
        z: Double = Proportion.z95
    ) {
        precondition(unreviewed >= 0, "unreviewed rows cannot be negative (\(unreviewed))")
        guard let rate = sampleErrors.rate, let sampleInterval = sampleErrors.wilson(z: z) else { return nil }
        self.sampleErrors = sampleErrors
        self.unreviewed = unreviewed
        self.population = population
        errorRate = rate
        let m = Double(unreviewed)
        expectedBadRows = rate * m
        guard unreviewed > 0 else {
            errorRateInterval = sampleInterval
            badRowsInterval = 0...0
            return
        }
        switch population {
        case .unlimited:
            errorRateInterval = sampleInterval
            badRowsInterval = (sampleInterval.lowerBound * m)...(sampleInterval.upperBound * m)
        case .finite:
            let n = sampleErrors.trials
            let total = n + unreviewed  // N >= 2 here, since n >= 1 and m >= 1
            let correction = (Double(total - n) / Double(total - 1)).squareRoot()
            // Wilson's ends are pinned at 0 / n successes, so x = 0 keeps a lower end of exactly 0.
            let slice = sampleErrors.wilson(z: z * correction)!
            let found = Double(sampleErrors.successes)
            let lower = min(m, max(0, Double(total) * slice.lowerBound - found))
            let upper = min(m, max(lower, Double(total) * slice.upperBound - found))
            badRowsInterval = lower...upper
            errorRateInterval = (lower / m)...(upper / m)
        }
    }

    /// Estimates from a slice's verdict tally. `errors` says which verdicts make a row bad; the
    /// default counts edits as well as rejects, because an unreviewed row that would have needed
    /// an edit goes into the mix unedited. Pass `[.reject]` to count only rows unfit outright.
    ///
    /// Flagged rows are left out of the sample (unless `errors` contains `.flag`): they wait for
    /// an expert, so whether they are good is not known yet, and counting them either way would
    /// bias the rate.
    public init?(
        tally: VerdictTally, unreviewed: Int, errors: Set<Verdict> = [.reject, .edit],
        population: Population = .unlimited, z: Double = Proportion.z95
    ) {
        let trials = errors.contains(.flag) ? tally.reviewed : tally.reviewed - tally[.flag]
        let bad = errors.reduce(0) { $0 + tally[$1] }
        self.init(sampleErrors: Proportion(successes: bad, trials: trials), unreviewed: unreviewed,
                  population: population, z: z)
    }
}
