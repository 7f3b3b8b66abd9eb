import Foundation
import GRDB
import WinnowCore

/// What `winnow stats` reads from the index: every standing decision with the row it is on,
/// row counts per slice/generator/template, and per generator how many rows one gate flagged.
/// The statistics themselves (estimates, agreement, throughput) are ReviewQueue's; these only
/// read. Grouping labels for missing values ("(none)") are the report's too: a missing slice,
/// generator or template comes back as nil.
extension RowIndex {
    /// A standing human decision with what the trust statistics group it by.
    public struct TrustDecision: Sendable, Equatable {
        /// The log entry that recorded it (decisions on one row order by it).
        public var seq: Int64
        public var rowID: String
        public var uid: Int
        public var reviewer: String
        public var verdict: Verdict
        public var reason: String?
        public var ts: String
        public var spentMs: Int?
        public var slice: String?
        public var generator: String?
        public var template: String?
        public var judgeScore: Double?
        /// The row is human-written (origin `human`).
        public var human: Bool
        /// The queue plan sends the row to two reviewers (false when it has no place).
        public var overlap: Bool
        /// The row is in the queue plan's random sample (false when it has no place).
        public var sampled: Bool
    }

    /// Every standing decision, in log order.
    public func standingTrustDecisions() throws -> [TrustDecision] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT d.uid, d.reviewer, d.action, d.reason, d.ts, d.spent_ms, d.seq, r.id, r.slice, r.generator, r.template,
                       r.judge_score, r.origin = 'human' AS human, q.overlap, q.sampled
                FROM decisions d JOIN rows r ON r.n = d.n LEFT JOIN queue q ON q.n = d.n
                WHERE d.standing = 1 ORDER BY d.seq
                """).map { d in
                // The CHECK constraint on `action` admits only verdicts: the fallback is never taken.
                TrustDecision(
                    seq: d["seq"], rowID: d["id"], uid: d["uid"], reviewer: d["reviewer"],
                    verdict: Verdict(stored: d["action"]), reason: d["reason"], ts: d["ts"], spentMs: d["spent_ms"],
                    slice: d["slice"], generator: d["generator"], template: d["template"], judgeScore: d["judge_score"],
                    human: d["human"], overlap: (d["overlap"] as Int?) == 1, sampled: (d["sampled"] as Int?) == 1)
            }
        }
    }

    /// How many rows share one slice, generator, template and human-or-not.
    public struct RowGroupCount: Sendable, Equatable {
        public var slice: String?
        public var generator: String?
        public var template: String?
        public var human: Bool
        public var rows: Int
    }

    /// Every row counted by slice, generator, template and whether it is human-written.
    public func rowGroupCounts() throws -> [RowGroupCount] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT slice, generator, template, origin = 'human' AS human, COUNT(*) AS c
                FROM rows GROUP BY 1, 2, 3, 4
                """).map { c in
                RowGroupCount(slice: c["slice"], generator: c["generator"], template: c["template"], human: c["human"], rows: c["c"])
            }
        }
    }

    /// One generator's rows, and how many of them carry a flag from one gate.
    public struct GeneratorFlagCount: Sendable, Equatable {
        public var generator: String
        public var rows: Int
        public var flagged: Int
    }

    /// Per generator (rows without one left out), in generator order: its rows and how many
    /// carry a current verdict from `gate` (the near-duplicate gate's, for a variety report).
    public func generatorFlagCounts(gate: String) throws -> [GeneratorFlagCount] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT generator, COUNT(*) AS c,
                       SUM(EXISTS (SELECT 1 FROM flags WHERE flags.n = rows.n AND flags.gate = ?)) AS near
                FROM rows WHERE generator IS NOT NULL GROUP BY generator ORDER BY generator
                """, arguments: [gate]).map { g in
                GeneratorFlagCount(generator: g["generator"], rows: g["c"], flagged: g["near"] ?? 0)
            }
        }
    }

    /// The first `limit` rows of one generator in import order (a sample to read texts from).
    public func rows(generator: String, limit: Int) throws -> [IndexedRow] {
        try read { db in
            try Row.fetchAll(db, sql: Self.rowSelect + " WHERE rows.generator = ? ORDER BY rows.n LIMIT ?",
                             arguments: [generator, limit]).map(IndexedRow.init)
        }
    }
}
