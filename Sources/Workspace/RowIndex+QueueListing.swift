import Foundation
import GRDB
import WinnowCore

/// The review queue as a reviewer lists and counts it: open rows in serving order, how many are
/// left, the adjudication backlog, and per slice how many rows stand in each state. The
/// conditions that say which rows are a reviewer's are here once, shared with the claims
/// (RowIndex+Claims), so what is listed is what `next` would serve.
extension RowIndex {
    /// What a row must be to be served to `claimant`: in the review queue (or waiting for
    /// adjudication), held by nobody (their own process included: asking again moves on), not
    /// decided by them already, in a slice they may see (and the one asked for).
    /// `liveAt`: count only claims whose lease runs past this time (a read, which cannot drop
    /// the ones that ran out first); nil counts every claim.
    static func servable(to claimant: QueueClaimant, slice: SliceFilter?, adjudication: Bool, liveAt: Double? = nil)
        -> (conditions: [String], arguments: [DatabaseValueConvertible?]) {
        var conditions = [
            adjudication ? "rows.state = 'adjudication'" : "queue.open = 1",
            liveAt == nil ? "NOT EXISTS (SELECT 1 FROM claims WHERE claims.n = queue.n)"
                : "NOT EXISTS (SELECT 1 FROM claims WHERE claims.n = queue.n AND claims.expires > ?)",
        ]
        var arguments: [DatabaseValueConvertible?] = liveAt.map { [$0] } ?? []
        appendYours(claimant, slice: slice, to: &conditions, &arguments)
        return (conditions, arguments)
    }

    /// The conditions every listing of rows for a reviewer shares: not decided by them, in the
    /// slice asked for, in no slice kept from them.
    static func appendYours(_ claimant: QueueClaimant, slice: SliceFilter?, to conditions: inout [String],
                            _ arguments: inout [DatabaseValueConvertible?]) {
        conditions.append("NOT EXISTS (SELECT 1 FROM decisions WHERE decisions.n = queue.n AND decisions.uid = ? AND decisions.standing = 1)")
        arguments.append(claimant.uid)
        if let slice { appendSlice(slice, to: &conditions, &arguments) }
        let hidden = claimant.hiddenSlices
        if !hidden.isEmpty {
            conditions.append("(rows.slice IS NULL OR rows.slice NOT IN (\(hidden.map { _ in "?" }.joined(separator: ","))))")
            arguments += hidden
        }
    }

    /// Narrows a query to one slice, or to the rows without one.
    static func appendSlice(_ slice: SliceFilter, to conditions: inout [String], _ arguments: inout [DatabaseValueConvertible?]) {
        switch slice {
        case .unsliced:
            conditions.append("rows.slice IS NULL")
        case .named(let name):
            conditions.append("rows.slice = ?")
            arguments.append(name)
        }
    }

    /// Open rows in the order `claimFirstServable` would serve them to `claimant`, leaving out
    /// rows another process holds a live lease on at `now` (their own process's rows stay in),
    /// a page at a time.
    public func queuedRows(for claimant: QueueClaimant, slice: SliceFilter?, now: Double, offset: Int, limit: Int) throws -> [IndexedRow] {
        var conditions = [
            "queue.open = 1",
            "NOT EXISTS (SELECT 1 FROM claims WHERE claims.n = queue.n AND claims.holder != ? AND claims.expires > ?)",
        ]
        var arguments: [DatabaseValueConvertible?] = [claimant.holder, now]
        Self.appendYours(claimant, slice: slice, to: &conditions, &arguments)
        arguments += [limit, offset]
        return try read { db in
            try Row.fetchAll(db, sql: Self.rowSelect + """
                 JOIN queue ON queue.n = rows.n WHERE \(conditions.joined(separator: " AND "))
                ORDER BY queue.open, queue.slice_rank, queue.flagged DESC, queue.overlap DESC, queue.key LIMIT ? OFFSET ?
                """, arguments: StatementArguments(arguments)).map(IndexedRow.init(row:))
        }
    }

    /// Rows still open in the queue, in one slice or all (whoever holds them).
    public func openCount(slice: SliceFilter?) throws -> Int {
        try read { db in
            if let slice {
                var conditions = ["queue.open = 1"], arguments: [DatabaseValueConvertible?] = []
                Self.appendSlice(slice, to: &conditions, &arguments)
                return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM queue JOIN rows ON rows.n = queue.n WHERE \(conditions.joined(separator: " AND "))",
                                        arguments: StatementArguments(arguments)) ?? 0
            }
            return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM queue WHERE open = 1") ?? 0
        }
    }

    /// How many rows wait for adjudication, and of those how many one reviewer decided.
    public struct AdjudicationBacklog: Sendable, Equatable {
        public var total: Int
        /// Rows the reviewer has a standing decision on (they may not settle those).
        public var decidedBy: Int
    }

    /// The adjudication backlog (in one slice, or all), and the part of it reviewer `uid` decided.
    public func adjudicationBacklog(slice: SliceFilter?, uid: Int) throws -> AdjudicationBacklog {
        try read { db in
            var conditions = ["rows.state = 'adjudication'"], arguments: [DatabaseValueConvertible?] = [uid]
            if let slice { Self.appendSlice(slice, to: &conditions, &arguments) }
            let row = try Row.fetchOne(db, sql: """
                SELECT COUNT(*) AS total,
                       COALESCE(SUM(EXISTS (SELECT 1 FROM decisions d WHERE d.n = rows.n AND d.uid = ? AND d.standing = 1)), 0) AS mine
                FROM rows WHERE \(conditions.joined(separator: " AND "))
                """, arguments: StatementArguments(arguments))
            return AdjudicationBacklog(total: row?["total"] ?? 0, decidedBy: row?["mine"] ?? 0)
        }
    }

    /// Placed rows of one slice in one state: how many, how many the review budget asks a
    /// human to see (sampled or flagged), how many are on someone's screen.
    public struct QueueStateCount: Sendable, Equatable {
        /// nil: the rows no slice was given or found for.
        public var slice: String?
        public var state: RowState
        public var rows: Int
        public var budget: Int
        public var held: Int
    }

    /// Every placed row counted by slice and state, with its budget and the rows held by a live
    /// lease at `now`. Rows the queue plan has not placed yet are not counted.
    public func queueStateCounts(now: Double) throws -> [QueueStateCount] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT rows.slice AS slice, rows.state, COUNT(*) AS c,
                       SUM(CASE WHEN queue.sampled = 1 OR queue.flagged = 1 THEN 1 ELSE 0 END) AS budget,
                       SUM(CASE WHEN EXISTS (SELECT 1 FROM claims WHERE claims.n = rows.n AND claims.expires > ?) THEN 1 ELSE 0 END) AS held
                FROM rows JOIN queue ON queue.n = rows.n GROUP BY 1, 2
                """, arguments: [now]).map { row in
                QueueStateCount(slice: row["slice"], state: RowState(stored: row["state"]), rows: row["c"],
                                budget: row["budget"] ?? 0, held: row["held"] ?? 0)
            }
        }
    }
}
