import Foundation
import GRDB
import GRDBSQLite
import WinnowCore

/// The queue plan's storage: which rows have a place in `queue`, and putting rows there. Where a
/// row goes (its rank, sample, overlap and key) is the review queue's rule (`QueuePlan`); this
/// file only reads the rows it needs and writes the places it is given.
///
/// A plan is built in two steps so a reviewer sees a row before a million are placed: one read
/// of every unplanned row (cheap: its id, slice and state), then the places written in serving
/// order, a batch per transaction. Each batch reads its rows again inside its own transaction,
/// so a row decided, flagged or re-sliced meanwhile is placed as it is now, never as it was.
extension RowIndex {
    /// Where the stored plan stands.
    public struct QueuePlanStatus: Equatable, Sendable {
        /// The settings the stored plan was made with (nil: never planned).
        public var fingerprint: String?
        /// A row lost its place since the last finished plan (its slice changed): the next
        /// plan looks at every row. The mark's value, so a plan clears only the mark it saw.
        public var dirty: String?
        /// Every row up to here has a place.
        public var plannedThrough: Int64
        /// The last row in the index.
        public var lastRow: Int64

        /// Whether the stored plan places every row under `fingerprint`'s settings.
        public func isCurrent(_ fingerprint: String) -> Bool {
            self.fingerprint == fingerprint && dirty == nil && plannedThrough == lastRow
        }
    }

    /// One cached statement: every `next` of a running session asks (another process may have
    /// imported rows or planned again since), so it must cost microseconds, not four prepares.
    public func queuePlanStatus() throws -> QueuePlanStatus {
        try read { db in
            let row = try Row.fetchOne(db.cachedStatement(sql: """
                SELECT (SELECT value FROM meta WHERE key = 'queue_plan') AS fingerprint,
                       (SELECT value FROM meta WHERE key = 'queue_dirty') AS dirty,
                       (SELECT value FROM meta WHERE key = 'queue_planned_n') AS planned,
                       (SELECT MAX(n) FROM rows) AS last
                """))
            return QueuePlanStatus(fingerprint: row?["fingerprint"], dirty: row?["dirty"],
                                   plannedThrough: Int64(row?["planned"] as String? ?? "") ?? 0, lastRow: row?["last"] ?? 0)
        }
    }

    /// Forgets every place (the settings changed) and stores the new settings' fingerprint and
    /// flag policies, in one transaction.
    public func resetQueuePlan(fingerprint: String, flagPolicies: [String: String]) throws {
        try write { db in
            try db.execute(sql: "DELETE FROM queue")
            try db.execute(sql: "DELETE FROM meta WHERE key IN ('queue_planned_n', 'queue_dirty')")
            try Self.setFlagPolicies(flagPolicies, in: db)
            try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES ('queue_plan', ?)", arguments: [fingerprint])
        }
    }

    /// Refuses to go on with a plan made under settings that are no longer the stored ones
    /// (another process planned again under changed settings, or a reindex cleared the plan).
    static func requirePlan(_ fingerprint: String, in db: Database) throws {
        guard try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'queue_plan'") == fingerprint else {
            throw WorkspaceError.queuePlanChanged
        }
    }

    /// A row without a place, as the plan needs it.
    public struct UnplannedRow {
        public var n: Int64
        /// The id's UTF-8 bytes, valid only inside the callback (no String per row).
        public var id: UnsafeRawBufferPointer
        public var slice: String?
        public var pending: Bool
        public var flagged: Bool

        public init(n: Int64, id: UnsafeRawBufferPointer, slice: String?, pending: Bool, flagged: Bool) {
            self.n = n
            self.id = id
            self.slice = slice
            self.pending = pending
            self.flagged = flagged
        }
    }

    /// Every row up to `through` with no place in the queue (after `after` only, unless the
    /// plan was marked dirty), in row order. Read with the C API: a million rows through GRDB's
    /// `Row` cost seconds.
    public func forEachUnplannedRow(after: Int64, through: Int64, _ body: (UnplannedRow) throws -> Void) throws {
        try read { db in
            // Ascending, like the rows: walked beside them, not looked up in a hash set.
            let flagged = try Int64.fetchAll(db, sql: """
                SELECT DISTINCT n FROM flags WHERE \(Self.queuingFlagCondition) AND n > ? AND n <= ? ORDER BY n
                """, arguments: [after, through])
            // Right after an import no row past `after` has a place yet, and the look-up of
            // each row in the queue can go (a fifth of a million-row scan). A plan left half
            // built by a reviewer who quit placed some: then each row is looked up.
            let placedAfter = try Bool.fetchOne(db, sql: "SELECT 1 FROM queue WHERE n > ? AND n <= ? LIMIT 1", arguments: [after, through]) ?? false
            let stmt = try db.makeStatement(sql: """
                SELECT n, id, slice, state = 'pending' FROM rows WHERE n > ? AND n <= ?
                \(placedAfter ? "AND NOT EXISTS (SELECT 1 FROM queue WHERE queue.n = rows.n)" : "") ORDER BY n
                """)
            try stmt.setArguments([after, through])
            let s = stmt.sqliteStatement
            // One String per distinct slice (a handful), found by its bytes: not one per row.
            var slices: [(bytes: [UInt8], name: String)] = []
            func slice(_ p: UnsafePointer<UInt8>, _ count: Int) -> String {
                let bytes = UnsafeBufferPointer(start: p, count: count)
                if let known = slices.first(where: { $0.bytes.elementsEqual(bytes) }) { return known.name }
                let name = String(decoding: bytes, as: UTF8.self)
                slices.append((Array(bytes), name))
                return name
            }
            var nextFlagged = 0
            while try Self.step(s, in: db) {
                let n = sqlite3_column_int64(s, 0)
                let id = UnsafeRawBufferPointer(start: sqlite3_column_text(s, 1), count: Int(sqlite3_column_bytes(s, 1)))
                var name: String?
                if sqlite3_column_type(s, 2) != SQLITE_NULL, let p = sqlite3_column_text(s, 2) {
                    name = slice(p, Int(sqlite3_column_bytes(s, 2)))
                }
                while nextFlagged < flagged.count && flagged[nextFlagged] < n { nextFlagged += 1 }
                let isFlagged = nextFlagged < flagged.count && flagged[nextFlagged] == n
                try body(UnplannedRow(n: n, id: id, slice: name, pending: sqlite3_column_int(s, 3) == 1, flagged: isFlagged))
            }
        }
    }

    /// A row's place in the queue (see `createQueueTables`).
    public struct QueuePlace: Sendable {
        public var rank: Int
        public var sampled: Bool
        public var overlap: Bool
        public var key: Int64
        public var flagged: Bool
        public var open: Bool

        public init(rank: Int, sampled: Bool, overlap: Bool, key: Int64, flagged: Bool, open: Bool) {
            self.rank = rank
            self.sampled = sampled
            self.overlap = overlap
            self.key = key
            self.flagged = flagged
            self.open = open
        }
    }

    /// Gives the rows `numbers` their places, in one transaction: each row is read again here
    /// (so `place` sees its slice, state and flags as they are now), rows placed meanwhile (by
    /// another process's plan) are left alone, and rows with decisions get the full reopen rule
    /// (an overlap row may still need its second reviewer). Returns how many rows it placed.
    ///
    /// `bulk`: the order index is dropped for the batch and built again, sorted, at its end
    /// (inside the same transaction, so no reader ever finds it missing): for a batch of most
    /// of a million rows that is several times faster than keeping it up to date row by row.
    @discardableResult
    public func placeInQueue(_ numbers: [Int64], fingerprint: String, bulk: Bool = false,
                             place: (UnplannedRow) -> QueuePlace) throws -> Int {
        guard !numbers.isEmpty else { return 0 }
        let list = "[" + numbers.map(String.init).joined(separator: ",") + "]"
        return try write { db in
            try Self.requirePlan(fingerprint, in: db)
            if bulk { try db.execute(sql: "DROP INDEX IF EXISTS queue_open_order") }
            let flagged = Set(try Int64.fetchAll(db, sql: """
                SELECT DISTINCT n FROM flags WHERE \(Self.queuingFlagCondition) AND n IN (SELECT value FROM json_each(?))
                """, arguments: [list]))
            let decided = try Int64.fetchAll(db, sql: "SELECT DISTINCT n FROM decisions WHERE n IN (SELECT value FROM json_each(?))",
                                             arguments: [list])
            let select = try db.makeStatement(sql: """
                SELECT n, id, slice, state = 'pending' FROM rows
                WHERE n IN (SELECT value FROM json_each(?)) AND NOT EXISTS (SELECT 1 FROM queue WHERE queue.n = rows.n)
                """)
            try select.setArguments([list])
            let insert = try db.makeStatement(sql: """
                INSERT INTO queue(n, slice_rank, sampled, overlap, key, flagged, open) VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
            let s = select.sqliteStatement
            var placed: [(Int64, QueuePlace)] = []
            placed.reserveCapacity(numbers.count)
            while try Self.step(s, in: db) {
                let n = sqlite3_column_int64(s, 0)
                let id = UnsafeRawBufferPointer(start: sqlite3_column_text(s, 1), count: Int(sqlite3_column_bytes(s, 1)))
                let slice = sqlite3_column_type(s, 2) == SQLITE_NULL ? nil : sqlite3_column_text(s, 2).map { String(cString: $0) }
                placed.append((n, place(UnplannedRow(n: n, id: id, slice: slice, pending: sqlite3_column_int(s, 3) == 1,
                                                     flagged: flagged.contains(n)))))
            }
            for (n, p) in placed {
                try insert.execute(arguments: [n, p.rank, p.sampled, p.overlap, p.key, p.flagged, p.open])
            }
            let placedNumbers = Set(placed.map(\.0))
            for n in decided where placedNumbers.contains(n) { try Self.reopen(n, in: db) }
            if bulk { try Self.createQueueOrderIndex(db) }
            return placed.count
        }
    }

    /// Steps a statement read through the C API: true with a row ready, false at its end.
    static func step(_ statement: OpaquePointer, in db: Database) throws -> Bool {
        let status = sqlite3_step(statement)
        if status == SQLITE_DONE { return false }
        guard status == SQLITE_ROW else {
            throw DatabaseError(resultCode: ResultCode(rawValue: status), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
        return true
    }

    /// Ends a plan that started from `started`: every row up to `through` has a place. The
    /// "a row lost its place" mark is cleared only if it is still the one the plan saw.
    public func finishQueuePlan(through: Int64, started: QueuePlanStatus, fingerprint: String) throws {
        try write { db in
            try Self.requirePlan(fingerprint, in: db)
            if let dirty = started.dirty {
                try db.execute(sql: "DELETE FROM meta WHERE key = 'queue_dirty' AND value = ?", arguments: [dirty])
            }
            let stored = try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'queue_planned_n'") ?? 0
            guard through > stored else { return }
            try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES ('queue_planned_n', ?)", arguments: ["\(through)"])
        }
    }
}
