import ReviewQueue
import TestSupport
import Testing

/// Tolerance checks for the statistics tests (a namespace, so nothing
/// collides with other test files' helpers).
enum StatisticsCheck {
    /// Checks `a` and `b` agree to `tolerance`, with both in the failure message.
    static func close(_ a: Double?, _ b: Double, tolerance: Double = 1e-4, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let a else {
            Issue.record("expected \(b), got nil", sourceLocation: sourceLocation)
            return
        }
        #expect(abs(a - b) <= tolerance, "\(a) is not within \(tolerance) of \(b)", sourceLocation: sourceLocation)
    }

    static func close(
        _ range: ClosedRange<Double>?, _ lower: Double, _ upper: Double, tolerance: Double = 1e-4,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        close(range?.lowerBound, lower, tolerance: tolerance, sourceLocation: sourceLocation)
        close(range?.upperBound, upper, tolerance: tolerance, sourceLocation: sourceLocation)
    }
}

struct StatisticsIntervalsTests {
    @Test func wilsonEightOfTen() {
        // n = 10, p = 0.8, z = 1.96, z² = 3.8416:
        // denominator = 1 + z²/n = 1.38416
        // centre = (p + z²/2n) / denominator = (0.8 + 0.19208) / 1.38416 = 0.716738
        // half = z/denominator · √(p(1−p)/n + z²/4n²) = 1.416022 · √(0.016 + 0.009604) = 0.226581
        // → [0.4902, 0.9433]
        StatisticsCheck.close(Proportion(successes: 8, trials: 10).wilson(z: 1.96), 0.4902, 0.9433)
        #expect(Proportion(successes: 8, trials: 10).rate == 0.8)
    }

    @Test func wilsonAtZeroAndAtAll() {
        // At 0 successes the interval is [0, z²/(n + z²)] = [0, 3.8416 / 23.8416] = [0, 0.16113];
        // at n successes it is [n/(n + z²), 1] = [20 / 23.8416, 1] = [0.83887, 1].
        let none = Proportion(successes: 0, trials: 20).wilson(z: 1.96)!
        #expect(none.lowerBound == 0)  // exactly 0, not -1.4e-17 as the formula rounds
        StatisticsCheck.close(none.upperBound, 0.16113, tolerance: 1e-5)
        let all = Proportion(successes: 20, trials: 20).wilson(z: 1.96)!
        StatisticsCheck.close(all.lowerBound, 0.83887, tolerance: 1e-5)
        #expect(all.upperBound == 1)
    }

    @Test func noTrialsMeansNoRateAndNoInterval() {
        let empty = Proportion(successes: 0, trials: 0)
        #expect(empty.rate == nil)
        #expect(empty.wilson() == nil)
    }

    @Test func zeroZIsTheRateAndTheDefaultIs95Percent() {
        #expect(Proportion(successes: 3, trials: 12).wilson(z: 0) == 0.25...0.25)
        // Default z = 1.959964, 4 of 20 (worked in sampledSliceUnlimited): [0.08066, 0.41602].
        StatisticsCheck.close(Proportion(successes: 4, trials: 20).wilson(), 0.08066, 0.41602, tolerance: 1e-5)
    }

    @Test func wilsonStaysInsideZeroOneAndContainsTheRate() {
        for trials in 1...60 {
            for successes in 0...trials {
                let p = Proportion(successes: successes, trials: trials)
                let interval = p.wilson()!
                #expect(interval.lowerBound >= 0 && interval.upperBound <= 1)
                #expect(interval.contains(p.rate!))
            }
        }
    }

    @Test func tallyCountsFlagsAsReviewed() {
        let tally = VerdictTally([.accept, .accept, .edit, .reject, .flag, .accept])
        #expect(tally.reviewed == 6)
        #expect(tally[.accept] == 3)
        #expect(tally.proportion(of: .accept) == Proportion(successes: 3, trials: 6))
        #expect(tally.proportion(of: [.edit, .reject]) == Proportion(successes: 2, trials: 6))
    }

    // A sampled slice: 23 reviewed (16 accept, 2 edit, 2 reject, 3 flag), 380 unreviewed.
    let sample = VerdictTally(counts: [.accept: 16, .edit: 2, .reject: 2, .flag: 3])

    @Test func sampledSliceUnlimited() throws {
        // Flags are left out: 20 rows count, 4 are bad (2 edits + 2 rejects), rate 0.2.
        // z = 1.959964, z² = 3.841459: denominator = 1 + z²/20 = 1.192073,
        // centre = (0.2 + 0.096036) / 1.192073 = 0.248338,
        // half = 1.644164 · √(0.008 + 0.002401) = 1.644164 · 0.101985 = 0.167680 → [0.080658, 0.416017].
        // Bad unreviewed rows: 380 × that = [30.650, 158.087]; expected 380 × 0.2 = 76.
        let estimate = try #require(SampledSliceEstimate(tally: sample, unreviewed: 380))
        #expect(estimate.sampleErrors == Proportion(successes: 4, trials: 20))
        #expect(estimate.errorRate == 0.2)
        StatisticsCheck.close(estimate.errorRateInterval, 0.080658, 0.416017, tolerance: 1e-5)
        StatisticsCheck.close(estimate.expectedBadRows, 76, tolerance: 1e-9)
        StatisticsCheck.close(estimate.badRowsInterval, 30.650, 158.087, tolerance: 1e-3)
    }

    @Test func sampledSliceCountingOnlyRejects() throws {
        // 2 of 20: Wilson [0.027866, 0.301034]; × 380 = [10.589, 114.393].
        let estimate = try #require(SampledSliceEstimate(tally: sample, unreviewed: 380, errors: [.reject]))
        #expect(estimate.errorRate == 0.1)
        StatisticsCheck.close(estimate.errorRateInterval, 0.027866, 0.301034, tolerance: 1e-5)
        StatisticsCheck.close(estimate.badRowsInterval, 10.589, 114.393, tolerance: 1e-3)
    }

    @Test func sampledSliceFinitePopulation() throws {
        // N = 20 + 380 = 400, z' = 1.959964 · √(380/399) = 1.912729.
        // Wilson(4/20, z') for the whole slice's error share = [0.082396, 0.410387].
        // Bad unreviewed rows = 400 × share − 4 already found = [28.959, 160.155]; ÷ 380 = [0.076207, 0.421460].
        // Wider than the unlimited [30.650, 158.087]: it also covers which 380 rows were left over.
        let estimate = try #require(SampledSliceEstimate(tally: sample, unreviewed: 380, population: .finite))
        #expect(estimate.errorRate == 0.2)
        StatisticsCheck.close(estimate.expectedBadRows, 76, tolerance: 1e-9)
        StatisticsCheck.close(estimate.badRowsInterval, 28.959, 160.155, tolerance: 1e-3)
        StatisticsCheck.close(estimate.errorRateInterval, 0.076207, 0.421460, tolerance: 1e-5)
    }

    @Test func finitePopulationAtTheEdges() throws {
        // 0 of 20 bad: lower end stays exactly 0; upper = 400 × z'²/(20 + z'²) = 61.856 rows.
        let clean = try #require(SampledSliceEstimate(
            sampleErrors: Proportion(successes: 0, trials: 20), unreviewed: 380, population: .finite))
        #expect(clean.badRowsInterval.lowerBound == 0)
        StatisticsCheck.close(clean.badRowsInterval.upperBound, 61.856, tolerance: 1e-3)
        // One row left: z' = 1.959964 · √(1/20) = 0.438261, share [0.163737, 0.241970],
        // 21 × share − 4 = [−0.56, 1.08], clamped to what one row can hold: [0, 1].
        let last = try #require(SampledSliceEstimate(
            sampleErrors: Proportion(successes: 4, trials: 20), unreviewed: 1, population: .finite))
        #expect(last.badRowsInterval == 0...1)
        #expect(last.errorRateInterval == 0...1)
    }

    @Test func fullyReviewedAndUnsampledSlices() throws {
        // Nothing left: no bad rows can hide; the rate still describes what the sample saw.
        for population in [SampledSliceEstimate.Population.unlimited, .finite] {
            let done = try #require(SampledSliceEstimate(
                sampleErrors: Proportion(successes: 4, trials: 20), unreviewed: 0, population: population))
            #expect(done.badRowsInterval == 0...0)
            #expect(done.expectedBadRows == 0)
            StatisticsCheck.close(done.errorRateInterval, 0.080658, 0.416017, tolerance: 1e-5)
        }
        // No sample, no estimate: an empty sample is not an error rate of 0.
        #expect(SampledSliceEstimate(sampleErrors: Proportion(successes: 0, trials: 0), unreviewed: 500) == nil)
        #expect(SampledSliceEstimate(tally: VerdictTally(counts: [.flag: 4]), unreviewed: 500) == nil)
    }
}
