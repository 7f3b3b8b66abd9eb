import ReviewQueue
import Testing
import WinnowCore

struct StatisticsAgreementTests {
    /// Rows from a contingency table: `table[i][j]` rows where A said `labels[i]` and B `labels[j]`.
    func pairs(_ labels: [String], _ table: [[Int]]) -> [(String, String)] {
        var pairs: [(String, String)] = []
        for (i, row) in table.enumerated() {
            for (j, count) in row.enumerated() {
                pairs += Array(repeating: (labels[i], labels[j]), count: count)
            }
        }
        return pairs
    }

    @Test func wikipediaTwoByTwo() throws {
        // Wikipedia's "Cohen's kappa" example, 50 proposals, yes/no:
        //            B yes  B no
        //   A yes      20     5     (A yes 25)
        //   A no       10    15     (A no 25)
        //   (B yes 30, B no 20)
        // pₒ = (20 + 15)/50 = 0.7; pₑ = 0.5·0.6 + 0.5·0.4 = 0.5; κ = (0.7 − 0.5)/(1 − 0.5) = 0.4.
        let agreement = try #require(Agreement(pairs(["yes", "no"], [[20, 5], [10, 15]])))
        #expect(agreement.items == 50)
        StatisticsCheck.close(agreement.observed, 0.7, tolerance: 1e-12)
        StatisticsCheck.close(agreement.expected, 0.5, tolerance: 1e-12)
        StatisticsCheck.close(agreement.kappa, 0.4, tolerance: 1e-12)
        #expect(!agreement.isDegenerate)
    }

    @Test func threeByThree() throws {
        // 100 rows, A's verdicts down, B's across:
        //            accept  edit  reject   (A total)
        //   accept      40     5      5       50
        //   edit         3    12      5       20
        //   reject       2     3     25       30
        //   (B total)   45    20     35
        // pₒ = (40 + 12 + 25)/100 = 0.77
        // pₑ = 0.50·0.45 + 0.20·0.20 + 0.30·0.35 = 0.225 + 0.04 + 0.105 = 0.37
        // κ = (0.77 − 0.37)/(1 − 0.37) = 0.40/0.63 = 0.634921
        let table = [[40, 5, 5], [3, 12, 5], [2, 3, 25]]
        let agreement = try #require(Agreement(pairs(["accept", "edit", "reject"], table)))
        StatisticsCheck.close(agreement.observed, 0.77, tolerance: 1e-12)
        StatisticsCheck.close(agreement.expected, 0.37, tolerance: 1e-12)
        StatisticsCheck.close(agreement.kappa, 0.40 / 0.63, tolerance: 1e-12)
    }

    @Test func worksOnVerdictsAsWellAsStrings() throws {
        let agreement = try #require(Agreement([(Verdict.accept, Verdict.accept), (.reject, .reject)]))
        // pₒ = 1, pₑ = ½·½ + ½·½ = ½, κ = 1.
        StatisticsCheck.close(agreement.kappa, 1, tolerance: 1e-12)
    }

    @Test func degenerateWhenBothGiveOneVerdict() throws {
        // Everyone accepted everything: pₒ = pₑ = 1, κ = 0/0 → nil, flagged degenerate.
        let agreement = try #require(Agreement(Array(repeating: ("accept", "accept"), count: 12)))
        #expect(agreement.kappa == nil)
        #expect(agreement.isDegenerate)
        #expect(agreement.observed == 1 && agreement.expected == 1)
        // One reviewer constant, the other not, is not degenerate: A accepts all 4, B accepts 3.
        // pₒ = 3/4, pₑ = 1·(3/4) + 0·(1/4) = 3/4, κ = 0 (no better than chance).
        let oneSided = try #require(Agreement([("accept", "accept"), ("accept", "accept"),
                                               ("accept", "accept"), ("accept", "reject")]))
        StatisticsCheck.close(oneSided.kappa, 0, tolerance: 1e-12)
        #expect(Agreement([(String, String)]()) == nil)
    }

    @Test func perfectDisagreementIsNegative() throws {
        // pₒ = 0, pₑ = ½, κ = −1.
        let agreement = try #require(Agreement([("accept", "reject"), ("reject", "accept")]))
        StatisticsCheck.close(agreement.kappa, -1, tolerance: 1e-12)
    }

    @Test func reportGroupsBySliceAndByOrderedPair() throws {
        let decisions = [
            // billing, all alice & bob (rows 2 and 3 listed with bob first)
            OverlapDecision(slice: "billing", raterA: "alice", raterB: "bob", verdictA: "accept", verdictB: "accept"),
            OverlapDecision(slice: "billing", raterA: "bob", raterB: "alice", verdictA: "accept", verdictB: "reject"),
            OverlapDecision(slice: "billing", raterA: "bob", raterB: "alice", verdictA: "reject", verdictB: "reject"),
            // medical
            OverlapDecision(slice: "medical", raterA: "alice", raterB: "bob", verdictA: "accept", verdictB: "accept"),
            OverlapDecision(slice: "medical", raterA: "alice", raterB: "bob", verdictA: "edit", verdictB: "accept"),
            OverlapDecision(slice: "medical", raterA: "carol", raterB: "bob", verdictA: "accept", verdictB: "accept"),
        ]
        let report = AgreementReport(decisions)

        // Pair (alice, bob), raters in name order, verdicts following their raters:
        //   (accept, accept), (reject, accept), (reject, reject), (accept, accept), (edit, accept)
        // pₒ = 3/5; alice: accept 2, reject 2, edit 1; bob: accept 4, reject 1
        // pₑ = (2·4 + 2·1 + 1·0)/25 = 0.4; κ = (0.6 − 0.4)/0.6 = 1/3.
        // (Had row 2 not been swapped, alice would have accept 3 and κ would be 0.16/0.56 = 0.286.)
        #expect(report.byPair.map(\.pair) == [RaterPair("alice", "bob"), RaterPair("bob", "carol")])
        let aliceBob = report.byPair[0].agreement
        #expect(aliceBob.items == 5)
        StatisticsCheck.close(aliceBob.kappa, 1.0 / 3, tolerance: 1e-12)
        // Pair (bob, carol): one row both accepted: degenerate.
        #expect(report.byPair[1].agreement.isDegenerate)
        #expect(report.byPair[1].pair.first == "bob")

        // billing: (accept, accept), (reject, accept), (reject, reject)
        // pₒ = 2/3; A: accept 1, reject 2; B: accept 2, reject 1; pₑ = (1·2 + 2·1)/9 = 4/9
        // κ = (2/3 − 4/9)/(5/9) = 0.4.
        // medical: (accept, accept), (edit, accept), (bob: accept, carol: accept)
        // pₒ = 2/3; A: accept 2, edit 1; B: accept 3; pₑ = 2·3/9 = 2/3; κ = 0.
        #expect(report.bySlice.map(\.slice) == ["billing", "medical"])
        StatisticsCheck.close(report.bySlice[0].agreement.kappa, 0.4, tolerance: 1e-12)
        StatisticsCheck.close(report.bySlice[1].agreement.kappa, 0, tolerance: 1e-12)
        #expect(report.bySlice[1].agreement.items == 3)
    }

    @Test func emptyReport() {
        let report = AgreementReport([])
        #expect(report.bySlice.isEmpty && report.byPair.isEmpty)
    }
}
