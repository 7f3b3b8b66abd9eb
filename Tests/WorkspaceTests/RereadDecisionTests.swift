import Foundation
import ProvenanceLog
import Testing
import TestSupport
import WinnowCore
@testable import Workspace

/// A reread logged after a decision the index had not applied yet (another reviewer's, logged
/// a moment before) is applied in log order, as a replay applies it: the decision, made on the
/// old text, is set aside, and the index matches one rebuilt from the log.
@Suite(.serialized) struct RereadDecisionTests {
    @Test func aRereadLoggedAfterAnUnappliedDecisionIsAppliedInLogOrder() throws {
        let tmp = try TemporaryDirectory()
        let session = try WorkspaceSession.open(try WorkspaceCreator.create(at: tmp.file("ws")))
        let file = tmp.file("qa.jsonl")
        try #"{"id":"q1","question":"Compute the area.","hint":"width 3, height 4","answer":"12"}"#
            .appending("\n").write(toFile: file, atomically: true, encoding: .utf8)
        _ = try session.importFile(file, options: ImportOptions(), progress: nil)
        let row = try #require(try session.index.row(id: "q1"))
        // Logged by "another process": in the log, not yet in this session's index.
        _ = try session.log.append([DecisionPayload(row: "q1", action: .accept, slice: row.provenance.slices.first)])
        var options = ImportOptions()
        options.format = .alpaca
        options.map = [.instruction: try #require(FieldPath("question")), .input: try #require(FieldPath("hint")),
                       .output: try #require(FieldPath("answer"))]
        let summary = try session.rereadFile(file, options: options)
        #expect(summary.logSeq != nil)
        #expect(try session.index.row(id: "q1")?.state == .pending, "the accept was of the old text")
        let standing = try session.index.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM decisions WHERE standing = 1") }
        let all = try session.index.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM decisions") }
        #expect(standing == 0 && all == 1, "kept, not standing")
        let live = try session.index.allRows()
        _ = try session.reindex()
        #expect(try session.index.allRows() == live)
    }
}
