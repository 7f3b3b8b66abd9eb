import Foundation
import GRDB
import ProvenanceLog
import Testing
import TestSupport
import WinnowCore
@testable import Workspace

/// The mixer reads the index only through named operations (RowIndex+MixScan, +MixQueries, and
/// `count(inState:)`): each named field must be the row's own value, every row must come
/// through exactly once, and each count must be the one its name promises.
@Suite struct MixScanTests {
    /// Six rows: human, unknown origin, and four synthetic ones (two generators, one without a
    /// slice), of which three are then decided: accepted, rejected and edited.
    func session() throws -> (TemporaryDirectory, WorkspaceSession, decisions: [LogEntry]) {
        let tmp = try TemporaryDirectory()
        let session = try WorkspaceSession.open(try WorkspaceCreator.create(at: tmp.file("ws")))
        let rows = [
            #"{"id": "h-1", "prompt": "Human question?", "response": "Human answer.", "meta": {"origin": "human", "slice": "general"}}"#,
            #"{"id": "s-1", "prompt": "Q1?", "response": "A1.", "meta": {"origin": "synthetic", "slice": "general", "generator": "g1", "template": "t1", "seed_id": "seed-1"}}"#,
            #"{"id": "s-2", "messages": [{"role": "user", "content": "Q2?"}, {"role": "assistant", "content": "A2."}], "meta": {"origin": "synthetic", "slice": "medical", "generator": "g2"}}"#,
            #"{"id": "s-3", "prompt": "Q3?", "response": "A3.", "meta": {"origin": "synthetic", "generator": "g1"}}"#,
            #"{"id": "s-4", "prompt": "Q4?", "response": "A4.", "meta": {"origin": "synthetic", "slice": "general", "generator": "g2", "template": "t2"}}"#,
            #"{"id": "u-1", "prompt": "Q5?", "response": "A5."}"#,
        ]
        try (rows.joined(separator: "\n") + "\n").write(toFile: tmp.file("rows.jsonl"), atomically: true, encoding: .utf8)
        _ = try session.importFile(tmp.file("rows.jsonl"), options: ImportOptions(), progress: nil)
        let decisions = try session.record([
            DecisionPayload(row: "s-2", action: .accept, slice: "medical"),
            DecisionPayload(row: "s-3", action: .reject, reason: "low-quality"),
            DecisionPayload(row: "s-4", action: .edit, slice: "general", newRow: .object([("prompt", .string("Q4?")), ("response", .string("Better."))])),
            DecisionPayload(row: "h-1", action: .accept, slice: "general"),
        ])
        return (tmp, session, decisions)
    }

    /// Everything a scanned row says, copied out while it is valid.
    struct Seen: Equatable {
        var n: Int64, id: String, origin: Origin, state: RowState, slice: String?, generator: String?
        var source: Int32, offset: Int64, length: Int32, shape: RowShape, template: String?, seed: String?
    }

    struct Collect: MixRowSink {
        var rows: [Seen] = []
        mutating func take(_ r: RowIndex.MixScanRow) {
            rows.append(Seen(n: r.n, id: r.id, origin: r.origin, state: r.state, slice: r.slice, generator: r.generator,
                             source: r.source, offset: r.offset, length: r.length, shape: r.shape, template: r.template, seed: r.seed))
        }
    }

    @Test func everyRowOnceWithItsOwnValuesUnreviewedSyntheticApart() throws {
        let (tmp, session, decisions) = try session()
        _ = (tmp, decisions)
        let (facts, parts) = try session.index.scanForMix(clusters: false) { _ in Collect() }
        #expect(parts.count == 2)
        let shaOf = Dictionary(uniqueKeysWithValues: facts.sources.map { ($0.id, $0.sha) })
        let indexed = try session.index.rows(after: 0, limit: 100)
        #expect(indexed.count == 6)
        let seen = parts.flatMap { $0.rows }
        #expect(Set(seen.map(\.n)) == Set(indexed.map(\.n)) && seen.count == indexed.count, "every row exactly once")
        for (n, row) in indexed {
            let s = try #require(seen.first { $0.n == n })
            #expect(s.id == row.id && s.origin == row.provenance.origin && s.state == row.state)
            #expect(s.slice == row.provenance.slices.first && s.generator == row.provenance.generator)
            #expect(shaOf[s.source] == row.source && s.offset == row.offset && Int64(s.length) == row.length)
            #expect(s.shape == row.shape && s.template == row.provenance.template && s.seed == row.provenance.seed)
        }
        // The split: unreviewed synthetic rows in the second part, the rest in the first, each
        // in row order.
        #expect(parts[1].rows.map(\.id) == ["s-1"])
        #expect(parts[0].rows.map(\.id) == ["h-1", "s-2", "s-3", "s-4", "u-1"])
        #expect(parts.allSatisfy { $0.rows.map(\.n) == $0.rows.map(\.n).sorted() })
        // The values themselves, not only agreement with another reader.
        let byID = Dictionary(uniqueKeysWithValues: seen.map { ($0.id, $0) })
        #expect(byID["h-1"]?.origin == .human && byID["u-1"]?.origin == .unknown && byID["s-1"]?.origin == .synthetic)
        #expect(byID["s-2"]?.state == .accepted && byID["s-3"]?.state == .rejected && byID["s-4"]?.state == .edited)
        #expect(byID["s-1"]?.template == "t1" && byID["s-1"]?.seed == "seed-1" && byID["s-3"]?.slice == nil)
        #expect(byID["s-2"]?.shape == .chat && byID["s-1"]?.shape != .chat)
    }

    @Test func everyStateAndOriginNameDecodes() throws {
        let (tmp, session, decisions) = try session()
        _ = (tmp, decisions)
        for state in RowState.allCases {
            try session.index.write { db in try db.execute(sql: "UPDATE rows SET state = ? WHERE id = 's-1'", arguments: [state.rawValue]) }
            let (_, parts) = try session.index.scanForMix(clusters: false) { _ in Collect() }
            #expect(parts.flatMap(\.rows).first { $0.id == "s-1" }?.state == state)
            #expect(try session.index.count(inState: state) == (try session.index.allRows().filter { $0.state == state }.count))
        }
        for state in RowState.allCases { #expect(state.rawValue.withCString { RowState(column: UnsafeRawPointer($0).assumingMemoryBound(to: UInt8.self)) } == state) }
        for origin in Origin.allCases { #expect(origin.rawValue.withCString { Origin(column: UnsafeRawPointer($0).assumingMemoryBound(to: UInt8.self)) } == origin) }
        #expect("humane".withCString { Origin(column: UnsafeRawPointer($0).assumingMemoryBound(to: UInt8.self)) } == .unknown)
    }

    @Test func theFactsAreReadInTheSameReadAndBeginMayRefuse() throws {
        let (tmp, session, decisions) = try session()
        _ = (tmp, decisions)
        try session.index.write { db in
            try db.execute(sql: """
                INSERT INTO flags(n, gate, reason, action, detail, seq) VALUES
                  ((SELECT n FROM rows WHERE id = 's-1'), 'contamination', 'eval', 'flag', NULL, 1),
                  ((SELECT n FROM rows WHERE id = 'h-1'), 'contamination', 'eval', 'reject', NULL, 1),
                  ((SELECT n FROM rows WHERE id = 's-2'), 'pii', 'email', 'reject', NULL, 1),
                  ((SELECT n FROM rows WHERE id = 's-4'), 'near-duplicate', 'dup', 'flag', '{"matches": [{"cluster": "c-7"}]}', 1)
                """)
        }
        let n = Dictionary(uniqueKeysWithValues: try session.index.rows(after: 0, limit: 100).map { ($1.id, $0) })
        let (facts, _) = try session.index.scanForMix(clusters: true) { _ in Collect() }
        let position = try session.index.logPosition()
        #expect(facts.logSeq == position.seq && facts.logHash == position.hash && facts.logSeq == decisions.last?.seq)
        #expect(facts.pendingGateRows == 0 && facts.gatedThrough == 0, "imported without gates: nothing wanted, nothing gated")
        // Gates wanted through the last row and run through the second: the rest are pending.
        let total = try session.index.rowCount()
        try session.index.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES ('gates_wanted_n', ?), ('gated_n', '2'), ('gated_config', 'c')",
                           arguments: ["\(total)"])
        }
        let gated = try session.index.scanForMix(clusters: false) { _ in Collect() }.facts
        #expect(total > 2 && gated.pendingGateRows == total - 2 && gated.gatedThrough == 2)
        #expect(facts.contaminated == [n["s-1"]!, n["h-1"]!])
        #expect(facts.clusters == [n["s-4"]!: "c-7"])
        #expect(facts.bothBad.isEmpty)
        #expect(facts.sources == (try session.index.sources()) && facts.sources.count == 1)
        #expect(try session.index.scanForMix(clusters: false) { _ in Collect() }.facts.clusters.isEmpty, "clusters only when asked")

        struct Moved: Error {}
        #expect(throws: Moved.self) { _ = try session.index.scanForMix(clusters: false) { _ -> Collect in throw Moved() } }
    }

    @Test func theMixersQueriesSayWhatTheirNamesSay() throws {
        let (tmp, session, decisions) = try session()
        _ = (tmp, decisions)
        let n = Dictionary(uniqueKeysWithValues: try session.index.rows(after: 0, limit: 100).map { ($1.id, $0) })
        let edits = try session.index.standingEdits()
        #expect(edits.map(\.n) == [n["s-4"]!] && edits.map(\.seq) == [decisions[2].seq])
        let verdicts = try session.index.standingSyntheticVerdicts()
        #expect(verdicts == [
            .init(id: "s-2", slice: "medical", generator: "g2", verdict: .accept),
            .init(id: "s-3", slice: nil, generator: "g1", verdict: .reject),
            .init(id: "s-4", slice: "general", generator: "g2", verdict: .edit),
        ], "the human row's accept is not a synthetic verdict")
        #expect(try session.index.unreviewedSyntheticGroups() == [.init(slice: "general", generator: "g1", rows: 1)])
        #expect(try session.index.generatorVerdictCounts() == [
            .init(generator: "g1", rejected: 1, decided: 1), .init(generator: "g2", rejected: 0, decided: 2),
        ])
        #expect(try session.index.count(inState: .accepted) == 2 && session.index.count(inState: .pending) == 2)
        #expect(try session.index.count(inState: .retracted) == 0)
        let source = try #require(try session.index.sources().first)
        #expect(source.sha == (try session.index.row(id: "h-1")?.source) && source.file.hasSuffix("rows.jsonl"))
    }
}
