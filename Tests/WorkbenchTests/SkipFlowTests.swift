import Foundation
import ReviewQueue
import Testing
@testable import Workspace
@testable import Workbench

/// Issue 12, item 6: a skip gives the row back to the queue at once (another reviewer can take
/// it now, not when the lease runs out), this session does not get it again unasked, and it
/// can go back to the rows it skipped.
@Suite(.serialized) struct SkipFlowTests {
    func current(_ f: WorkbenchFixture) throws -> ReviewScreen { try #require(f.workbench.top as? ReviewScreen) }

    func claimedBy(_ f: WorkbenchFixture, _ id: String) throws -> String? {
        try f.session.index.read { db in
            try String.fetchOne(db, sql: "SELECT holder FROM claims JOIN rows ON rows.n = claims.n WHERE rows.id = ?", arguments: [id])
        }
    }

    @Test func aSkippedRowIsReleasedAtOnceAndServedToTheNextReviewer() throws {
        let f = try WorkbenchFixture()
        let skipped = try #require(try current(f).item).row.id
        #expect(try claimedBy(f, skipped) == f.queue.holder)
        try f.type("<Space>")
        #expect(try claimedBy(f, skipped) == nil, "given back, not held for the lease")
        #expect(try current(f).item?.row.id != skipped)
        #expect(f.screen.contains("back in the queue for everyone") && f.screen.contains("b comes back to it"), "\(f.screen)")
        // Another reviewer asking now gets it (it is first in serving order).
        let other = try QueueService(session: f.session, reviewer: Reviewer(uid: 5009, user: "ana", groups: []))
        other.now = { WorkbenchFixture.clock }
        #expect(try other.next()?.row.id == skipped)
        #expect(try f.reviewEntries().isEmpty, "a skip writes nothing")
    }

    @Test func theSessionDoesNotGetItsSkippedRowsAgainUntilItGoesBack() throws {
        let f = try WorkbenchFixture()
        var seen: [String] = []
        // Skip everything: each row once, then the empty screen names the skipped rows.
        while let id = try current(f).item?.row.id {
            #expect(!seen.contains(id), "\(id) came back before it was asked for")
            seen.append(id)
            try f.type("<Space>")
        }
        #expect(seen.count > 3)
        #expect(f.screen.contains("Nothing left to review") && f.screen.contains("You skipped \(seen.count) rows here"), "\(f.screen)")
        #expect(try f.session.index.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM claims") } == 0)
        // b walks back through them, newest first, and round again.
        try f.type("b")
        #expect(try current(f).item?.row.id == seen.last)
        try f.type("b")
        #expect(try current(f).item?.row.id == seen[seen.count - 2])
        #expect(f.screen.contains("which you skipped"), "\(f.screen)")
        // The row left for another goes to the far end: the rest come first, newest first.
        for k in 0..<(seen.count - 2) {
            try f.type("b")
            #expect(try current(f).item?.row.id == seen[seen.count - 3 - k])
        }
        try f.type("b")
        #expect(try current(f).item?.row.id == seen.last, "round again")
        // Deciding a row taken back removes it for good.
        try f.type("a")
        #expect(try f.reviewEntries().count == 1)
    }

    @Test func aRowSomeoneDecidedMeanwhileIsNotBroughtBack() throws {
        let f = try WorkbenchFixture()
        let skipped = try #require(try current(f).item).row.id
        try f.type("<Space>")
        let other = try QueueService(session: f.session, reviewer: Reviewer(uid: 5009, user: "ana", groups: []))
        other.now = { WorkbenchFixture.clock }
        let taken = try #require(try other.next())
        #expect(taken.row.id == skipped)
        _ = try other.decide(DecisionRequest(id: skipped, verdict: .accept))
        let onScreen = try current(f).item?.row.id
        try f.type("b")
        #expect(try current(f).item?.row.id == onScreen, "nothing to go back to: the screen stays")
        #expect(f.screen.contains("decided or taken by someone else"), "\(f.screen)")
    }

    @Test func noSkippedRowsSaysSo() throws {
        let f = try WorkbenchFixture()
        try f.type("b")
        #expect(f.screen.contains("no skipped rows to go back to here"), "\(f.screen)")
    }
}

extension SkipFlowTests {
    /// The same person in two terminals: the first one's lease ran out and the second took the
    /// row. A skip (or leaving) in the first gives back only its own claims, never the second's.
    @Test func aSkipNeverReleasesAnotherTerminalsClaim() throws {
        let f = try WorkbenchFixture()
        let row = try #require(try current(f).item).row.id
        let second = try QueueService(session: f.session, reviewer: f.queue.reviewer)
        second.now = { WorkbenchFixture.clock }
        try f.session.index.write { db in
            try db.execute(sql: "UPDATE claims SET holder = ? WHERE n = (SELECT n FROM rows WHERE id = ?)", arguments: [second.holder, row])
        }
        try f.type("<Space>")
        #expect(try claimedBy(f, row) == second.holder, "the second terminal still holds it")
    }
}
