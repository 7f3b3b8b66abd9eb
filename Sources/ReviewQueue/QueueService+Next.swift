import Foundation
import GRDB
import WinnowCore
import Workspace

/// Why a row is in front of the reviewer, for the review screen's header and `winnow next`.
public enum QueueReason: String, Sendable {
    case critical, flagged, sampled, overlap, adjudication
}

/// A claimed row: the row, why it is here, and until when the lease holds.
public struct QueueItem: Sendable {
    public var row: IndexedRow
    public var reason: QueueReason
    public var leaseUntil: Date
}

extension QueueService {
    /// Claims and returns the next row for this reviewer, or nil when nothing is left for them.
    /// One SQLite write transaction makes the choice and the claim atomic across processes.
    /// With `adjudication`, the rows two reviewers disagreed on (and this reviewer did not
    /// decide) instead of the review queue.
    ///
    /// `excluding`: ids of rows not to serve (the rows this session skipped, which are back in
    /// the queue for everyone else but would otherwise come straight back to the one who
    /// skipped them).
    ///
    /// While a plan is being built (`Planning.asNeeded`), a row is served only when no row still
    /// to be placed could come before it; otherwise more rows are placed first, so the rows and
    /// their order are those of a finished plan (see `QueuePlanBuild` for the one exception).
    /// A plan another process left unfinished, or rows imported since, are planned the same way
    /// before anything is served: a running session never serves from a partial queue.
    public func next(slice: String? = nil, adjudication: Bool = false, excluding: Set<String> = []) throws -> QueueItem? {
        try session.requireWritable(to: "claim a row")
        if build == nil { build = try QueuePlanBuild(plan: plan, index: session.index, mayReset: false) }
        while true {
            let building = build.flatMap { $0.isComplete ? nil : $0 }
            let item = try claimNext(slice: slice, adjudication: adjudication, excluding: excluding) { order in
                building?.covers(order) ?? true
            }
            // Nothing servable among the rows placed so far, or a row not placed yet may come
            // first: place more and look again (once every servable row is placed, nothing
            // found is final: the rows left are ones no reviewer needs).
            guard let building, item == nil, !building.servableRowsPlaced else { return item }
            try continuePlanning()
        }
    }

    /// The first servable row, claimed if `placedBeforeIt` says no row still to be placed
    /// comes before it.
    private func claimNext(slice: String?, adjudication: Bool, excluding: Set<String>,
                           placedBeforeIt: (QueuePlanBuild.ServingOrder) -> Bool) throws -> QueueItem? {
        let now = self.now().timeIntervalSince1970
        return try session.index.write { db -> QueueItem? in
            try db.execute(sql: "DELETE FROM claims WHERE expires <= ?", arguments: [now])
            var (conditions, arguments) = servable(slice: slice, adjudication: adjudication)
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
                LIMIT 1
                """
            guard let found = try Row.fetchOne(db, sql: sql, arguments: StatementArguments(arguments)),
                  placedBeforeIt(.init(rank: found["slice_rank"], flagged: found["flagged"] as Int == 1,
                                 overlap: found["overlap"] as Int == 1, key: found["key"])) else { return nil }
            let n: Int64 = found["n"]
            let until = now + lease
            try db.execute(sql: "INSERT OR REPLACE INTO claims(n, uid, reviewer, holder, expires) VALUES (?, ?, ?, ?, ?)",
                           arguments: [n, reviewer.uid, reviewer.user, holder, until])
            let id: String = found["id"]
            guard let row = try Row.fetchOne(db, sql: RowIndex.rowSelectSQL + " WHERE rows.id = ?", arguments: [id]) else { return nil }
            let indexed = IndexedRow(row: row)
            let reason = self.reason(indexed, flagged: found["flagged"] as Int == 1, overlap: found["overlap"] as Int == 1,
                                     adjudication: adjudication)
            return QueueItem(row: indexed, reason: reason, leaseUntil: Date(timeIntervalSince1970: until))
        }
    }

    /// What a row must be to be served to this reviewer: in the review queue (or waiting for
    /// adjudication), held by nobody (this process included: asking again moves on), not
    /// decided by them already, in a slice they may see (and the one asked for).
    private func servable(slice: String?, adjudication: Bool) -> (conditions: [String], arguments: [DatabaseValueConvertible?]) {
        var conditions = [
            adjudication ? "rows.state = 'adjudication'" : "queue.open = 1",
            "NOT EXISTS (SELECT 1 FROM claims WHERE claims.n = queue.n)",
        ]
        var arguments: [DatabaseValueConvertible?] = []
        appendYours(slice: slice, to: &conditions, &arguments)
        return (conditions, arguments)
    }

    /// The conditions every listing of rows for this reviewer shares: not decided by them, in
    /// the slice asked for, in no slice they may not see.
    func appendYours(slice: String?, to conditions: inout [String], _ arguments: inout [DatabaseValueConvertible?]) {
        conditions.append("NOT EXISTS (SELECT 1 FROM decisions WHERE decisions.n = queue.n AND decisions.uid = ? AND decisions.standing = 1)")
        arguments.append(reviewer.uid)
        if let slice { Self.appendSlice(slice, to: &conditions, &arguments) }
        let forbidden = forbiddenSlices
        if !forbidden.isEmpty {
            conditions.append("(rows.slice IS NULL OR rows.slice NOT IN (\(forbidden.map { _ in "?" }.joined(separator: ","))))")
            arguments += forbidden
        }
    }

    /// Claims a row this session skipped, if it can still be served to this reviewer (nobody
    /// decided it meanwhile, nobody holds it): nil otherwise. Checked and claimed in one write
    /// transaction, like `next`.
    public func claimSkipped(id: String, slice: String?, adjudication: Bool) throws -> QueueItem? {
        try session.requireWritable(to: "claim a row")
        let now = self.now().timeIntervalSince1970
        var (conditions, arguments) = servable(slice: slice, adjudication: adjudication)
        conditions.append("rows.id = ?")
        arguments.append(id)
        return try session.index.write { db -> QueueItem? in
            try db.execute(sql: "DELETE FROM claims WHERE expires <= ?", arguments: [now])
            guard let n = try Int64.fetchOne(
                db, sql: "SELECT rows.n FROM queue JOIN rows ON rows.n = queue.n WHERE \(conditions.joined(separator: " AND "))",
                arguments: StatementArguments(arguments)),
                let row = try Row.fetchOne(db, sql: RowIndex.rowSelectSQL + " WHERE rows.id = ?", arguments: [id])
            else { return nil }
            return try take(IndexedRow(row: row), n: n, now: now, in: db)
        }
    }

    /// Claims one named row (the one an undo brought back, a search hit), unless another
    /// process holds it; nil when it is held or gone.
    public func claim(id: String) throws -> QueueItem? {
        try session.requireWritable(to: "claim a row")
        let now = self.now().timeIntervalSince1970
        return try session.index.write { db -> QueueItem? in
            try db.execute(sql: "DELETE FROM claims WHERE expires <= ?", arguments: [now])
            guard let row = try Row.fetchOne(db, sql: RowIndex.rowSelectSQL + " WHERE rows.id = ?", arguments: [id]) else { return nil }
            let indexed = IndexedRow(row: row)
            guard reviewer.mayReview(group: indexed.provenance.slices.first.flatMap(session.config.slice(named:))?.group) else { return nil }
            let n: Int64 = row["n"]
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM claims WHERE n = ? AND holder != ?", arguments: [n, holder]) != nil { return nil }
            return try take(indexed, n: n, now: now, in: db)
        }
    }

    /// Writes this process's claim on a row and says why it is served.
    private func take(_ indexed: IndexedRow, n: Int64, now: TimeInterval, in db: Database) throws -> QueueItem {
        let until = now + lease
        try db.execute(sql: "INSERT OR REPLACE INTO claims(n, uid, reviewer, holder, expires) VALUES (?, ?, ?, ?, ?)",
                       arguments: [n, reviewer.uid, reviewer.user, holder, until])
        let queued = try Row.fetchOne(db, sql: "SELECT flagged, overlap FROM queue WHERE n = ?", arguments: [n])
        let reason = self.reason(indexed, flagged: (queued?["flagged"] as Int?) == 1, overlap: (queued?["overlap"] as Int?) == 1,
                                 adjudication: indexed.state == .adjudication)
        return QueueItem(row: indexed, reason: reason, leaseUntil: Date(timeIntervalSince1970: until))
    }

    private func reason(_ row: IndexedRow, flagged: Bool, overlap: Bool, adjudication: Bool) -> QueueReason {
        let critical = row.provenance.slices.first.flatMap(session.config.slice(named:))?.critical ?? false
        return adjudication ? .adjudication : flagged ? .flagged
            : overlap && row.state != .pending ? .overlap
            : critical ? .critical : .sampled
    }

    /// Extends the lease on a row still on screen; false when this process no longer holds it
    /// (its lease ran out while it was stopped or busy, and another reviewer took the row, or
    /// the row was decided and released elsewhere): the screen must stop showing a lease then.
    @discardableResult
    public func renew(_ id: String) throws -> Bool {
        let until = now().timeIntervalSince1970 + lease
        return try session.index.write { db in
            try db.execute(sql: """
                UPDATE claims SET expires = ? WHERE holder = ? AND n = (SELECT n FROM rows WHERE id = ?)
                """, arguments: [until, holder, id])
            return db.changesCount > 0
        }
    }

    /// Gives back a row this process holds without deciding it (a skip, a row left on screen):
    /// by holder, never by reviewer, so a second terminal of the same person that took the row
    /// after this one's lease ran out keeps it.
    public func releaseHeldHere(_ id: String) throws {
        try session.index.write { db in
            try db.execute(sql: "DELETE FROM claims WHERE holder = ? AND n = (SELECT n FROM rows WHERE id = ?)", arguments: [holder, id])
        }
    }

    /// Gives back a row after a decision (whichever of this reviewer's processes claimed it),
    /// or every row this process holds (on exit).
    public func release(_ id: String? = nil) throws {
        try session.index.write { db in
            if let id {
                try db.execute(sql: "DELETE FROM claims WHERE uid = ? AND n = (SELECT n FROM rows WHERE id = ?)",
                               arguments: [reviewer.uid, id])
            } else {
                try db.execute(sql: "DELETE FROM claims WHERE holder = ?", arguments: [holder])
            }
        }
    }
}
