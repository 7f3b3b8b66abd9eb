import Foundation
import GRDB
import Testing
import TestSupport
@testable import Workspace

/// The index's WAL checkpoints on a thread of their own (`RowIndex.checkpointInBackground`,
/// for review sessions): a commit past SQLite's 1,000-page mark does not checkpoint by
/// itself, the thread does, and the WAL stays as bounded as with SQLite's own checkpoints.
///
/// What the WAL file's size shows: after a complete checkpoint the next write starts the WAL
/// from its beginning again, so its file stays about one transaction long; a WAL nobody
/// checkpoints grows by every transaction.
@Suite struct IndexCheckpointerTests {
    /// A transaction of about 5 MB (1,280 pages of 4 KB, past the mark).
    static let bytes = 5 << 20

    func write(_ index: RowIndex) throws {
        try index.write { db in
            try db.execute(sql: "CREATE TABLE IF NOT EXISTS filler (b BLOB NOT NULL)")
            try db.execute(sql: "DELETE FROM filler")
            try db.execute(sql: "INSERT INTO filler VALUES (randomblob(?))", arguments: [Self.bytes])
        }
    }

    func walBytes(_ index: RowIndex) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: index.path + "-wal"))?[.size] as? Int) ?? 0
    }

    @Test func theThreadCheckpointsAndTheWALStaysBounded() throws {
        let tmp = try TemporaryDirectory(prefix: "winnow-checkpoints")
        let index = try RowIndex(path: tmp.file("index.sqlite"))
        index.checkpointInBackground()
        let checkpointer = try #require(index.checkpointer)
        for round in 1...6 {
            try write(index)
            #expect(checkpointer.checkpointsRun() == round)
        }
        #expect(walBytes(index) < 2 * Self.bytes, "WAL \(walBytes(index)) bytes after six 5 MB transactions")
    }

    @Test func aCommitPastTheMarkLeavesTheCheckpointToTheThread() throws {
        let tmp = try TemporaryDirectory(prefix: "winnow-checkpoints")
        // SQLite's own way, for comparison: the first commit checkpoints, the second reuses the WAL.
        let plain = try RowIndex(path: tmp.file("plain.sqlite"))
        try write(plain)
        try write(plain)
        #expect(walBytes(plain) < 2 * Self.bytes)

        let index = try RowIndex(path: tmp.file("index.sqlite"))
        index.checkpointInBackground()
        let checkpointer = try #require(index.checkpointer)
        checkpointer.pause()
        var paused = true
        defer { if paused { checkpointer.resume() } }
        try write(index)
        try write(index)
        let grown = walBytes(index)
        checkpointer.resume()
        paused = false
        #expect(grown >= 2 * Self.bytes, "no commit checkpointed by itself: the WAL kept both transactions (\(grown) bytes)")
        #expect(checkpointer.checkpointsRun() == 1, "asked once while the thread was busy")
        try write(index)
        #expect(walBytes(index) <= grown, "after the thread's checkpoint the WAL starts over")
    }

    /// A thread whose checkpoints keep failing gives them back to SQLite after three: the WAL
    /// is then copied back in the commits again, not left to grow.
    @Test func checkpointsThatKeepFailingGoBackToSQLite() throws {
        struct Refused: Error {}
        let tmp = try TemporaryDirectory(prefix: "winnow-checkpoints")
        let index = try RowIndex(path: tmp.file("index.sqlite"))
        let checkpointer = try IndexCheckpointer(path: index.path, main: index.db) { _ in throw Refused() }
        index.db.writeWithoutTransaction { db in checkpointer.install(on: db) }
        var sizes: [Int] = []
        for _ in 1...IndexCheckpointer.failuresAllowed {
            try write(index)
            _ = checkpointer.checkpointsRun()
            sizes.append(walBytes(index))
        }
        #expect(checkpointer.gaveUpCheckpoints)
        #expect(sizes[2] >= 3 * Self.bytes, "nothing was checkpointed while the thread failed: \(sizes)")
        try write(index)  // its commit checkpoints, SQLite's way
        let after = walBytes(index)
        try write(index)
        #expect(after > sizes[2] && walBytes(index) == after, "the WAL was copied back and reused, not grown: \(sizes), \(after), \(walBytes(index))")
    }

    /// SQLITE_BUSY is another connection checkpointing (four reviewers share a box's index):
    /// never a reason to give the checkpoints back, however often it comes.
    @Test func anotherConnectionCheckpointingIsNotAFailure() throws {
        let tmp = try TemporaryDirectory(prefix: "winnow-checkpoints")
        let index = try RowIndex(path: tmp.file("index.sqlite"))
        let checkpointer = try IndexCheckpointer(path: index.path, main: index.db) { _ in throw DatabaseError(resultCode: .SQLITE_BUSY) }
        index.db.writeWithoutTransaction { db in checkpointer.install(on: db) }
        for round in 1...(2 * IndexCheckpointer.failuresAllowed) {
            try write(index)
            #expect(checkpointer.checkpointsRun() == round)
        }
        #expect(!checkpointer.gaveUpCheckpoints)
    }

    /// Asked twice, one thread and one hook.
    @Test func askedTwiceInstallsOne() throws {
        let tmp = try TemporaryDirectory(prefix: "winnow-checkpoints")
        let index = try RowIndex(path: tmp.file("index.sqlite"))
        index.checkpointInBackground()
        let first = try #require(index.checkpointer)
        index.checkpointInBackground()
        #expect(index.checkpointer === first)
    }
}
