import Foundation
import ReviewQueue
import TerminalCore
import Testing
@testable import Workbench

/// The review screen while the queue plan is still being built (a fresh import): the first row
/// is on screen at once, the header says how far the plan is instead of a count that would be
/// a part of the rows, the plan goes on between keys, and the count comes once it is done.
@Suite(.serialized) struct QueuePlanningScreenTests {
    static let extraRows = (0..<60).map { #"{"id": "extra-\#($0)", "prompt": "general question \#($0)", "response": "answer \#($0)"}"# }

    @Test func theHeaderShowsThePlanUntilItIsDoneThenTheOpenCount() throws {
        let fixture = try WorkbenchFixture(size: Size(columns: 100, rows: 24), extraRows: Self.extraRows,
                                           planning: .asNeeded, planningBatch: 4)
        let first = try #require(fixture.workbench.screens.last as? ReviewScreen).item
        #expect(first != nil, "the first row is served before the plan is done")
        #expect(fixture.queue.planningProgress != nil)
        #expect(fixture.screen.contains("· planning "))
        #expect(!fixture.screen.contains(" open "))
        var ticks = 0
        while fixture.queue.planningProgress != nil && ticks < 1000 {
            fixture.workbench.idleTick()
            ticks += 1
        }
        #expect(fixture.queue.planningProgress == nil, "idle ticks finish the plan")
        #expect(ticks > 1, "one batch a tick: a key never waits for the whole plan")
        fixture.workbench.idleTick()
        let open = try fixture.queue.openCount(slice: nil)
        #expect(fixture.screen.contains("\(open) open"))
        #expect(!fixture.screen.contains("· planning "))
    }

    @Test func homeSaysTheCountsAreAPartWhileThePlanIsBuilt() throws {
        let fixture = try WorkbenchFixture(size: Size(columns: 120, rows: 30), extraRows: Self.extraRows, reviewing: false,
                                           planning: .asNeeded, planningBatch: 4)
        #expect(fixture.screen.contains("Planning the review queue: 0% of"))
        while fixture.queue.planningProgress != nil { fixture.workbench.idleTick() }
        fixture.workbench.idleTick()
        #expect(!fixture.screen.contains("Planning the review queue"))
    }
}

