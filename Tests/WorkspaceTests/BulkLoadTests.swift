import Foundation
import GRDB
import Testing
import WinnowCore
@testable import Workspace

/// A bulk load (rollback journal instead of WAL, `RowIndex.beginBulkLoad`) must import exactly
/// what a normal import does, roll back as cleanly when the file was imported already, leave the
/// index in WAL mode, and step aside when another connection has the index open.
@Suite(.serialized) struct BulkLoadTests {
    static let rows = """
        {"id": "a", "prompt": "Can I get a refund?", "response": "Yes, within 90 days.", "meta": {"slice": "billing"}}
        {"id": "b", "prompt": "Hello", "response": "Hi there."}
        not json at all
        {"id": "a", "prompt": "Same id again", "response": "Gets a suffix."}
        {"prompt": "No id", "response": "Named by its hash.", "meta": {"slice": ["legal", "billing"]}}
        {"id": "c", "prompt": "", "response": "An empty prompt is quarantined."}

        """

    func workspace() throws -> (WorkspaceSession, String, String) {
        let dir = NSTemporaryDirectory() + "/winnow-bulk-\(UUID().uuidString)"
        let paths = try WorkspaceCreator.create(at: dir)
        let file = dir + "/rows.jsonl"
        try Self.rows.write(toFile: file, atomically: true, encoding: .utf8)
        return (try WorkspaceSession.open(paths), dir, file)
    }

    func options(bulk: Bool) -> ImportOptions {
        var options = ImportOptions()
        options.bulkLoad = bulk
        return options
    }

    func indexedRows(_ session: WorkspaceSession) throws -> [String] {
        try session.index.allRows().map { "\($0.id) \($0.line) \($0.offset) \($0.length) \($0.contentHash) \($0.provenance.slices)" }
    }

    @Test func aBulkLoadImportsWhatANormalImportDoes() throws {
        let (normal, normalDir, normalFile) = try workspace()
        defer { try? FileManager.default.removeItem(atPath: normalDir) }
        let (bulk, bulkDir, bulkFile) = try workspace()
        defer { try? FileManager.default.removeItem(atPath: bulkDir) }
        let expected = try normal.importFile(normalFile, options: options(bulk: false), progress: nil)
        let got = try bulk.importFile(bulkFile, options: options(bulk: true), progress: nil)
        #expect(got.rows == 4 && got.quarantined == 2 && got.renamedIDs == 1, "\(got.json.canonicalString)")
        #expect(got.source == expected.source)
        #expect(got.json.canonicalString.replacingOccurrences(of: bulkFile, with: "F")
                == expected.json.canonicalString.replacingOccurrences(of: normalFile, with: "F"))
        #expect(try indexedRows(bulk) == indexedRows(normal))
        #expect(try bulk.index.journalMode() == "wal")
        for session in [normal, bulk] {
            let enforced = try session.index.read { try Bool.fetchOne($0, sql: "PRAGMA foreign_keys") }
            #expect(enforced == true, "foreign keys are checked again after the import")
        }
        let quarantine = try FileManager.default.contentsOfDirectory(atPath: bulk.paths.quarantine)
        #expect(!quarantine.isEmpty, "bad lines are listed as in a normal import")
    }

    @Test func reimportingUnderABulkLoadRollsBackToNothingNew() throws {
        let (session, dir, file) = try workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try session.importFile(file, options: options(bulk: true), progress: nil)
        let before = try indexedRows(session)
        let again = try session.importFile(file, options: options(bulk: true), progress: nil)
        #expect(again.alreadyImported)
        #expect(try indexedRows(session) == before)
        #expect(try session.index.journalMode() == "wal")
        let integrity = try session.index.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") }
        #expect(integrity == "ok")
    }

    @Test func aBulkLoadSwitchesJournalsAndBack() throws {
        let (session, dir, _) = try workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try session.index.beginBulkLoad())
        #expect(try session.index.journalMode() == "delete")
        session.index.endBulkLoad()
        #expect(try session.index.journalMode() == "wal")
    }

    @Test func anotherOpenConnectionKeepsTheIndexInWALMode() throws {
        let (session, dir, file) = try workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let other = try RowIndex(path: session.index.path)
        #expect(try other.rowCount() == 0)
        #expect(try session.index.beginBulkLoad() == false, "another connection has the index open")
        let summary = try session.importFile(file, options: options(bulk: true), progress: nil)
        #expect(summary.rows == 4)
        #expect(try other.rowCount() == 4)
        #expect(try session.index.journalMode() == "wal")
    }
}
