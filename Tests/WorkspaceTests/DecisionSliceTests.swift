import Foundation
import ProvenanceLog
import Testing
import TestSupport
import WinnowCore
@testable import Workspace

/// A decision counts only in the slice its row was in at that point of the log
/// (`RowIndex.apply(decision:)`): on a store the server checks slice membership against the slice
/// an entry names, so an entry naming another slice, or none, must not decide the row.
@Suite struct DecisionSliceTests {
    typealias Spec = QueueStoreFixture.Spec

    func fixture() throws -> QueueStoreFixture {
        try QueueStoreFixture([Spec(id: "m1", slice: "medical"), Spec(id: "m2", slice: "medical"), Spec(id: "g1", slice: nil)])
    }

    func record(_ f: QueueStoreFixture, _ id: String, slice: String?) throws -> LogEntry {
        let row = try #require(try f.index.row(id: id))
        return try f.session.record([DecisionPayload(row: id, action: .accept, rowHash: row.contentHash, source: row.source,
                                                     slice: slice)])[0]
    }

    @Test func aDecisionNamingAnotherSliceOrNoneDoesNotCountAndTheRowStaysInTheQueue() throws {
        let f = try fixture()
        let other = try record(f, "m1", slice: "general")
        let none = try record(f, "m2", slice: nil)
        let wrongForNone = try record(f, "g1", slice: "medical")
        for id in ["m1", "m2", "g1"] {
            #expect(try f.index.row(id: id)?.state == .pending, "\(id) was decided by an entry naming another slice")
            #expect(try f.index.standingDecisions(onRow: id).isEmpty)
        }
        let expected = [
            RowIndex.UncountedDecision(seq: other.seq, row: "m1", namedSlice: "general", slice: "medical"),
            RowIndex.UncountedDecision(seq: none.seq, row: "m2", namedSlice: nil, slice: "medical"),
            RowIndex.UncountedDecision(seq: wrongForNone.seq, row: "g1", namedSlice: "medical", slice: nil),
        ]
        #expect(try f.index.uncountedDecisions() == expected)
        #expect(try f.index.uncountedDecisions(among: [none.seq]) == [expected[1]])
        // A reviewer's undo of such an entry has no decision to take back.
        #expect(try f.index.decisionOwner(seq: other.seq) == nil)

        // The same entries, replayed from the log into a new index, are refused the same way.
        _ = try f.session.reindex()
        #expect(try f.index.uncountedDecisions() == expected)
        #expect(try f.index.row(id: "m1")?.state == .pending)
    }

    @Test func aDecisionInItsRowsSliceCounts() throws {
        let f = try fixture()
        _ = try record(f, "m1", slice: "medical")
        _ = try record(f, "g1", slice: nil)
        #expect(try f.index.row(id: "m1")?.state == .accepted)
        #expect(try f.index.row(id: "g1")?.state == .accepted)
        #expect(try f.index.uncountedDecisions().isEmpty)
    }
}
