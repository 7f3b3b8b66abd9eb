import Foundation
import GRDB
import ProvenanceLog
import WinnowCore

/// The review queue's derived tables. `queue` holds each row's place (slice rank, whether it is
/// in the review sample, whether it goes to two reviewers, its pseudo-random key) and whether it
/// still needs a reviewer; `claims` holds the short leases of rows on someone's screen. Both are
/// rebuilt from the log and the config like everything else in the index.
extension RowIndex {
    static func createQueueTables(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE IF NOT EXISTS queue (
                n INTEGER PRIMARY KEY REFERENCES rows(n),
                slice_rank INTEGER NOT NULL, sampled INTEGER NOT NULL, overlap INTEGER NOT NULL,
                flagged INTEGER NOT NULL DEFAULT 0, key INTEGER NOT NULL,
                open INTEGER NOT NULL DEFAULT 1);  -- 1 while the row still needs a reviewer
            CREATE TABLE IF NOT EXISTS flag_policy (  -- gates whose flags do not queue a row
                gate TEXT PRIMARY KEY, policy TEXT NOT NULL) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS claims (
                n INTEGER PRIMARY KEY REFERENCES rows(n), uid INTEGER NOT NULL, reviewer TEXT NOT NULL,
                holder TEXT NOT NULL,  -- one reviewing process: the same person in two terminals holds two
                expires REAL NOT NULL);
            """)
        try createQueueOrderIndex(db)
    }

    /// Whether a row still needs a reviewer: in the sample or flagged by a gate whose flags go
    /// to review, not decided (or an overlap row with one reviewer so far), not rejected by a
    /// gate, not waiting for adjudication.
    static func reopenRow(_ n: Int64, in db: Database) throws { try reopen(n, in: db) }

    /// The condition (over `flags`) for a gate finding that sends a row to a reviewer: any flag
    /// or rejection but the classifier's slice tag, unless `[gates.on_flag]` says the gate's
    /// flags are only excluded or ignored (kept in `flag_policy` by the queue plan).
    static let queuingFlagCondition = """
        flags.action != 'tag' AND (flags.action = 'reject' OR flags.gate NOT IN (SELECT gate FROM flag_policy))
        """

    /// Stores which gates' flags do not queue a row (the others, the default, do).
    static func setFlagPolicies(_ policies: [String: String], in db: Database) throws {
        try db.cachedStatement(sql: "DELETE FROM flag_policy").execute()
        for (gate, policy) in policies.sorted(by: { $0.key < $1.key }) where policy != "review" {
            try db.cachedStatement(sql: "INSERT INTO flag_policy(gate, policy) VALUES (?, ?)").execute(arguments: [gate, policy])
        }
    }

    /// The index `winnow next` walks (`INDEXED BY queue_open_order`): open rows by slice rank,
    /// flagged first, overlap next, key. Only open rows are in it: most of a big import is
    /// outside the review sample, and keeping those out makes the index a quarter of the size,
    /// building it after a plan a quarter of the time (it was 1.4 of the 6 s a million-row plan
    /// took), and placing them in the queue free of index work. Indexes made by older winnows
    /// (`queue_order`, every row) are dropped here.
    static func createQueueOrderIndex(_ db: Database) throws {
        try db.execute(sql: """
            DROP INDEX IF EXISTS queue_order;
            CREATE INDEX IF NOT EXISTS queue_open_order ON queue(slice_rank, flagged DESC, overlap DESC, key) WHERE open = 1
            """)
    }

    /// A claim as reindex carries it over: by row id, since row numbers are the index's own.
    struct HeldClaim {
        var id: String
        var uid: Int64
        var reviewer: String
        var holder: String
        var expires: Double
    }

    /// The live claims. Claims are not derived from the log (they are who has which row on
    /// screen right now): a reindex that dropped them let a second reviewer be served a row
    /// someone was reading.
    static func liveClaims(_ db: Database) throws -> [HeldClaim] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT rows.id, claims.uid, claims.reviewer, claims.holder, claims.expires FROM claims JOIN rows ON rows.n = claims.n"))
            .map { HeldClaim(id: $0["id"], uid: $0["uid"], reviewer: $0["reviewer"], holder: $0["holder"], expires: $0["expires"]) }
    }

    /// Puts claims back after a replay, on the rows that still exist.
    static func restoreClaims(_ claims: [HeldClaim], in db: Database) throws {
        for c in claims {
            try db.cachedStatement(sql: """
                INSERT OR REPLACE INTO claims(n, uid, reviewer, holder, expires) SELECT n, ?, ?, ?, ? FROM rows WHERE id = ?
                """).execute(arguments: [c.uid, c.reviewer, c.holder, c.expires, c.id])
        }
    }

    /// Takes a row out of the queue plan (its slice changed); the next plan puts it back.
    static func unplan(_ n: Int64, in db: Database) throws {
        try db.cachedStatement(sql: "DELETE FROM queue WHERE n = ?").execute(arguments: [n])
        try markQueueDirty(db)
    }

    /// Says the next plan must look at every row (one lost its place). A counter, not a flag:
    /// a plan takes the value it started from and clears the mark only if nobody raised it
    /// since, so a row unplanned during a plan, or a plan that never finished, still gets its
    /// place from the next one.
    static func markQueueDirty(_ db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO meta(key, value) VALUES ('queue_dirty', '1')
            ON CONFLICT(key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)
            """).execute()
    }

    static func reopen(_ n: Int64, in db: Database) throws {
        guard let q = try Row.fetchOne(db.cachedStatement(sql: "SELECT sampled, overlap FROM queue WHERE n = ?"), arguments: [n]) else { return }
        let state = RowState(stored: try String.fetchOne(db.cachedStatement(sql: "SELECT state FROM rows WHERE n = ?"), arguments: [n]))
        let flagged = try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM flags WHERE n = ? AND \(queuingFlagCondition)"), arguments: [n]) ?? false
        var open = false
        if (q["sampled"] as Int) == 1 || flagged {
            switch state {
            case .pending: open = true
            case .accepted, .edited, .rejected:
                if (q["overlap"] as Int) == 1 {
                    let reviewers = try Int.fetchOne(db.cachedStatement(sql: """
                        SELECT COUNT(DISTINCT uid) FROM decisions WHERE n = ? AND standing = 1
                        """), arguments: [n]) ?? 0
                    open = reviewers < 2
                }
            default: open = false
            }
        }
        try db.cachedStatement(sql: "UPDATE queue SET open = ?, flagged = ? WHERE n = ?").execute(arguments: [open, flagged, n])
    }
}

extension RowIndex {
    /// Appends entries in one locked batch (one write, one fdatasync) and applies each to the
    /// index once it is on disk. The index's log position moves only when nobody else appended
    /// in between; otherwise the next open replays the gap (applying is idempotent). `then`
    /// runs after the entries' apply, in its transaction.
    public func appendAndApply(
        _ payloads: [any LogPayload], to log: any LogAppender, apply: (LogEntry, Database) throws -> Void,
        then: (Database) throws -> Void = { _ in }
    ) throws -> [LogEntry] {
        guard !payloads.isEmpty else { return [] }
        let before = try logPosition()
        let entries = try log.append(payloads)
        do {
            try write { db in
                for entry in entries { try apply(entry, db) }
                if let first = entries.first, let last = entries.last, first.seq == before.seq + 1 {
                    try RowIndex.setLogPosition(db, seq: last.seq, hash: last.hash)
                }
                try then(db)
            }
        } catch {
            // The log is the truth and already holds them: say so, rather than let the caller
            // believe nothing happened. The index's log position did not move, so the next
            // open replays these entries.
            throw WorkspaceError.loggedButNotApplied(entries: entries, reason: (error as? UserFacingError)?.message ?? "\(error)")
        }
        return entries
    }
}
