import Foundation
import ProvenanceLog
import Testing
import TestSupport
import WinnowCore
@testable import Workspace

/// A workspace with a few imported rows and a queue placed by hand (the queue plan's rule is
/// ReviewQueue's; these tests pin the storage operations, so every place is chosen here):
/// each row's rank, key and flags come from `places`, by id.
struct QueueStoreFixture {
    struct Spec {
        var id: String
        var slice: String?
        var generator: String? = nil
        var human = false
        var rank = 0
        var key: Int64 = 0
        var sampled = true
        var overlap = false
        var flagged = false
    }

    let tmp: TemporaryDirectory
    let session: WorkspaceSession
    var index: RowIndex { session.index }

    init(_ specs: [Spec]) throws {
        tmp = try TemporaryDirectory()
        session = try WorkspaceSession.open(try WorkspaceCreator.create(at: tmp.file("ws")))
        let lines = specs.map { spec in
            var meta: [String] = []
            if let slice = spec.slice { meta.append(#""slice": "\#(slice)""#) }
            if let generator = spec.generator { meta.append(#""generator": "\#(generator)""#) }
            meta.append(#""origin": "\#(spec.human ? "human" : "synthetic")""#)
            return #"{"id": "\#(spec.id)", "prompt": "Question \#(spec.id)?", "response": "Answer \#(spec.id).", "meta": {\#(meta.joined(separator: ", "))}}"#
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: tmp.file("rows.jsonl"), atomically: true, encoding: .utf8)
        _ = try session.importFile(tmp.file("rows.jsonl"), options: ImportOptions(), progress: nil)
        let byID = Dictionary(uniqueKeysWithValues: specs.map { ($0.id, $0) })
        try session.index.resetQueuePlan(fingerprint: "test", flagPolicies: [:])
        try session.index.placeInQueue(Array(1...Int64(specs.count)), fingerprint: "test") { row in
            let spec = byID[String(decoding: row.id, as: UTF8.self)]!
            return .init(rank: spec.rank, sampled: spec.sampled, overlap: spec.overlap, key: spec.key,
                         flagged: spec.flagged, open: (spec.sampled || spec.flagged) && row.pending)
        }
    }

    /// A decision recorded the way every decision is (log, then index), by this process's user.
    @discardableResult
    func decide(_ id: String, _ verdict: Verdict, reason: String? = nil) throws -> LogEntry {
        let row = try #require(try index.row(id: id))
        return try session.record([DecisionPayload(row: id, action: verdict, rowHash: row.contentHash, source: row.source,
                                                   reason: reason, slice: row.provenance.slices.first)])[0]
    }

    static func claimant(_ holder: String, uid: Int = LogActor.current.uid, hidden: [String] = []) -> QueueClaimant {
        QueueClaimant(uid: uid, reviewer: "r\(uid)", holder: holder, hiddenSlices: hidden)
    }
}
