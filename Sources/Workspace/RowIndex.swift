import Foundation
import GRDB
import WinnowCore

/// The derived index (`index.sqlite`): where each row sits in its source, its ids, hashes, shape,
/// slices and provenance, and which log entry it is current with. Everything in it can be
/// rebuilt from `sources/` and the log, so it may be deleted at any time; it exists so that
/// queues and listings over a million rows answer in milliseconds.
///
/// It is also the storage boundary: every statement the layers above need (claims and the
/// queue plan, decisions and history, gate flags, the trust statistics' aggregates, the mixer's
/// eligible-row scan) is a named operation in a `RowIndex+*` file, taking and returning
/// WinnowCore types (`RowState`, `Verdict`, `GateAction`) and named structs. No SQL, GRDB type
/// or column position crosses it, so ReviewQueue, Mixer, Workbench and the executable do not
/// know the schema, and a second store can implement the same operations.
public final class RowIndex {
    public let path: String
    /// Read-write, or read-only (see RowIndex+ReadOnly): then `db` is the file opened read-only,
    /// opened immutable, or a private copy in memory.
    public let access: Access
    /// The connection. Replaced only in a read-only index, by its copy in memory, the first
    /// time something must be written (see `write`); read-only commands run on one thread.
    var db: DatabaseQueue
    var backing: Backing
    /// Why a read-only index was not read from its file but starts empty in memory (missing,
    /// made by another version, not readable here): the session replays the whole log into it.
    public internal(set) var unreadable: String?
    /// Set by `checkpointInBackground`: the WAL's checkpoints run on a thread of their own.
    private(set) var checkpointer: IndexCheckpointer?
    /// 9: a reread sets aside the decisions of rows it reads as another text (an index built
    /// before replays older `reread` entries the old way, so it is rebuilt from the log).
    static let schemaVersion = 9
    /// Statements with fixed SQL on the per-decision path (claims, a decision's apply, the log
    /// position, a row by id) are GRDB's cached statements (`db.cachedStatement`), compiled once
    /// per connection: compiled every time, SQLite's parser and GRDB's authorizer took a quarter
    /// of a store reviewer's CPU (perf, `winnow-bench store`). SQL built from a listing's filters
    /// is compiled as it comes, except `isServable`'s (a few variants: adjudication, the kind of
    /// slice, how many slices are hidden), so the cache holds a few dozen statements.
    ///
    /// Every connection's settings besides WAL mode; a bulk load changes them and puts them back.
    static let connectionSettings = "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536"

    /// Opens (creating it when missing) the index at `path`; `access: .readOnly` opens it for a
    /// command that only reads: read-write as usual when this user can write it (see
    /// `writableHere`), else read-only, creating nothing (see RowIndex+ReadOnly).
    public init(path: String, access: Access = .readWrite) throws {
        self.path = path
        self.access = access
        ProcessSettings.forSQLite()
        if access == .readOnly && !Self.writableHere(path) {
            let opened = try Self.openReadOnly(path)
            db = opened.db
            backing = opened.backing
            unreadable = opened.unreadable
            if backing == .memory { try migrate() }
            return
        }
        do {
            db = try Self.openReadWrite(path)
            backing = .writable
            try migrate()
        } catch let error as DatabaseError {
            throw Self.unusable(path, error)
        }
    }

    /// How a connection waits for another process's transaction on the index: tries again
    /// every 100 µs for the first 10 ms, then every millisecond, and gives up after about 30 s
    /// (SQLITE_BUSY, reported as the index being busy). SQLite's own timeout sleeps 1, 2, 5,
    /// 10, 15, 20, 25 ms... between tries, so a claim that met a box-mate's millisecond-long
    /// write waited up to 8 ms, and one that met a catch-up 30-50 ms: the tail of a store
    /// reviewer's next (the store benchmark: local claims' max 34-66 ms).
    static let waitWhileBusy: Database.BusyCallback = { tries in
        if tries < 100 {
            usleep(100)
            return true
        }
        guard tries < 100 + 30_000 else { return false }
        usleep(1000)
        return true
    }

    static func openReadWrite(_ path: String) throws -> DatabaseQueue {
        var config = Configuration()
        config.label = "winnow-index"
        config.busyMode = .callback(RowIndex.waitWhileBusy)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL; " + RowIndex.connectionSettings)
        }
        let db = try DatabaseQueue(path: path, configuration: config)
        // SQLite creates files 0644 (0640 under winnow's umask); every reviewer in the
        // workspace's group updates the index, and the -wal/-shm files copy this mode. Only
        // when it differs: a chmod changes the file's ctime, which a reader of the index in
        // `immutable` mode takes (rightly) for a rewrite under it.
        var st = stat()
        if stat(path, &st) == 0, st.st_mode & 0o777 != 0o660 { chmod(path, 0o660) }
        return db
    }

    /// For a session that writes row after row while someone waits on each (a review screen):
    /// the WAL's checkpoints move off the commits onto a thread of their own (see
    /// `IndexCheckpointer`). Only an index written in its file; once per index. When the
    /// thread's connection cannot be opened, SQLite's own checkpoints stay.
    public func checkpointInBackground() {
        guard backing == .writable, checkpointer == nil,
              let checkpointer = try? IndexCheckpointer(path: path, main: db) else { return }
        db.writeWithoutTransaction { db in checkpointer.install(on: db) }
        self.checkpointer = checkpointer
    }

    /// A SQLite failure as the error a person can act on (damaged, disk full, read-only, ...).
    static func unusable(_ path: String, _ error: DatabaseError) -> WorkspaceError {
        .indexUnusable(path: path, failure: IndexFailure(sqliteCode: error.resultCode.primaryResultCode.rawValue),
                       detail: error.message ?? "\(error)")
    }

    func migrate() throws {
        try db.write { db in
            // The index is derived: one made by another version is dropped and rebuilt from the
            // log (the session replays everything when the log position is gone).
            if try db.tableExists("meta") {
                let version = try String.fetchOne(db.cachedStatement(sql: "SELECT value FROM meta WHERE key = 'schema'"))
                if version != "\(Self.schemaVersion)" {
                    for table in ["gate_keys", "queue", "flag_policy", "decisions", "claims", "flags", "rows", "sources", "meta"] { try db.execute(sql: "DROP TABLE IF EXISTS \(table)") }
                }
            }
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS sources (
                    id INTEGER PRIMARY KEY, sha TEXT NOT NULL UNIQUE, file TEXT NOT NULL,
                    bytes INTEGER NOT NULL, rows INTEGER NOT NULL, quarantined INTEGER NOT NULL,
                    seq INTEGER NOT NULL,
                    options TEXT NOT NULL DEFAULT '{}');  -- the import's replay options, canonical JSON
                CREATE TABLE IF NOT EXISTS rows (
                    n INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    source INTEGER NOT NULL REFERENCES sources(id), line INTEGER NOT NULL,
                    offset INTEGER NOT NULL, length INTEGER NOT NULL,
                    content_hash BLOB NOT NULL, shape TEXT NOT NULL, origin TEXT NOT NULL,
                    generator TEXT, template TEXT, seed TEXT, temperature REAL, created TEXT,
                    judge_score REAL, slice TEXT,
                    slices TEXT,  -- comma-separated, only when a row has more than one
                    tagged INTEGER NOT NULL DEFAULT 0,  -- 1 when the slice came from the classifier
                    state TEXT NOT NULL DEFAULT 'pending' CHECK (\(RowIndex.oneOf("state", RowState.allCases.map(\.rawValue)))));
                CREATE TABLE IF NOT EXISTS flags (
                    n INTEGER NOT NULL REFERENCES rows(n), gate TEXT NOT NULL,
                    reason TEXT NOT NULL, action TEXT NOT NULL, detail TEXT, seq INTEGER NOT NULL,
                    PRIMARY KEY (n, gate)) WITHOUT ROWID;
                """)
            // Earlier versions indexed every row by (slice, state): a third of every import's
            // SQLite work, for the one query that looks rows up by state, adjudication's `next`
            // (the per-slice summary and the mix group every row and sort them either way). The
            // rows waiting for adjudication get an index of their own instead: new rows are
            // 'pending', so an import never touches it.
            try db.execute(sql: """
                DROP INDEX IF EXISTS rows_slice_state;
                CREATE INDEX IF NOT EXISTS rows_adjudication ON rows(n) WHERE state = 'adjudication'
                """)
            try Self.createDecisionTables(db)
            try Self.createQueueTables(db)
            try Self.createGateKeyTable(db)
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO meta(key, value) VALUES ('schema', ?)").execute(arguments: ["\(Self.schemaVersion)"])
        }
    }

    /// The log entry the index is current with (seq 0 and an empty hash when new).
    public func logPosition() throws -> (seq: Int, hash: String) {
        try read { db in try Self.logPosition(db) }
    }

    static func logPosition(_ db: Database) throws -> (seq: Int, hash: String) {
        let seq = try String.fetchOne(db.cachedStatement(sql: "SELECT value FROM meta WHERE key = 'log_seq'")).flatMap(Int.init) ?? 0
        let hash = try String.fetchOne(db.cachedStatement(sql: "SELECT value FROM meta WHERE key = 'log_hash'")) ?? ""
        return (seq, hash)
    }

    static func setLogPosition(_ db: Database, seq: Int, hash: String) throws {
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES ('log_seq', ?), ('log_hash', ?)").execute(arguments: ["\(seq)", hash])
    }

    /// A read: one deferred transaction, so its statements see one state of the index.
    ///
    /// Not GRDB's `read`: a queue's read brackets the transaction with `PRAGMA query_only`, and
    /// setting a flag pragma makes SQLite expire every compiled statement of the connection, so
    /// each read threw the statement cache away (`sqlite3Reprepare` was a sixth of a store
    /// reviewer's CPU). What that pragma guarded, a read that writes, is this type's to avoid:
    /// the bodies are its own, and write through `write`.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        var result: T?
        do {
            try db.unsafeRead { db in
                try db.inTransaction(.deferred) {
                    result = try body(db)
                    return .commit
                }
            }
        } catch let error as DatabaseError {
            throw Self.unusable(path, error)
        }
        try checkUnchanged()
        guard let result else { preconditionFailure("a read that returned without a value or an error") }
        return result
    }

    /// A write. A read-only index only ever writes derived data (catching up with the log, the
    /// queue plan: its session's log refuses every append), to the file when this user can
    /// write it, else to a private copy in memory (see `prepareToWrite`).
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        if backing != .writable && backing != .memory { try prepareToWrite() }
        do { return try db.write(body) } catch let error as DatabaseError {
            throw Self.unusable(path, error)
        }
    }

    public func hasSource(_ sha: String) throws -> Bool {
        try read { try Bool.fetchOne($0, sql: "SELECT 1 FROM sources WHERE sha = ?", arguments: [sha]) ?? false }
    }

    public func rowCount() throws -> Int {
        try read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM rows") ?? 0 }
    }

    /// Drops everything derived, keeping the schema (reindex starts from here).
    public func clear() throws {
        try write { db in try Self.clear(db) }
    }

    /// `clear` inside the caller's transaction (reindex clears and replays in one, so a replay
    /// that fails leaves the index as it was).
    static func clear(_ db: Database) throws {
        try db.execute(sql: "DELETE FROM queue; DELETE FROM claims; DELETE FROM decisions; DELETE FROM uncounted_decisions; DELETE FROM flags; DELETE FROM gate_keys; DELETE FROM rows; DELETE FROM sources; DELETE FROM meta WHERE key IN ('log_seq', 'log_hash', 'queue_plan', 'queue_planned_n', 'queue_dirty', 'gated_n', 'gated_config', 'gates_wanted_n', 'gate_keys_n', 'gate_keys_config')")
    }
}

/// One row as the index stores it.
public struct IndexedRow: Sendable, Equatable {
    public var id: String
    public var source: String
    public var line: Int
    public var offset: Int64
    public var length: Int64
    public var contentHash: String
    public var shape: RowShape
    public var provenance: Provenance
    public var state: RowState
    /// The slice came from the classifier, not from the row or the import flags.
    public var sliceTagged: Bool

    init(row: Row) {
        id = row["id"]
        source = row["source_sha"]
        line = row["line"]
        offset = row["offset"]
        length = row["length"]
        contentHash = (row["content_hash"] as Data?).flatMap { Digest(bytes: $0) }?.hex ?? ""
        shape = RowShape(rawValue: row["shape"]) ?? .chat
        var p = Provenance()
        p.origin = Origin(rawValue: row["origin"]) ?? .unknown
        p.generator = row["generator"]
        p.template = row["template"]
        p.seed = row["seed"]
        p.temperature = row["temperature"]
        p.created = row["created"]
        p.judgeScore = row["judge_score"]
        let slices: String? = row["slices"]
        let slice: String? = row["slice"]
        p.slices = slices.map { $0.split(separator: ",").map(String.init) } ?? slice.map { [$0] } ?? []
        provenance = p
        state = RowState(stored: row["state"])
        sliceTagged = (row["tagged"] as Int?) == 1
    }
}

extension RowIndex {
    /// Every row in import order (for reindex equivalence checks and listings).
    public func allRows() throws -> [IndexedRow] {
        try read { db in try Row.fetchAll(db, sql: Self.rowSelect + " ORDER BY rows.n").map(IndexedRow.init) }
    }

    static let rowSelect = "SELECT rows.*, sources.sha AS source_sha FROM rows JOIN sources ON sources.id = rows.source"

    /// Up to `limit` rows after row number `after`, in import order (for passes over every row
    /// that must not hold them all).
    public func rows(after: Int64, limit: Int) throws -> [(n: Int64, row: IndexedRow)] {
        try read { db in
            try Row.fetchAll(db, sql: Self.rowSelect + " WHERE rows.n > ? ORDER BY rows.n LIMIT ?", arguments: [after, limit])
                .map { ($0["n"], IndexedRow(row: $0)) }
        }
    }

    public func row(id: String) throws -> IndexedRow? {
        try read { db in try Row.fetchOne(db.cachedStatement(sql: Self.rowSelect + " WHERE rows.id = ?"), arguments: [id]).map(IndexedRow.init) }
    }
}

extension RowIndex {
    /// A CHECK condition admitting only `values` in `column`, written as equalities joined by
    /// OR rather than `column IN (...)`: SQLite builds an IN list's lookup table each time a
    /// statement runs, and the bulk load runs its insert once per row (a million-row import
    /// took 4.1 s instead of 3.1 s); equalities, the commonest value first, cost nothing we
    /// could measure. The values are our own enums' names, never input.
    static func oneOf(_ column: String, _ values: [String]) -> String {
        values.map { "\(column) = '\($0)'" }.joined(separator: " OR ")
    }
}

extension RowState {
    /// A state as the index stores it. The schema's CHECK admits only `RowState`'s raw values
    /// (and an index of another schema version is rebuilt, not read), so a value outside them
    /// cannot come back; nil (a LEFT JOIN without a row) reads as `pending`.
    init(stored text: String?) {
        self = text.flatMap(RowState.init(rawValue:)) ?? .pending
    }
}
