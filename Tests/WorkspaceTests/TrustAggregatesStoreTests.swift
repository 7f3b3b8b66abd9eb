import Foundation
import GRDB
import ProvenanceLog
import Testing
import WinnowCore
@testable import Workspace

/// What `winnow stats` reads from the index (RowIndex+TrustAggregates), field by field: a
/// decision joined to the wrong row, a count grouped by the wrong column or a missing value
/// labelled here instead of in the report would each fail one of these.
@Suite struct TrustAggregatesStoreTests {
    typealias Spec = QueueStoreFixture.Spec

    func fixture() throws -> QueueStoreFixture {
        try QueueStoreFixture([
            Spec(id: "g1", slice: "general", generator: "gpt", key: 1, overlap: true),
            Spec(id: "g2", slice: "general", generator: "gpt", key: 2, sampled: false),
            Spec(id: "h1", slice: "general", human: true, key: 3),
            Spec(id: "n1", slice: nil, generator: "llama", key: 4),
        ])
    }

    @Test func standingDecisionsCarryTheirRowsGroupsAndQueueDraws() throws {
        let f = try fixture()
        let first = try f.decide("g1", .accept)
        let second = try f.decide("h1", .reject, reason: "wrong")
        let third = try f.decide("g2", .flag)
        let reverted = try f.decide("n1", .accept)
        try f.session.record([RevertPayload(reverts: reverted.seq, note: nil)])
        let decisions = try f.index.standingTrustDecisions()
        #expect(decisions.map(\.seq) == [first, second, third].map { Int64($0.seq) }, "standing only, in log order")
        #expect(decisions.map(\.rowID) == ["g1", "h1", "g2"])
        #expect(decisions.map(\.verdict) == [.accept, .reject, .flag])
        #expect(decisions.map(\.reason) == [nil, "wrong", nil])
        #expect(decisions.map(\.human) == [false, true, false])
        #expect(decisions.map(\.generator) == ["gpt", nil, "gpt"])
        #expect(decisions.map(\.slice) == ["general", "general", "general"])
        #expect(decisions.map(\.overlap) == [true, false, false])
        #expect(decisions.map(\.sampled) == [true, true, false])
        #expect(decisions.map(\.ts) == [first.ts, second.ts, third.ts])
        #expect(decisions.allSatisfy { $0.uid == LogActor.current.uid && $0.reviewer == LogActor.current.user && $0.judgeScore == nil })
    }

    @Test func rowsAreCountedPerSliceGeneratorTemplateAndOrigin() throws {
        let f = try fixture()
        let counts = try f.index.rowGroupCounts().sorted { ($0.slice ?? "", $0.generator ?? "") < ($1.slice ?? "", $1.generator ?? "") }
        #expect(counts == [
            .init(slice: nil, generator: "llama", template: nil, human: false, rows: 1),
            .init(slice: "general", generator: nil, template: nil, human: true, rows: 1),
            .init(slice: "general", generator: "gpt", template: nil, human: false, rows: 2),
        ])
    }

    @Test func generatorsWithTheirRowsFlaggedByOneGate() throws {
        let f = try fixture()
        // One current near-duplicate flag on g2, put in as a gate run would leave it.
        try f.index.write { db in
            try db.execute(sql: """
                INSERT INTO flags(n, gate, reason, action, detail, seq) SELECT n, 'near-duplicate', 'close to g1', 'flag', NULL, 1
                FROM rows WHERE id = 'g2'
                """)
        }
        #expect(try f.index.generatorFlagCounts(gate: "near-duplicate") == [
            .init(generator: "gpt", rows: 2, flagged: 1), .init(generator: "llama", rows: 1, flagged: 0),
        ])
        #expect(try f.index.generatorFlagCounts(gate: "blocklist").map(\.flagged) == [0, 0])
        #expect(try f.index.rows(generator: "gpt", limit: 1).map(\.id) == ["g1"])
        #expect(try f.index.rows(generator: "gpt", limit: 5).map(\.id) == ["g1", "g2"])
        #expect(try f.index.rows(generator: "none", limit: 5).isEmpty)
    }
}
