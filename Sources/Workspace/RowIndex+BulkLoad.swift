import GRDB

extension RowIndex {
    /// Puts the index in rollback-journal mode for one big write transaction; `endBulkLoad`
    /// puts it back in WAL mode. Returns false (and changes nothing) when another connection has
    /// the index open.
    ///
    /// Why: in WAL mode every page of a big import is written twice, once into the WAL and once
    /// more when the checkpoint at commit copies it into the database (reading it back first), and
    /// that checkpoint runs after the parsers have finished, with nothing to overlap it: 0.55 s
    /// of a million-row import on a quiet machine, over 1.5 s on a busy one. With a rollback
    /// journal SQLite writes the pages that grow the file straight into it and journals only the
    /// few pages that existed before, so a bulk load into a young index writes its rows once.
    ///
    /// Safety is unchanged: a killed import leaves a hot journal, which the next connection to
    /// open the index rolls back (every connection's first statement switches the index to WAL,
    /// and SQLite rolls a hot journal back before it changes modes), and the transaction is synced
    /// with `synchronous = FULL` while it lasts. The cost: while the import writes, other processes
    /// wait for it instead of reading the index as it was (up to the busy timeout), so only imports
    /// that bring more rows than the workspace has use it.
    func beginBulkLoad() throws -> Bool {
        try db.writeWithoutTransaction { db -> Bool in
            // Leaving WAL mode needs the index to itself: ask once, without waiting.
            let timeout = try Int.fetchOne(db, sql: "PRAGMA busy_timeout") ?? 0
            try db.execute(sql: "PRAGMA busy_timeout = 0")
            defer { try? db.execute(sql: "PRAGMA busy_timeout = \(timeout)") }
            guard let mode = try? String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE"), mode == "delete" else {
                return false
            }
            // A small page cache: the load's pages reach the file while the parsers still run
            // instead of all at the commit, with nothing left to overlap them.
            try db.execute(sql: "PRAGMA synchronous = FULL; PRAGMA cache_size = -8192")
            return true
        }
    }

    /// Back to WAL mode after `beginBulkLoad`. Best effort: every connection that opens the index
    /// switches it to WAL anyway.
    func endBulkLoad() {
        try? db.writeWithoutTransaction { db in
            try db.execute(sql: RowIndex.connectionSettings)
            _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
        }
    }

    /// Turns this connection's foreign key enforcement off or on (outside transactions only).
    func setForeignKeyChecks(_ on: Bool) throws {
        try db.writeWithoutTransaction { try $0.execute(sql: "PRAGMA foreign_keys = \(on ? "ON" : "OFF")") }
    }

    /// The current journal mode ("wal" normally), for tests.
    func journalMode() throws -> String {
        try db.writeWithoutTransaction { try String.fetchOne($0, sql: "PRAGMA journal_mode") ?? "" }
    }
}
