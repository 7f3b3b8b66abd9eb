import Foundation
import GRDB
import Testing
import TestSupport
import WinnowCore
@testable import Workspace

/// The index stores a row's state and a decision's verdict as text; the schema admits only the
/// names `RowState` and `Verdict` have, so reading one back never meets a word no type knows.
@Suite struct StoredStateTests {
    func session() throws -> (TemporaryDirectory, WorkspaceSession) {
        let tmp = try TemporaryDirectory()
        let session = try WorkspaceSession.open(try WorkspaceCreator.create(at: tmp.file("ws")))
        try #"{"id": "a", "prompt": "Question?", "response": "Answer."}"#.appending("\n")
            .write(toFile: tmp.file("rows.jsonl"), atomically: true, encoding: .utf8)
        _ = try session.importFile(tmp.file("rows.jsonl"), options: ImportOptions(), progress: nil)
        return (tmp, session)
    }

    /// A write the schema refuses, as the CHECK constraint's error (not any error at all).
    func expectRefusedByCheck(_ session: WorkspaceSession, _ sql: String) {
        do {
            try session.index.write { db in try db.execute(sql: sql) }
            Issue.record("the index stored what its CHECK should refuse: \(sql)")
        } catch let error as WorkspaceError {
            #expect("\(error)".contains("CHECK constraint failed"), "\(error)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func everyStateIsStorableAndNoOtherWord() throws {
        let (tmp, session) = try session()
        _ = tmp
        for state in RowState.allCases {
            try session.index.write { db in try db.execute(sql: "UPDATE rows SET state = ? WHERE id = 'a'", arguments: [state.rawValue]) }
            #expect(try session.index.row(id: "a")?.state == state)
        }
        expectRefusedByCheck(session, "UPDATE rows SET state = 'accept' WHERE id = 'a'")
    }

    @Test func aDecisionsActionIsAVerdict() throws {
        let (tmp, session) = try session()
        _ = tmp
        for (seq, verdict) in Verdict.allCases.enumerated() {
            try session.index.write { db in
                try db.execute(sql: "INSERT INTO decisions(seq, n, uid, reviewer, action, ts) VALUES (?, 1, 0, 'x', ?, '2026-01-01')",
                               arguments: [900 + seq, verdict.rawValue])
            }
        }
        expectRefusedByCheck(session, "INSERT INTO decisions(seq, n, uid, reviewer, action, ts) VALUES (999, 1, 0, 'x', 'accepted', '2026-01-01')")
    }
}
