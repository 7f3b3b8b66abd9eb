import ReviewQueue
import Testing

struct StatisticsThroughputTests {
    // Idle threshold 300 s. Each decision covers [time − spent, time].
    //
    // ana: 1000 (60 s) → [940, 1000]; 1100 (40 s) → [1060, 1100]; 1200 (50 s) → [1150, 1200]
    //      gaps 60 and 50 ≤ 300: one stretch [940, 1200] = 260 s.
    //      5000 (100 s) → [4900, 5000]: gap 3700 > 300, a break; 5200 (20 s) → [5180, 5200],
    //      gap 180: stretch [4900, 5200] = 300 s.
    //      Active 560 s, 5 decisions → 5 / (560/3600) = 32.142857 an hour.
    //      Median spent of 60, 40, 50, 100, 20 = 50 s.
    // ben: 0 (10 s) → [−10, 0]; 4000 (3600 s, a row left open over lunch) capped to 300 s →
    //      [3700, 4000]. Active 10 + 300 = 310 s, 2 decisions → 2 / (310/3600) = 23.225806 an hour.
    //      Median spent uncapped: (10 + 3600)/2 = 1805 s.
    // cy:  one decision, no time spent: no active time, no rate, no median.
    let timings = [
        DecisionTiming(reviewer: "cy", time: 70, spentMs: nil),
        DecisionTiming(reviewer: "ana", time: 5200, spentMs: 20_000),
        DecisionTiming(reviewer: "ben", time: 4000, spentMs: 3_600_000),
        DecisionTiming(reviewer: "ana", time: 1100, spentMs: 40_000),
        DecisionTiming(reviewer: "ana", time: 1000, spentMs: 60_000),
        DecisionTiming(reviewer: "ana", time: 5000, spentMs: 100_000),
        DecisionTiming(reviewer: "ben", time: 0, spentMs: 10_000),
        DecisionTiming(reviewer: "ana", time: 1200, spentMs: 50_000),
    ]

    @Test func activeHoursMergeShortGapsAndSkipBreaks() throws {
        let result = ReviewerThroughput.perReviewer(timings)
        #expect(result.map(\.reviewer) == ["ana", "ben", "cy"])

        let ana = result[0]
        #expect(ana.decisions == 5)
        StatisticsCheck.close(ana.activeSeconds, 560, tolerance: 1e-9)
        StatisticsCheck.close(ana.decisionsPerHour, 32.142857, tolerance: 1e-6)
        #expect(ana.medianSecondsPerDecision == 50)

        let ben = result[1]
        StatisticsCheck.close(ben.activeSeconds, 310, tolerance: 1e-9)
        StatisticsCheck.close(ben.decisionsPerHour, 23.225806, tolerance: 1e-6)
        #expect(ben.medianSecondsPerDecision == 1805)

        let cy = result[2]
        #expect(cy.decisions == 1 && cy.activeSeconds == 0)
        #expect(cy.decisionsPerHour == nil && cy.medianSecondsPerDecision == nil)
    }

    @Test func aLongerIdleThresholdBridgesTheBreak() {
        // With a 3700 s threshold ana's break (4900 − 1200 = 3700) counts as work:
        // one stretch [940, 5200] = 4260 s → 5 / (4260/3600) = 4.225352 an hour.
        let ana = ReviewerThroughput.perReviewer(timings.filter { $0.reviewer == "ana" }, idleThreshold: 3700)
        StatisticsCheck.close(ana.first?.activeSeconds, 4260, tolerance: 1e-9)
        StatisticsCheck.close(ana.first?.decisionsPerHour, 4.225352, tolerance: 1e-6)
    }

    @Test func overlappingSpansAreNotCountedTwice() {
        // [0, 100] and [50, 120] (a second terminal): the union is [0, 120] = 120 s, not 170.
        let two = [DecisionTiming(reviewer: "x", time: 100, spentMs: 100_000),
                   DecisionTiming(reviewer: "x", time: 120, spentMs: 70_000)]
        StatisticsCheck.close(ReviewerThroughput.perReviewer(two).first?.activeSeconds, 120, tolerance: 1e-9)
        #expect(ReviewerThroughput.perReviewer([]).isEmpty)
    }
}
