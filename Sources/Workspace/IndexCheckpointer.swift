import Foundation
import GRDB
import GRDBSQLite

/// Checkpoints of the index's write-ahead log on a thread of their own, for sessions that
/// review row after row (`RowIndex.checkpointInBackground`).
///
/// By default SQLite copies the WAL back into the database file (a checkpoint) inside the
/// commit that takes the WAL past 1,000 pages, so that commit waits for the copy and the
/// file's fsync. On the store benchmark's boxes (four reviewers each, 1M rows) that was one
/// next+decide per box about every ten seconds at 12-23 ms against a 6.5 ms median, all four
/// boxes within half a second of one another: enough slow pairs to be the p99 by themselves
/// (17.5-19.9 ms; 10.4 ms in a run with no checkpoints at all). Here the commit that crosses
/// the mark only asks this thread, which runs a PASSIVE checkpoint on a connection of its own:
/// PASSIVE takes no lock that a reader or a writer waits for, and copies what it can.
///
/// What could go wrong, and what then: a checkpoint that cannot finish (a reader still on old
/// pages) or finds another connection checkpointing (SQLITE_BUSY: a box-mate's thread) is asked
/// for again by the next commit past the mark; one that fails otherwise three times in a row
/// gives the connection back to SQLite's own checkpoints (a WAL nobody copies back would
/// grow for as long as the session lasts); a process that exits first leaves the WAL to the
/// next one, and to SQLite's own checkpoint when the last connection closes. The WAL's
/// contents are the same either way; only when they are copied moves. Commands that run once
/// keep SQLite's default: their process may be gone before a background thread would be done.
final class IndexCheckpointer: @unchecked Sendable {
    /// SQLite's own mark (`PRAGMA wal_autocheckpoint`'s default).
    static let pages: Int32 = 1000

    /// Failures in a row after which SQLite's own checkpoints take over again.
    static let failuresAllowed = 3

    private let queue = DispatchQueue(label: "winnow-index-checkpoints", qos: .utility)
    private let lock = NSLock()
    private var asked = false
    private var gaveUp = false
    private var failures = 0
    /// The thread's own connection, opened with the checkpointer: one that cannot be opened
    /// leaves SQLite's checkpoints in place (see `RowIndex.checkpointInBackground`).
    private let connection: DatabaseQueue
    /// The connection whose checkpoints this one runs (to give them back, see above).
    private let main: DatabaseQueue
    private var runs = 0
    private let key: Int
    /// What the thread runs (tests put a failing one here).
    private let checkpoint: @Sendable (Database) throws -> Void

    init(path: String, main: DatabaseQueue,
         checkpoint: @escaping @Sendable (Database) throws -> Void = { db in _ = try db.checkpoint(.passive) }) throws {
        self.checkpoint = checkpoint
        var config = Configuration()
        config.label = "winnow-index-checkpoints"
        config.busyMode = .callback(RowIndex.waitWhileBusy)
        connection = try DatabaseQueue(path: path, configuration: config)
        self.main = main
        key = Self.register()
        Self.setLive(self, at: key)
    }

    deinit { Self.setLive(nil, at: key) }

    /// Takes over `db`'s checkpoints: SQLite's in-commit one is replaced (a connection has one
    /// WAL hook, and its automatic checkpoint is that hook), this one asks the thread.
    func install(on db: Database) {
        sqlite3_wal_hook(db.sqliteConnection, Self.hook, UnsafeMutableRawPointer(bitPattern: key))
    }

    /// Called by SQLite after every commit of the connection, with the WAL's size in pages.
    /// The context is a key, not a pointer: a commit after this object is gone finds nothing.
    private static let hook: @convention(c) (UnsafeMutableRawPointer?, OpaquePointer?, UnsafePointer<CChar>?, Int32) -> Int32 = {
        context, _, _, pages in
        if pages >= IndexCheckpointer.pages { IndexCheckpointer.live(at: Int(bitPattern: context))?.ask() }
        return SQLITE_OK
    }

    /// One checkpoint on the thread, unless one is already asked for.
    func ask() {
        lock.lock()
        defer { lock.unlock() }
        guard !asked, !gaveUp else { return }
        asked = true
        queue.async { [self] in
            var failed = false
            do {
                try connection.writeWithoutTransaction { db in try checkpoint(db) }
            } catch let error as DatabaseError where [.SQLITE_BUSY, .SQLITE_LOCKED].contains(error.resultCode.primaryResultCode) {
                // Another connection is checkpointing (a box-mate's thread, a command's commit):
                // PASSIVE says so at once instead of waiting. Not a failure: the WAL is being copied.
            } catch {
                failed = true
            }
            lock.lock()
            asked = false
            runs += 1
            failures = failed ? failures + 1 : 0
            let giveUp = failures >= Self.failuresAllowed && !gaveUp
            if giveUp { gaveUp = true }
            lock.unlock()
            // SQLite's automatic checkpoint is a WAL hook too: setting it replaces this one.
            if giveUp { main.writeWithoutTransaction { db in _ = sqlite3_wal_autocheckpoint(db.sqliteConnection, Self.pages) } }
        }
    }

    /// Whether the thread gave the checkpoints back to SQLite (tests).
    var gaveUpCheckpoints: Bool {
        lock.lock()
        defer { lock.unlock() }
        return gaveUp
    }

    /// Checkpoints run so far, after waiting for one under way (the tests' window on the thread).
    func checkpointsRun() -> Int {
        queue.sync {}
        lock.lock()
        defer { lock.unlock() }
        return runs
    }

    /// Holds the thread's work until `resume` (tests: a commit past the mark must not wait for
    /// a checkpoint). `checkpointsRun` waits for the thread, so it must not be called between.
    func pause() { queue.suspend() }
    func resume() { queue.resume() }

    // Checkpointers by key, for the C hook.
    private static let registryLock = NSLock()
    nonisolated(unsafe) private static var lastKey = 0
    nonisolated(unsafe) private static var byKey: [Int: Weak] = [:]
    private struct Weak { weak var checkpointer: IndexCheckpointer? }

    private static func register() -> Int {
        registryLock.lock()
        defer { registryLock.unlock() }
        lastKey += 1
        return lastKey
    }

    private static func setLive(_ checkpointer: IndexCheckpointer?, at key: Int) {
        registryLock.lock()
        defer { registryLock.unlock() }
        byKey[key] = checkpointer.map { Weak(checkpointer: $0) }
    }

    private static func live(at key: Int) -> IndexCheckpointer? {
        registryLock.lock()
        defer { registryLock.unlock() }
        return byKey[key]?.checkpointer
    }
}
