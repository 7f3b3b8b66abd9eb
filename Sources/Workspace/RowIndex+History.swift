import Foundation
import GRDB
import WinnowCore

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

    public init(seq: Int, uid: Int, reviewer: String, verdict: Verdict, reason: String?, note: String?, ts: String, adjudication: Bool) {
        self.seq = seq
        self.uid = uid
        self.reviewer = reviewer
        self.verdict = verdict
        self.reason = reason
        self.note = note
        self.ts = ts
        self.adjudication = adjudication
    }
}

/// What the index remembers of decisions and gate findings, a row or a reviewer at a time: the
/// review screen's history of a row, its flags, undo's check, the home screen's tally.
extension RowIndex {
    /// Who made the decision the log entry `seq` recorded, and whether it still stands (not
    /// reverted or retracted); nil when that entry recorded no decision.
    public struct DecisionOwner: Sendable, Equatable {
        public var uid: Int
        public var standing: Bool
    }

    public func decisionOwner(seq: Int) throws -> DecisionOwner? {
        try read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT uid, standing FROM decisions WHERE seq = ?"), arguments: [seq])
                .map { DecisionOwner(uid: $0["uid"], standing: ($0["standing"] as Int) == 1) }
        }
    }

    /// Standing decisions on a row, oldest first.
    public func standingDecisions(onRow id: String) throws -> [RecordedDecision] {
        try read { db in
            try Row.fetchAll(db.cachedStatement(sql: """
                SELECT decisions.* FROM decisions JOIN rows ON rows.n = decisions.n
                WHERE rows.id = ? AND decisions.standing = 1 ORDER BY decisions.seq
                """), arguments: [id]).map { row in
                RecordedDecision(
                    seq: row["seq"], uid: row["uid"], reviewer: row["reviewer"],
                    verdict: Verdict(stored: row["action"]), reason: row["reason"], note: row["note"],
                    ts: row["ts"], adjudication: (row["adjudication"] as Int) == 1)
            }
        }
    }

    /// A decision the log holds that does not count: it names a slice its row was not in at
    /// that point of the log (see `apply(decision:)`).
    public struct UncountedDecision: Sendable, Equatable {
        public var seq: Int
        public var row: String
        /// The slice the entry names (nil: none).
        public var namedSlice: String?
        /// The row's slice when the entry was applied.
        public var slice: String?
    }

    /// Uncounted decisions, oldest first; only those among `seqs` when given.
    public func uncountedDecisions(among seqs: [Int]? = nil) throws -> [UncountedDecision] {
        try read { db in
            let only = seqs.map { "WHERE u.seq IN (\($0.map(String.init).joined(separator: ",")))" } ?? ""
            return try Row.fetchAll(db, sql: """
                SELECT u.seq, rows.id, u.named_slice, u.slice FROM uncounted_decisions u JOIN rows ON rows.n = u.n
                \(only) ORDER BY u.seq
                """).map { UncountedDecision(seq: $0[0], row: $0[1], namedSlice: $0[2], slice: $0[3]) }
        }
    }

    /// Reviewer `uid`'s standing decisions made at or after `since` (an RFC 3339 UTC time, as
    /// the log writes them), counted per verdict; verdicts they did not give are absent.
    public func standingVerdictCounts(uid: Int, since: String) throws -> [Verdict: Int] {
        try read { db in
            var counts: [Verdict: Int] = [:]
            let rows = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT action, COUNT(*) AS count FROM decisions WHERE uid = ? AND ts >= ? AND standing = 1 GROUP BY action
                """), arguments: [uid, since])
            for row in rows {
                if let verdict = Verdict(rawValue: row["action"]) { counts[verdict, default: 0] += row["count"] as Int }
            }
            return counts
        }
    }

    /// One row's current gate flags (classifier tags left out: they are not findings).
    public func flags(of id: String) throws -> [GateFlag] {
        try read { db in
            try Row.fetchAll(db.cachedStatement(sql: """
                SELECT flags.gate, flags.reason, flags.action, flags.detail FROM flags JOIN rows ON rows.n = flags.n
                WHERE rows.id = ? AND flags.action != 'tag' ORDER BY flags.gate
                """), arguments: [id]).map { GateFlag(row: id, stored: $0) }
        }
    }
}
