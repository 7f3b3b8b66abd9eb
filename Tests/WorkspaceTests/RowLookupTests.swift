import Foundation
import GRDB
import Testing
import TestSupport
import WinnowCore
@testable import Workspace

/// Completing a row id by prefix (`:goto alp-00<Tab>`) must stay a keypress on a million rows:
/// the query walks the id index over the prefix's range, never the table.
@Suite struct RowLookupTests {
    func session(_ ids: [String], slices: [String?]) throws -> (TemporaryDirectory, WorkspaceSession) {
        let tmp = try TemporaryDirectory()
        let session = try WorkspaceSession.open(try WorkspaceCreator.create(at: tmp.file("ws")))
        let lines = zip(ids, slices).map { id, slice in
            let meta = slice.map { #", "meta": {"slice": "\#($0)"}"# } ?? ""
            return #"{"id": "\#(id)", "prompt": "Question \#(id)?", "response": "Answer."\#(meta)}"#
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: tmp.file("rows.jsonl"), atomically: true, encoding: .utf8)
        _ = try session.importFile(tmp.file("rows.jsonl"), options: ImportOptions(), progress: nil)
        return (tmp, session)
    }

    @Test func idsByPrefixInOrderLeavingOutHiddenSlices() throws {
        let ids = ["alp-0001", "alp-0002", "alp-0010", "alp-0100", "alq-0001", "al", "b-1", "alp-0003"]
        let (tmp, session) = try session(ids, slices: ["general", "medical", "general", nil, "general", "general", "general", "general"])
        _ = tmp
        #expect(try session.index.rowIDs(withPrefix: "alp-000", limit: 10) == ["alp-0001", "alp-0002", "alp-0003"])
        #expect(try session.index.rowIDs(withPrefix: "alp-0", limit: 2) == ["alp-0001", "alp-0002"])
        #expect(try session.index.rowIDs(withPrefix: "alp-000", limit: 10, hiddenSlices: ["medical"]) == ["alp-0001", "alp-0003"])
        #expect(try session.index.rowIDs(withPrefix: "alp", limit: 10, hiddenSlices: ["medical"]) == ["alp-0001", "alp-0003", "alp-0010", "alp-0100"],
                "a row without a slice is never hidden")
        #expect(try session.index.rowIDs(withPrefix: "zz", limit: 10).isEmpty)
        #expect(try session.index.rowIDs(withPrefix: "", limit: 3) == ["al", "alp-0001", "alp-0002"])
    }

    @Test func thePrefixQueryWalksTheIdIndex() throws {
        let (tmp, session) = try session(["a-1"], slices: [nil])
        _ = tmp
        for hidden in [0, 2] {
            let plan = try session.index.read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + RowIndex.rowIDPrefixSQL(hiding: hidden),
                                 arguments: StatementArguments(["a", "a\u{10FFFF}"] + Array(repeating: "x", count: hidden) + [10]))
                    .map { $0["detail"] as String }.joined(separator: "; ")
            }
            #expect(plan.contains("USING") && plan.contains("INDEX") && plan.contains("id>? AND id<?"), "\(plan)")
            #expect(!plan.contains("SCAN"), "\(plan)")
        }
    }

    @Test func standingSaysWhereARowIsWithoutReadingIt() throws {
        let (tmp, session) = try session(["r-1"], slices: ["general"])
        _ = tmp
        let standing = try #require(try session.index.standing(ofRow: "r-1", uid: 1, now: 0))
        #expect(standing.state == .pending && standing.slice == "general" && standing.holder == nil && standing.yourVerdict == nil)
        #expect(try session.index.standing(ofRow: "r-2", uid: 1, now: 0) == nil)
    }
}
