import Foundation
import Gates
import ProvenanceLog
import TestSupport
import Testing
import WinnowCore
@testable import Workspace

/// A gate run's verdicts applied set-wise leave the index exactly as applying them one by one
/// does: flags, states (pending, gate-rejected, decided, retracted), classifier slices given and
/// taken back, and the queue marked for replanning.
@Suite(.serialized) struct GateBulkApplyTests {
    /// Two copies of a workspace whose rows have decisions, a retraction, flags and tags.
    func twins(_ tmp: TemporaryDirectory) throws -> (WorkspaceSession, WorkspaceSession, [String]) {
        let a = try WorkspaceSession.open(try WorkspaceCreator.create(at: tmp.file("a")))
        try (GateIncrementTests.plantedRows(count: 400, seed: 5).joined(separator: "\n") + "\n")
            .write(toFile: tmp.file("rows.jsonl"), atomically: true, encoding: .utf8)
        var options = ImportOptions()
        options.defaults.seed = "seed-a"
        _ = try a.importFile(tmp.file("rows.jsonl"), options: options, progress: nil)
        let ids = try a.index.allRows().map(\.id)
        try a.record(try ids[0..<40].map { id in
            DecisionPayload(row: id, action: id.hasSuffix("3") ? .reject : .accept, reason: "low-quality",
                            slice: try a.index.row(id: id)?.provenance.slices.first)
        })
        try a.record([GatePayload(gate: "pii", action: .reject, row: ids[1], reason: "email")])
        try a.record([GatePayload(gate: "slice-tag", action: .tag, row: ids[50], reason: "tagged",
                                  detail: .object([("slices", .array([.string("legal"), .string("billing")]))]))])
        try a.record([GatePayload(gate: "blocklist", action: .flag, row: ids[60], reason: "invented-policy")])
        try a.record([RetractPayload(generator: "gen-1", reason: "bad batch")])
        try FileManager.default.copyItem(atPath: tmp.file("a"), toPath: tmp.file("b"))
        let b = try WorkspaceSession.open(WorkspacePaths(root: tmp.file("b")))
        return (a, b, ids)
    }

    /// Verdicts touching every case: new flags and rejections on decided and undecided rows,
    /// tags, a clear of a tag, a clear of a flag, a verdict about a row the index lacks.
    func verdicts(_ ids: [String]) -> [GatePayload] {
        var list: [GatePayload] = []
        for (i, id) in ids.enumerated() where i % 3 == 0 {
            list.append(GatePayload(gate: "length", action: i % 2 == 0 ? .reject : .flag, row: id, reason: "too-long",
                                    detail: .object([("matches", .array([.object([("reason", .string("too-long"))])]))])))
        }
        for id in ids[100..<140] {
            list.append(GatePayload(gate: "slice-tag", action: .tag, row: id, reason: "tagged",
                                    detail: .object([("matches", .array([.object([("slices", .array([.string("medical")]))])]))])))
        }
        list.append(GatePayload(gate: "slice-tag", action: .clear, row: ids[50], reason: "tagged"))
        list.append(GatePayload(gate: "blocklist", action: .clear, row: ids[60], reason: "invented-policy"))
        list.append(GatePayload(gate: "pii", action: .clear, row: ids[1], reason: "email"))
        list.append(GatePayload(gate: "length", action: .flag, row: "no-such-row", reason: "too-long"))
        return list
    }

    func snapshot(_ session: WorkspaceSession) throws -> (flags: [String: [String: GateFlag]], rows: [IndexedRow], dirty: String?) {
        let dirty = try session.index.read { try String.fetchOne($0, sql: "SELECT value FROM meta WHERE key = 'queue_dirty'") }
        return (try session.index.flags(), try session.index.allRows(), dirty)
    }

    @Test func setWiseIsOneByOne() throws {
        let tmp = try TemporaryDirectory()
        let (a, b, ids) = try twins(tmp)
        let list = verdicts(ids)
        let run = GateRunPayload(verdicts: String(repeating: "0", count: 64), count: list.count, config: "c", scope: .all, rows: 400, through: ids.last)
        var usedBulk = false
        try a.index.write { db in
            usedBulk = try RowIndex.applyInBulk(list, seq: 99, in: db)
            try RowIndex.apply(gateRun: run, verdicts: [], seq: 99, in: db)
        }
        #expect(usedBulk)
        try b.index.write { db in try RowIndex.apply(gateRun: run, verdicts: list, seq: 99, in: db, bulk: false) }
        let (fa, ra, da) = try snapshot(a), (fb, rb, db) = try snapshot(b)
        #expect(fa == fb)
        #expect(ra == rb)
        // Both mark the queue plan dirty (a counter: one-by-one raises it once a row, bulk once).
        #expect(da != nil && db != nil)
        #expect(ra.contains { $0.state == .gateRejected } && ra.contains { $0.state == .accepted })
        #expect(ra.contains { $0.state == .retracted })
        #expect(ra.first { $0.id == ids[50] }?.provenance.slices == [], "the cleared tag's slices are gone")
        #expect(ra.first { $0.id == ids[100] }?.provenance.slices == ["medical"])
    }

    /// A gate run's own verdicts are staged while it decides them and applied from the stage;
    /// the same verdicts applied one by one (as a replay from the file would) give the same index.
    @Test func stagedIsOneByOne() throws {
        let tmp = try TemporaryDirectory()
        let (a, b, ids) = try twins(tmp)
        let list = verdicts(ids)
        let run = GateRunPayload(verdicts: String(repeating: "0", count: 64), count: list.count, config: "c", scope: .all, rows: 400, through: ids.last)
        try a.index.clearGateVerdictStage()
        try a.index.stageGateVerdicts(Array(list[..<100]))
        try a.index.stageGateVerdicts(Array(list[100...]))
        try a.index.write { db in try RowIndex.apply(stagedGateRun: run, seq: 99, in: db) }
        try b.index.write { db in try RowIndex.apply(gateRun: run, verdicts: list, seq: 99, in: db, bulk: false) }
        let (fa, ra, _) = try snapshot(a), (fb, rb, _) = try snapshot(b)
        #expect(fa == fb)
        #expect(ra == rb)
        #expect(try a.index.gatedThrough()?.n == b.index.gatedThrough()?.n)
        let left = try a.index.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM temp.gate_verdicts") }
        #expect(left == 0, "the stage is emptied by the apply")
    }

    /// A run stages its verdicts by the numbers of the rows it read (not by id, as a replay
    /// does): applied, they leave the index as the same verdicts applied one by one.
    @Test func stagedByNumberIsOneByOne() throws {
        let tmp = try TemporaryDirectory()
        let (a, b, ids) = try twins(tmp)
        let list = verdicts(ids).filter { ids.contains($0.row) }  // a run's verdicts are about its own rows
        let numbers = try a.index.read { db in
            try list.map { try #require(try Int64.fetchOne(db, sql: "SELECT n FROM rows WHERE id = ?", arguments: [$0.row])) }
        }
        let run = GateRunPayload(verdicts: String(repeating: "0", count: 64), count: list.count, config: "c", scope: .all, rows: 400, through: ids.last)
        try a.index.clearGateVerdictStage()
        try a.index.stageGateVerdicts(Array(list[..<100]), numbers: Array(numbers[..<100]))
        try a.index.stageGateVerdicts(Array(list[100...]), numbers: Array(numbers[100...]))
        #expect(try a.index.read { try RowIndex.stagedVerdicts($0) } == list.count)
        try a.index.write { db in try RowIndex.apply(stagedGateRun: run, seq: 99, in: db) }
        try b.index.write { db in try RowIndex.apply(gateRun: run, verdicts: list, seq: 99, in: db, bulk: false) }
        let (fa, ra, _) = try snapshot(a), (fb, rb, _) = try snapshot(b)
        #expect(fa == fb)
        #expect(ra == rb)
    }

    /// A (row, gate) staged twice is refused: the set-wise apply needs each once.
    @Test func stagingAPairTwiceFails() throws {
        let tmp = try TemporaryDirectory()
        let (a, _, ids) = try twins(tmp)
        try a.index.clearGateVerdictStage()
        let verdict = GatePayload(gate: "length", action: .flag, row: ids[5], reason: "too-long")
        try a.index.stageGateVerdicts([verdict])
        #expect(throws: (any Error).self) { try a.index.stageGateVerdicts([verdict]) }
    }

    @Test func aRunThatNamesAPairTwiceIsAppliedOneByOne() throws {
        let tmp = try TemporaryDirectory()
        let (a, _, ids) = try twins(tmp)
        let twice = [GatePayload(gate: "length", action: .flag, row: ids[5], reason: "too-long"),
                     GatePayload(gate: "length", action: .clear, row: ids[5], reason: "too-long")]
        let used = try a.index.write { db in try RowIndex.applyInBulk(twice, seq: 9, in: db) }
        #expect(!used)
    }
}
