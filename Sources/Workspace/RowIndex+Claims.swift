import Foundation
import GRDB
import WinnowCore

// Claims: the short leases that keep a row on one reviewer's screen. Which row a reviewer is
// served and why is the review queue's rule (ReviewQueue's `QueueService`); this file finds the
// first servable row, writes the claim, and gives it back. A row is chosen and claimed in one
// write transaction, so two processes asking at once never get the same row.
//
// Every operation that claims first drops the claims whose lease ran out, in the same
// transaction: a lease that ran out frees its row for whoever asks next.

/// Who claims rows from the review queue: one reviewer (uid and name) in one process (`holder`,
/// its claim token: the same person's second terminal holds rows of its own), and the slices
/// kept from them (their config names a group the reviewer is not in).
public struct QueueClaimant: Sendable, Equatable {
    public var uid: Int
    public var reviewer: String
    public var holder: String
    public var hiddenSlices: [String]

    public init(uid: Int, reviewer: String, holder: String, hiddenSlices: [String]) {
        self.uid = uid
        self.reviewer = reviewer
        self.holder = holder
        self.hiddenSlices = hiddenSlices
    }
}

/// One slice asked for: a named one, or the rows no slice was given or found for.
public enum SliceFilter: Sendable, Equatable {
    case named(String)
    case unsliced
}

/// Where an open row stands in the queue, as `next` orders rows: slice rank, flagged first,
/// overlap next, then the row's pseudo-random key. `<` is that order, the one
/// `claimFirstServable`'s ORDER BY serves (a queue plan being built compares rows it has not
/// placed yet by it).
public struct QueuePosition: Sendable, Comparable {
    public var rank: Int
    public var flagged: Bool
    public var overlap: Bool
    public var key: Int64

    public init(rank: Int, flagged: Bool, overlap: Bool, key: Int64) {
        self.rank = rank
        self.flagged = flagged
        self.overlap = overlap
        self.key = key
    }

    /// The position a serving-order query read (`slice_rank`, `flagged`, `overlap`, `key`).
    init(_ row: Row) {
        self.init(rank: row["slice_rank"], flagged: row["flagged"] as Int == 1, overlap: row["overlap"] as Int == 1, key: row["key"])
    }

    public static func < (a: Self, b: Self) -> Bool {
        if a.rank != b.rank { return a.rank < b.rank }
        if a.flagged != b.flagged { return a.flagged }
        if a.overlap != b.overlap { return a.overlap }
        return a.key < b.key
    }
}

/// A row just claimed, with what the queue says about it (whether a gate flagged it, whether it
/// goes to two reviewers): the review queue says from these why the row is served.
public struct ClaimedRow: Sendable, Equatable {
    public var row: IndexedRow
    public var flagged: Bool
    public var overlap: Bool
}

extension RowIndex {
    /// Claims the first row servable to `claimant` (in the review queue, or waiting for
    /// adjudication with `adjudication`), leaving out the rows in `excluding`, until `expires`.
    /// `servableNow` sees the row's queue position before anything is written: false (a queue
    /// plan still being built may place a row before it) claims nothing and returns nil.
    public func claimFirstServable(
        for claimant: QueueClaimant, slice: SliceFilter?, adjudication: Bool, excluding: Set<String>,
        now: Double, expires: Double, servableNow: (QueuePosition) -> Bool
    ) throws -> ClaimedRow? {
        try write { db -> ClaimedRow? in
            try db.cachedStatement(sql: "DELETE FROM claims WHERE expires <= ?").execute(arguments: [now])
            let (sql, arguments) = Self.servingOrder(for: claimant, slice: slice, adjudication: adjudication, excluding: excluding,
                                                     liveAt: nil, limit: 1)
            guard let found = try Row.fetchOne(db, sql: sql, arguments: arguments) else { return nil }
            let position = QueuePosition(found)
            guard servableNow(position) else { return nil }
            let n: Int64 = found["n"]
            try db.cachedStatement(sql: "INSERT OR REPLACE INTO claims(n, uid, reviewer, holder, expires) VALUES (?, ?, ?, ?, ?)").execute(arguments: [n, claimant.uid, claimant.reviewer, claimant.holder, expires])
            let id: String = found["id"]
            guard let row = try Row.fetchOne(db, sql: Self.rowSelect + " WHERE rows.id = ?", arguments: [id]) else { return nil }
            return ClaimedRow(row: IndexedRow(row: row), flagged: position.flagged, overlap: position.overlap)
        }
    }

    /// The ids of the first rows (at most `limit`) `claimFirstServable` would serve `claimant`,
    /// in its order, claiming none: what a box asks a PostgreSQL store to choose from
    /// (`winnow_claim_first`). Only the rows up to the first `servableNow` refuses.
    public func servableCandidates(
        for claimant: QueueClaimant, slice: SliceFilter?, adjudication: Bool, excluding: Set<String>,
        now: Double, limit: Int, servableNow: (QueuePosition) -> Bool
    ) throws -> [String] {
        let (sql, arguments) = Self.servingOrder(for: claimant, slice: slice, adjudication: adjudication, excluding: excluding,
                                                 liveAt: now, limit: limit)
        let found = try read { db in try Row.fetchAll(db, sql: sql, arguments: arguments) }
        var ids: [String] = []
        for row in found {
            guard servableNow(QueuePosition(row)) else { break }
            ids.append(row["id"])
        }
        return ids
    }

    /// The first `limit` rows servable to `claimant`, in the order `next` serves them: their
    /// number, id and queue position. `liveAt`: see `servable`.
    private static func servingOrder(
        for claimant: QueueClaimant, slice: SliceFilter?, adjudication: Bool, excluding: Set<String>, liveAt: Double?, limit: Int
    ) -> (sql: String, arguments: StatementArguments) {
        var (conditions, arguments) = servable(to: claimant, slice: slice, adjudication: adjudication, liveAt: liveAt)
        if !excluding.isEmpty {
            // One argument (a JSON array) rather than one per id: the statement text stays
            // the same however many rows were skipped, so it is prepared once and cached.
            conditions.append("rows.id NOT IN (SELECT value FROM json_each(?))")
            arguments.append(JSONValue.array(excluding.sorted().map { .string($0) }).canonicalString)
        }
        let sql = """
            SELECT rows.n, rows.id, queue.flagged, queue.overlap, queue.slice_rank, queue.key FROM queue \(adjudication ? "" : "INDEXED BY queue_open_order")
            JOIN rows ON rows.n = queue.n
            WHERE \(conditions.joined(separator: " AND "))
            ORDER BY queue.slice_rank, queue.flagged DESC, queue.overlap DESC, queue.key
            LIMIT \(max(1, limit))
            """
        return (sql, StatementArguments(arguments))
    }

    /// Claims the row `id` if it is servable to `claimant` as `claimFirstServable` would serve
    /// it (nobody decided it meanwhile, nobody holds it, in a slice they may see); nil otherwise.
    /// Checked and claimed in one write transaction. `grantedByStore`: a PostgreSQL store has
    /// just granted the row to this claimant, so this box's notes that another box holds it
    /// are stale (one may have been written a moment ago, from a list the store gave another
    /// role's process before the grant reached this one) and are dropped first.
    public func claimIfServable(
        id: String, for claimant: QueueClaimant, slice: SliceFilter?, adjudication: Bool, now: Double, expires: Double,
        grantedByStore: Bool = false
    ) throws -> ClaimedRow? {
        try write { db in
            try Self.claimIfServable(
                id: id, for: claimant, slice: slice, adjudication: adjudication, now: now, expires: expires,
                grantedByStore: grantedByStore, in: db)
        }
    }

    /// `claimIfServable` inside a write transaction the caller holds (the one that also brings
    /// the index up to date with a store, `WorkspaceSession.claimGrantedRow`).
    static func claimIfServable(
        id: String, for claimant: QueueClaimant, slice: SliceFilter?, adjudication: Bool, now: Double, expires: Double,
        grantedByStore: Bool, in db: Database
    ) throws -> ClaimedRow? {
        var (conditions, arguments) = Self.servable(to: claimant, slice: slice, adjudication: adjudication)
        conditions.append("rows.id = ?")
        arguments.append(id)
        try db.cachedStatement(sql: "DELETE FROM claims WHERE expires <= ?").execute(arguments: [now])
        if grantedByStore {
            try db.cachedStatement(sql: "DELETE FROM claims WHERE holder LIKE 'store:%' AND n = (SELECT n FROM rows WHERE id = ?)")
                .execute(arguments: [id])
        }
        guard let n = try Int64.fetchOne(
            db, sql: "SELECT rows.n FROM queue JOIN rows ON rows.n = queue.n WHERE \(conditions.joined(separator: " AND "))",
            arguments: StatementArguments(arguments)),
            let row = try Row.fetchOne(db, sql: Self.rowSelect + " WHERE rows.id = ?", arguments: [id])
        else { return nil }
        return try Self.take(IndexedRow(row: row), n: n, for: claimant, expires: expires, in: db)
    }

    /// Claims the row `id` whatever its place in the queue (the row an undo brought back, a
    /// search hit), unless another process holds it or `mayClaim` refuses it (the caller's
    /// permission rule, asked inside the transaction); nil when it is held, refused or gone.
    public func claim(
        id: String, for claimant: QueueClaimant, now: Double, expires: Double, mayClaim: (IndexedRow) -> Bool
    ) throws -> ClaimedRow? {
        try write { db -> ClaimedRow? in
            try db.cachedStatement(sql: "DELETE FROM claims WHERE expires <= ?").execute(arguments: [now])
            guard let row = try Row.fetchOne(db, sql: Self.rowSelect + " WHERE rows.id = ?", arguments: [id]) else { return nil }
            let indexed = IndexedRow(row: row)
            guard mayClaim(indexed) else { return nil }
            let n: Int64 = row["n"]
            if try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM claims WHERE n = ? AND holder != ?"), arguments: [n, claimant.holder]) != nil { return nil }
            return try Self.take(indexed, n: n, for: claimant, expires: expires, in: db)
        }
    }

    /// Writes the claim on a row and reads its queue flags (a row without a place reads as
    /// neither flagged nor overlap).
    private static func take(_ indexed: IndexedRow, n: Int64, for claimant: QueueClaimant, expires: Double, in db: Database) throws -> ClaimedRow {
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO claims(n, uid, reviewer, holder, expires) VALUES (?, ?, ?, ?, ?)").execute(arguments: [n, claimant.uid, claimant.reviewer, claimant.holder, expires])
        let queued = try Row.fetchOne(db.cachedStatement(sql: "SELECT flagged, overlap FROM queue WHERE n = ?"), arguments: [n])
        return ClaimedRow(row: indexed, flagged: (queued?["flagged"] as Int?) == 1, overlap: (queued?["overlap"] as Int?) == 1)
    }

    /// Whether row `id`, which `claimant`'s own process may hold, is still one `next` would serve
    /// them: the check after a PostgreSQL store granted the row and this box caught up with what
    /// other boxes logged (the row may have been decided elsewhere meanwhile).
    public func isServable(id: String, to claimant: QueueClaimant, slice: SliceFilter?, adjudication: Bool, now: Double) throws -> Bool {
        var conditions = [
            adjudication ? "rows.state = 'adjudication'" : "queue.open = 1",
            "NOT EXISTS (SELECT 1 FROM claims WHERE claims.n = queue.n AND claims.holder != ? AND claims.expires > ?)",
            "rows.id = ?",
        ]
        var arguments: [DatabaseValueConvertible?] = [claimant.holder, now, id]
        Self.appendYours(claimant, slice: slice, to: &conditions, &arguments)
        return try read { db in
            try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM queue JOIN rows ON rows.n = queue.n WHERE \(conditions.joined(separator: " AND "))"),
                              arguments: StatementArguments(arguments)) ?? false
        }
    }

    /// Writes down a claim another box holds (its holder `store:ROLE`) (the PostgreSQL store said whose and for how
    /// long), replacing any this box had, so this box does not offer the row until then.
    public func recordClaim(onRow id: String, uid: Int, reviewer: String, holder: String, expires: Double) throws {
        try write { db in
            try db.cachedStatement(sql: """
                INSERT OR REPLACE INTO claims(n, uid, reviewer, holder, expires) SELECT n, ?, ?, ?, ? FROM rows WHERE id = ?
                """).execute(arguments: [uid, reviewer, holder, expires, id])
        }
    }

    /// A claim another box holds on a row, as `recordClaims` writes it down.
    public typealias StoreHeldClaim = (id: String, uid: Int, reviewer: String, holder: String, expires: Double)

    /// Writes down, in one transaction, the claims other boxes hold on several rows (as
    /// `recordClaim` does one): what a store lists when it refuses a claim, so this box stops
    /// offering every row on another screen, not just the one it asked for. A live claim of a
    /// process on this box is kept: a workspace shared by several reviewers' roles holds their
    /// claims too, and the store's list (every role but the asker's) names those rows as well.
    public func recordClaims(_ claims: [StoreHeldClaim], now: Double) throws {
        guard !claims.isEmpty else { return }
        try write { db in try Self.recordClaims(claims, now: now, in: db) }
    }

    /// `recordClaims` inside a write transaction the caller holds.
    static func recordClaims(_ claims: [StoreHeldClaim], now: Double, in db: Database) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO claims(n, uid, reviewer, holder, expires) SELECT n, ?, ?, ?, ? FROM rows WHERE id = ?
            ON CONFLICT(n) DO UPDATE SET uid = excluded.uid, reviewer = excluded.reviewer, holder = excluded.holder,
                                         expires = excluded.expires
            WHERE claims.holder LIKE 'store:%' OR claims.expires <= ?
            """)
        for claim in claims {
            try statement.execute(arguments: [claim.uid, claim.reviewer, claim.holder, claim.expires, claim.id, now])
        }
    }

    /// Removes the claims `recordClaim` wrote down for other boxes on a row (the store says
    /// nobody else holds it any more).
    public func forgetStoreClaims(onRow id: String) throws {
        try write { db in
            try db.cachedStatement(sql: """
                DELETE FROM claims WHERE holder LIKE 'store:%' AND n = (SELECT n FROM rows WHERE id = ?)
                """).execute(arguments: [id])
        }
    }

    /// Moves the lease on a row `holder` holds to `expires`; false when that process no longer
    /// holds it.
    public func renewClaim(onRow id: String, holder: String, expires: Double) throws -> Bool {
        try write { db in
            try db.cachedStatement(sql: """
                UPDATE claims SET expires = ? WHERE holder = ? AND n = (SELECT n FROM rows WHERE id = ?)
                """).execute(arguments: [expires, holder, id])
            return db.changesCount > 0
        }
    }

    /// Gives back the claim one process (`holder`) has on a row, if it still has it.
    public func releaseClaim(onRow id: String, holder: String) throws {
        try write { db in
            try db.cachedStatement(sql: "DELETE FROM claims WHERE holder = ? AND n = (SELECT n FROM rows WHERE id = ?)").execute(arguments: [holder, id])
        }
    }

    /// Gives back the claim any process of one reviewer (`uid`) has on a row.
    public func releaseClaim(onRow id: String, uid: Int) throws {
        try write { db in try Self.releaseClaim(onRow: id, uid: uid, in: db) }
    }

    /// `releaseClaim(onRow:uid:)` inside a write transaction the caller holds (a decision's apply).
    static func releaseClaim(onRow id: String, uid: Int, in db: Database) throws {
        try db.cachedStatement(sql: "DELETE FROM claims WHERE uid = ? AND n = (SELECT n FROM rows WHERE id = ?)").execute(arguments: [uid, id])
    }

    /// Gives back every claim one process holds.
    public func releaseClaims(holder: String) throws {
        try write { db in
            try db.cachedStatement(sql: "DELETE FROM claims WHERE holder = ?").execute(arguments: [holder])
        }
    }

    /// Whether reviewer `uid` (any of their processes) holds a live lease on a row at `now`.
    public func holdsLiveClaim(onRow id: String, uid: Int, now: Double) throws -> Bool {
        let held = try read { db in
            try Bool.fetchOne(db.cachedStatement(sql: """
                SELECT 1 FROM claims JOIN rows ON rows.n = claims.n WHERE rows.id = ? AND claims.uid = ? AND claims.expires > ?
                """), arguments: [id, uid, now])
        }
        return held == true
    }

    /// The name of the reviewer other than `uid` with a live lease on a row at `now`, if any.
    public func liveClaimHolder(ofRow id: String, otherThan uid: Int, now: Double) throws -> String? {
        try read { db in
            try String.fetchOne(db.cachedStatement(sql: """
                SELECT claims.reviewer FROM claims JOIN rows ON rows.n = claims.n
                WHERE rows.id = ? AND claims.uid != ? AND claims.expires > ?
                """), arguments: [id, uid, now])
        }
    }
}
