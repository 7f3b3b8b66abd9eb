import Foundation
import ProvenanceLog
import Testing
import TestSupport
import WinnowCore
@testable import Workspace

/// The index's listings and counts for the review queue (RowIndex+QueueListing, +History): what
/// each returns in its named fields, so a query that grouped, filtered or labelled wrongly fails.
@Suite struct QueueListingStoreTests {
    typealias Spec = QueueStoreFixture.Spec
    let me = QueueStoreFixture.claimant("here")

    func fixture() throws -> QueueStoreFixture {
        try QueueStoreFixture([
            Spec(id: "a", slice: "general", rank: 1, key: 5),
            Spec(id: "b", slice: "general", rank: 1, key: 9, flagged: true),
            Spec(id: "c", slice: "medical", rank: 0, key: 7),
            Spec(id: "d", slice: nil, rank: 2, key: 1),
            Spec(id: "e", slice: "general", rank: 0, key: 1, sampled: false),
        ])
    }

    @Test func queuedRowsLeaveOutOtherProcessesClaimsAndDecidedRows() throws {
        let f = try fixture()
        #expect(try f.index.queuedRows(for: me, slice: nil, now: 100, offset: 0, limit: 10).map(\.id) == ["c", "b", "a", "d"])
        #expect(try f.index.queuedRows(for: me, slice: nil, now: 100, offset: 1, limit: 2).map(\.id) == ["b", "a"])
        _ = try #require(try f.index.claim(id: "b", for: QueueStoreFixture.claimant("there"), now: 100, expires: 200) { _ in true })
        _ = try #require(try f.index.claim(id: "a", for: me, now: 100, expires: 200) { _ in true })
        #expect(try f.index.queuedRows(for: me, slice: .named("general"), now: 100, offset: 0, limit: 10).map(\.id) == ["a"],
                "this process's own claim stays listed, another's is left out")
        #expect(try f.index.queuedRows(for: me, slice: .named("general"), now: 200, offset: 0, limit: 10).map(\.id) == ["b", "a"],
                "a lease that ran out hides nothing")
        #expect(try f.index.queuedRows(for: QueueStoreFixture.claimant("here", hidden: ["medical"]), slice: nil, now: 300,
                                       offset: 0, limit: 10).map(\.id) == ["b", "a", "d"])
    }

    @Test func openCountsPerSliceAndAll() throws {
        let f = try fixture()
        #expect(try f.index.openCount(slice: nil) == 4)
        #expect(try f.index.openCount(slice: .named("general")) == 2)
        #expect(try f.index.openCount(slice: .unsliced) == 1)
        try f.decide("a", .accept)
        #expect(try f.index.openCount(slice: .named("general")) == 1)
    }

    @Test func stateCountsPerSliceWithBudgetAndHeld() throws {
        let f = try fixture()
        try f.decide("a", .accept)
        try f.decide("c", .reject, reason: "wrong")
        _ = try #require(try f.index.claim(id: "b", for: me, now: 100, expires: 200) { _ in true })
        let counts = try f.index.queueStateCounts(now: 150).sorted { ($0.slice ?? "", $0.state.rawValue) < ($1.slice ?? "", $1.state.rawValue) }
        #expect(counts == [
            .init(slice: nil, state: .pending, rows: 1, budget: 1, held: 0),
            .init(slice: "general", state: .accepted, rows: 1, budget: 1, held: 0),
            .init(slice: "general", state: .pending, rows: 2, budget: 1, held: 1),
            .init(slice: "medical", state: .rejected, rows: 1, budget: 1, held: 0),
        ])
        #expect(try f.index.queueStateCounts(now: 200).allSatisfy { $0.held == 0 }, "a lease that ran out is not held")
    }

    @Test func decisionsTalliesAndOwnersAsRecorded() throws {
        let f = try fixture()
        let accept = try f.decide("a", .accept)
        let reject = try f.decide("a", .reject, reason: "wrong")
        try f.decide("c", .flag)
        let decisions = try f.index.standingDecisions(onRow: "a")
        #expect(decisions.map(\.seq) == [accept.seq, reject.seq])
        #expect(decisions.map(\.verdict) == [.accept, .reject] && decisions[1].reason == "wrong" && decisions[0].reason == nil)
        #expect(decisions.allSatisfy { $0.uid == LogActor.current.uid && !$0.adjudication })
        #expect(decisions.map(\.ts) == [accept.ts, reject.ts])
        #expect(try f.index.standingVerdictCounts(uid: LogActor.current.uid, since: "2000-01-01T00:00:00.000Z")
                == [.accept: 1, .reject: 1, .flag: 1])
        #expect(try f.index.standingVerdictCounts(uid: LogActor.current.uid, since: "9999-01-01T00:00:00.000Z").isEmpty)
        #expect(try f.index.standingVerdictCounts(uid: LogActor.current.uid + 1, since: "2000-01-01T00:00:00.000Z").isEmpty)
        #expect(try f.index.decisionOwner(seq: accept.seq) == .init(uid: LogActor.current.uid, standing: true))
        try f.session.record([RevertPayload(reverts: accept.seq, note: nil)])
        #expect(try f.index.decisionOwner(seq: accept.seq) == .init(uid: LogActor.current.uid, standing: false))
        #expect(try f.index.decisionOwner(seq: 1) == nil, "the import entry recorded no decision")
        #expect(try f.index.standingDecisions(onRow: "a").map(\.seq) == [reject.seq])
    }

    @Test func adjudicationBacklogCountsTheRowsAReviewerDecided() throws {
        let f = try fixture()
        #expect(try f.index.adjudicationBacklog(slice: nil, uid: 5001) == .init(total: 0, decidedBy: 0))
        // Two reviewers (two OS users: sealed into the log as they would write it) disagree on d.
        try appendForeignEntry(DecisionPayload(row: "d", action: .accept), user: "ana", uid: 5001, toLog: f.session.paths.log)
        try appendForeignEntry(DecisionPayload(row: "d", action: .reject, reason: "wrong"), user: "ben", uid: 5002, toLog: f.session.paths.log)
        let index = try WorkspaceSession.open(f.session.paths).index
        #expect(try index.row(id: "d")?.state == .adjudication)
        #expect(try index.adjudicationBacklog(slice: nil, uid: 5001) == .init(total: 1, decidedBy: 1))
        #expect(try index.adjudicationBacklog(slice: .unsliced, uid: 5003) == .init(total: 1, decidedBy: 0))
        #expect(try index.adjudicationBacklog(slice: .named("general"), uid: 5001) == .init(total: 0, decidedBy: 0))
        let adjudicator = QueueStoreFixture.claimant("cy", uid: 5003)
        #expect(try index.claimFirstServable(for: adjudicator, slice: nil, adjudication: true, excluding: [], now: 100, expires: 200) { _ in true }?
                .row.id == "d")
        #expect(try index.claimFirstServable(for: QueueStoreFixture.claimant("ana", uid: 5001), slice: nil, adjudication: true,
                                             excluding: [], now: 100, expires: 200) { _ in true } == nil,
                "held by the adjudicator, and decided by ana")
    }
}
