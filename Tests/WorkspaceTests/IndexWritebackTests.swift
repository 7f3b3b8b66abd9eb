import Foundation
import GRDB
import Testing
@testable import Workspace

/// The bulk load's background sync must stop when asked, and its descriptor must never cost
/// SQLite its locks (closing any descriptor of a file drops the process's POSIX locks on it).
@Suite(.serialized) struct IndexWritebackTests {
    func temporaryIndex() throws -> (RowIndex, String) {
        let dir = NSTemporaryDirectory() + "/winnow-writeback-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return (try RowIndex(path: dir + "/index.sqlite"), dir)
    }

    @Test func stopsWhenAskedWhileSyncingAlongsideWrites() throws {
        let (index, dir) = try temporaryIndex()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let writeback = try #require(IndexWriteback(path: index.path, interval: 0.01))
        for i in 0..<20 {
            try index.write { db in
                try db.execute(sql: "INSERT INTO meta(key, value) VALUES (?, ?)", arguments: ["k\(i)", String(repeating: "x", count: 10_000)])
            }
            Thread.sleep(forTimeInterval: 0.005)
        }
        writeback.stop()
        writeback.stop()
        #expect(try index.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM meta WHERE key LIKE 'k%'") } == 20)
    }

    /// Exit 0: wrote; 3: the database was locked; else: python3 could not run it.
    func writeFromAnotherProcess(_ path: String) throws -> Int32 {
        let script = """
            import sqlite3, sys
            try:
                c = sqlite3.connect(sys.argv[1], timeout=0)
                c.execute("INSERT INTO meta(key, value) VALUES ('other', '1')")
                c.commit()
            except sqlite3.OperationalError as e:
                sys.exit(3 if "locked" in str(e) else 4)
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, path]
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    @Test func sqliteKeepsItsLocksWhenAWritebackStopsMidTransaction() throws {
        let (index, dir) = try temporaryIndex()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // A bulk load's rollback journal: a writer holds POSIX locks on the index file itself.
        #expect(try index.beginBulkLoad())
        defer { index.endBulkLoad() }
        try index.write { db in
            try db.execute(sql: "INSERT INTO meta(key, value) VALUES ('mine', '1')")
            for _ in 0..<2 {
                let writeback = try #require(IndexWriteback(path: index.path, interval: 0.01))
                Thread.sleep(forTimeInterval: 0.03)
                writeback.stop()
            }
            // Another process (SQLite in one process shares its lock state between connections,
            // so only another process sees the file's locks). Had the writeback closed a
            // descriptor of the file, SQLite's lock would be gone and this write would go through.
            let status = try writeFromAnotherProcess(index.path)
            #expect(status == 3, "the other process found the index locked (exit \(status))")
        }
        #expect(try index.read { try String.fetchOne($0, sql: "SELECT value FROM meta WHERE key = 'other'") } == nil)
    }
}
