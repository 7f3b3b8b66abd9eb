import Foundation
import GRDB
import Gates
import ProvenanceLog
import WinnowCore
import Workspace

/// A standing human decision on a row, as the review and adjudication screens show it.
public struct RecordedDecision: Sendable, Equatable {
    public var seq: Int
    public var uid: Int
    public var reviewer: String
    public var verdict: Verdict
    public var reason: String?
    public var note: String?
    public var ts: String
    public var adjudication: Bool
}

/// One reviewer's decisions over a period, for the home screen's "you today".
public struct ReviewerTally: Sendable, Equatable {
    public var accepted = 0
    public var edited = 0
    public var rejected = 0
    public var flagged = 0
    public init() {}
    public var total: Int { accepted + edited + rejected + flagged }
}

extension QueueService {
    /// Takes back one of this reviewer's decisions by appending a `revert`: the log keeps both.
    /// The row returns to the queue (and to this reviewer's screen if they claim it again).
    @discardableResult
    public func undo(decision seq: Int, note: String? = nil) throws -> LogEntry {
        let owner = try session.index.read { db in
            try Row.fetchOne(db, sql: "SELECT uid, standing FROM decisions WHERE seq = ?", arguments: [seq])
        }
        guard let owner, (owner["uid"] as Int) == reviewer.uid, (owner["standing"] as Int) == 1 else {
            throw QueueError.nothingToUndo(seq: seq)
        }
        return try session.record([RevertPayload(reverts: seq, note: note)])[0]
    }

    /// Standing decisions on a row, oldest first.
    public func decisions(on id: String) throws -> [RecordedDecision] {
        try session.index.read { db in
            try Row.fetchAll(db, sql: """
                SELECT decisions.* FROM decisions JOIN rows ON rows.n = decisions.n
                WHERE rows.id = ? AND decisions.standing = 1 ORDER BY decisions.seq
                """, arguments: [id]).map(Self.decision)
        }
    }

    /// This reviewer's standing decisions made at or after `since` (an RFC 3339 UTC time).
    public func tally(since: String) throws -> ReviewerTally {
        try session.index.read { db in
            var tally = ReviewerTally()
            let rows = try Row.fetchAll(db, sql: """
                SELECT action, COUNT(*) AS count FROM decisions WHERE uid = ? AND ts >= ? AND standing = 1 GROUP BY action
                """, arguments: [reviewer.uid, since])
            for row in rows {
                let count: Int = row["count"]
                switch Verdict(rawValue: row["action"]) {
                case .accept: tally.accepted += count
                case .edit: tally.edited += count
                case .reject: tally.rejected += count
                case .flag: tally.flagged += count
                case nil: break
                }
            }
            return tally
        }
    }

    /// Open rows in the order `next` would serve them (this reviewer's slices, not held by
    /// another process, not already decided by them), a page at a time: for searching the queue.
    public func queuedRows(slice: String?, offset: Int, limit: Int) throws -> [IndexedRow] {
        var conditions = [
            "queue.open = 1",
            "NOT EXISTS (SELECT 1 FROM claims WHERE claims.n = queue.n AND claims.holder != ? AND claims.expires > ?)",
        ]
        var arguments: [DatabaseValueConvertible?] = [holder, now().timeIntervalSince1970]
        appendYours(slice: slice, to: &conditions, &arguments)
        arguments += [limit, offset]
        return try session.index.read { db in
            try Row.fetchAll(db, sql: RowIndex.rowSelectSQL + """
                 JOIN queue ON queue.n = rows.n WHERE \(conditions.joined(separator: " AND "))
                ORDER BY queue.open, queue.slice_rank, queue.flagged DESC, queue.overlap DESC, queue.key LIMIT ? OFFSET ?
                """, arguments: StatementArguments(arguments)).map(IndexedRow.init(row:))
        }
    }

    /// Rows still open in the queue (for one slice, or all): the review screen's "left".
    public func openCount(slice: String?) throws -> Int {
        try session.index.read { db in
            if let slice {
                var conditions = ["queue.open = 1"], arguments: [DatabaseValueConvertible?] = []
                Self.appendSlice(slice, to: &conditions, &arguments)
                return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM queue JOIN rows ON rows.n = queue.n WHERE \(conditions.joined(separator: " AND "))",
                                        arguments: StatementArguments(arguments)) ?? 0
            }
            return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM queue WHERE open = 1") ?? 0
        }
    }

    /// Rows waiting for adjudication, and how many of them this reviewer decided (a reviewer
    /// never settles a disagreement they are part of): the adjudication screen says why it
    /// has nothing to show while the backlog is not empty.
    public func adjudicationWaiting(slice: String?) throws -> (total: Int, decidedByYou: Int) {
        try session.index.read { db in
            var conditions = ["rows.state = 'adjudication'"], arguments: [DatabaseValueConvertible?] = [reviewer.uid]
            if let slice { Self.appendSlice(slice, to: &conditions, &arguments) }
            let row = try Row.fetchOne(db, sql: """
                SELECT COUNT(*) AS total,
                       COALESCE(SUM(EXISTS (SELECT 1 FROM decisions d WHERE d.n = rows.n AND d.uid = ? AND d.standing = 1)), 0) AS mine
                FROM rows WHERE \(conditions.joined(separator: " AND "))
                """, arguments: StatementArguments(arguments))
            return (row?["total"] ?? 0, row?["mine"] ?? 0)
        }
    }

    /// A row by id with its current state, or nil.
    public func row(id: String) throws -> IndexedRow? { try session.index.row(id: id) }

    private static func decision(_ row: Row) -> RecordedDecision {
        RecordedDecision(
            seq: row["seq"], uid: row["uid"], reviewer: row["reviewer"],
            verdict: Verdict(rawValue: row["action"]) ?? .flag, reason: row["reason"], note: row["note"],
            ts: row["ts"], adjudication: (row["adjudication"] as Int) == 1)
    }
}

extension RowIndex {
    /// One row's current gate flags (classifier tags left out: they are not findings).
    public func flags(of id: String) throws -> [GateFlag] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT flags.gate, flags.reason, flags.action, flags.detail FROM flags JOIN rows ON rows.n = flags.n
                WHERE rows.id = ? AND flags.action != 'tag' ORDER BY flags.gate
                """, arguments: [id]).map { row in
                GateFlag(row: id, gate: row["gate"], reason: row["reason"],
                         action: GateAction(rawValue: row["action"]) ?? .flag,
                         detail: (row["detail"] as String?).flatMap { try? JSONValue.parse($0) } ?? .null)
            }
        }
    }
}
