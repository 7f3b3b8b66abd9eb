import ReviewQueue
import TestSupport
import Testing

struct StatisticsJudgeTests {
    func row(_ score: Double, _ accepted: Bool, length: Int = 100) -> JudgedRow {
        JudgedRow(score: score, accepted: accepted, length: length)!
    }

    /// AUC by the definition: every accepted/not-accepted pair, 1 if the accepted row scores
    /// higher, ½ on a tie. O(n²), fine for the small random cases here.
    func bruteForceAUC(_ scores: [Double], _ positives: [Bool]) -> Double? {
        var wins = 0.0, pairs = 0
        for (s, p) in zip(scores, positives) where p {
            for (t, q) in zip(scores, positives) where !q {
                pairs += 1
                wins += s > t ? 1 : s == t ? 0.5 : 0
            }
        }
        return pairs == 0 ? nil : wins / Double(pairs)
    }

    /// Scores from a small grid (so there are many ties), labels at random.
    func randomCase(_ random: inout SplitMix64) -> ([Double], [Bool]) {
        let count = Int.random(in: 2...40, using: &random)
        let scores = (0..<count).map { _ in Double(Int.random(in: 0...8, using: &random)) / 4 }
        let positives = (0..<count).map { _ in Bool.random(using: &random) }
        return (scores, positives)
    }

    @Test func aucWithTies() {
        // accepted: 0.9, 0.7, 0.5; not accepted: 0.7, 0.3. Pairs:
        //   0.9 > 0.7 (1), 0.9 > 0.3 (1), 0.7 = 0.7 (½), 0.7 > 0.3 (1), 0.5 < 0.7 (0), 0.5 > 0.3 (1)
        // → 4.5 / 6 = 0.75. By ranks: 0.3→1, 0.5→2, 0.7,0.7→3.5, 0.9→5; accepted sum 10.5,
        // U = 10.5 − 3·4/2 = 4.5.
        let scores = [0.9, 0.7, 0.5, 0.7, 0.3]
        let positives = [true, true, true, false, false]
        #expect(JudgeStatistics.auc(scores: scores, positives: positives) == 0.75)
        #expect(JudgeStatistics.midranks(scores) == [5, 3.5, 2, 3.5, 1])
    }

    @Test func aucNeedsBothGroups() {
        #expect(JudgeStatistics.auc(scores: [0.1, 0.2], positives: [true, true]) == nil)
        #expect(JudgeStatistics.auc(scores: [], positives: []) == nil)
        #expect(JudgeStatistics.auc(scores: [1, 1], positives: [true, false]) == 0.5)
    }

    @Test func aucMatchesBruteForceOnRandomData() {
        var random = SplitMix64(0x5EED_0001)
        for _ in 0..<300 {
            let (scores, positives) = randomCase(&random)
            let fast = JudgeStatistics.auc(scores: scores, positives: positives)
            let slow = bruteForceAUC(scores, positives)
            #expect(fast == slow || abs((fast ?? .nan) - (slow ?? .nan)) < 1e-12, "\(scores) \(positives)")
        }
    }

    @Test func negatingTheScoreMirrorsTheAUC() {
        // AUC(score) = 1 − AUC(−score): reversing the order swaps wins and losses; ties stay ½.
        var random = SplitMix64(0x5EED_0002)
        for _ in 0..<300 {
            let (scores, positives) = randomCase(&random)
            let forward = JudgeStatistics.auc(scores: scores, positives: positives)
            let backward = JudgeStatistics.auc(scores: scores.map { -$0 }, positives: positives)
            #expect((forward == nil) == (backward == nil))
            if let forward, let backward { #expect(abs(forward - (1 - backward)) < 1e-12) }
        }
    }

    @Test func correlations() {
        // x = 1, 2, 3, 4; y = 2, 4, 5, 9: means 2.5 and 5; dx = −1.5, −0.5, 0.5, 1.5;
        // dy = −3, −1, 0, 4; Σdxdy = 4.5 + 0.5 + 0 + 6 = 11; Σdx² = 5; Σdy² = 26;
        // r = 11/√130 = 0.964764. Spearman: y is monotone in x, so ρ = 1.
        StatisticsCheck.close(JudgeStatistics.pearson([1, 2, 3, 4], [2, 4, 5, 9]), 0.964764, tolerance: 1e-6)
        StatisticsCheck.close(JudgeStatistics.spearman([1, 2, 3, 4], [2, 4, 5, 9]), 1, tolerance: 1e-12)
        // Ties: x = 1, 1, 2; y = 1, 2, 3 → ranks 1.5, 1.5, 3 and 1, 2, 3; dx = −0.5, −0.5, 1;
        // dy = −1, 0, 1; Σdxdy = 1.5; Σdx² = 1.5; Σdy² = 2; ρ = 1.5/√3 = 0.866025.
        StatisticsCheck.close(JudgeStatistics.spearman([1, 1, 2], [1, 2, 3]), 0.866025, tolerance: 1e-6)
        #expect(JudgeStatistics.pearson([1, 1, 1], [1, 2, 3]) == nil)
        #expect(JudgeStatistics.pearson([1], [1]) == nil)
    }

    @Test func lengthBiasJudgeFollowsLengthReviewersDoNot() throws {
        // Lengths 100, 200, 300, 400; the judge's score rises with length (ρ = 1).
        // Accepted: 100 and 400 (1, 0, 0, 1): ranks of length 1..4, mean 2.5; acceptance mean ½;
        // Σ(dx·dy) = (−1.5)(½) + (−0.5)(−½) + (0.5)(−½) + (1.5)(½) = 0 → ρ = 0.
        let rows = [row(1, true, length: 100), row(2, false, length: 200),
                    row(3, false, length: 300), row(4, true, length: 400)]
        let report = JudgeReport(rows)
        StatisticsCheck.close(report.lengthBias.judge, 1, tolerance: 1e-12)
        StatisticsCheck.close(report.lengthBias.human, 0, tolerance: 1e-12)
        StatisticsCheck.close(report.lengthBias.excess, 1, tolerance: 1e-12)
        // AUC: accepted 1 and 4 vs 2 and 3: 4 beats both, 1 beats neither → 2/4.
        #expect(report.auc == 0.5)
        #expect(report.rows == 4 && report.accepted == 2)
    }

    // Scores and verdicts (A accepted, R not), sorted by score:
    //   0.95 A, 0.9 A, 0.8 R, 0.8 A, 0.7 A, 0.6 R, 0.5 R, 0.4 A   (5 accepted)
    // Keeping score ≥ t:
    //   t = 0.95: 1 kept, 1 A, precision 1       t = 0.6: 6 kept, 4 A, 0.667
    //   t = 0.9:  2 kept, 2 A, 1                 t = 0.5: 7 kept, 4 A, 0.571
    //   t = 0.8:  4 kept, 3 A, 0.75              t = 0.4: 8 kept, 5 A, 0.625
    //   t = 0.7:  5 kept, 4 A, 0.8
    var thresholdRows: [JudgedRow] {
        [row(0.7, true), row(0.95, true), row(0.8, false), row(0.4, true),
         row(0.9, true), row(0.6, false), row(0.8, true), row(0.5, false)]
    }

    @Test func thresholdIsTheLowestMeetingTheTarget() throws {
        // Target 0.75: lowest t with precision ≥ 0.75 is 0.7 (0.8 precision, 4 of 5 accepted
        // kept), though 0.8 above it only just makes 0.75: precision is not monotone.
        let t = try #require(JudgeStatistics.threshold(thresholdRows, precisionTarget: 0.75))
        #expect(t == JudgeThreshold(threshold: 0.7, precision: 0.8, recall: 0.8, kept: 5))
        // Target 0.9: only t ≥ 0.9 qualifies; 0.9 keeps 2 rows, recall 2/5.
        let strict = try #require(JudgeStatistics.threshold(thresholdRows, precisionTarget: 0.9))
        #expect(strict == JudgeThreshold(threshold: 0.9, precision: 1, recall: 0.4, kept: 2))
        // Target 0.6: 0.4 keeps everything at 0.625.
        let loose = try #require(JudgeStatistics.threshold(thresholdRows, precisionTarget: 0.6))
        #expect(loose.threshold == 0.4 && loose.recall == 1 && loose.kept == 8)
        #expect(JudgeReport(thresholdRows, precisionTarget: 0.75).threshold?.threshold == 0.7)
    }

    @Test func thresholdAtExactlyTheTargetAndNone() throws {
        // 10 rows scored 1.0, 9 accepted: precision 9/10 meets a 0.9 target exactly.
        let tied = (0..<10).map { row(1.0, $0 != 0) }
        #expect(JudgeStatistics.threshold(tied, precisionTarget: 0.9)?.kept == 10)
        #expect(JudgeStatistics.threshold(tied, precisionTarget: 0.91) == nil)
        // The best-scored row was rejected: t = 0.9 gives 0, t = 0.1 gives ½: none reach 0.9.
        #expect(JudgeStatistics.threshold([row(0.9, false), row(0.1, true)], precisionTarget: 0.9) == nil)
        #expect(JudgeStatistics.threshold([row(0.9, false)], precisionTarget: 0.5) == nil)
        #expect(JudgeStatistics.threshold([], precisionTarget: 0.5) == nil)
    }

    @Test func rowsFromVerdicts() {
        #expect(JudgedRow(score: 1, verdict: .accept, length: 3)?.accepted == true)
        #expect(JudgedRow(score: 1, verdict: .edit, length: 3)?.accepted == false)
        #expect(JudgedRow(score: 1, verdict: .reject, length: 3)?.accepted == false)
        #expect(JudgedRow(score: 1, verdict: .flag, length: 3) == nil)
        #expect(JudgedRow(score: .nan, accepted: true, length: 3) == nil)
        #expect(JudgedRow(score: 1, accepted: true, length: -1) == nil)
    }
}
