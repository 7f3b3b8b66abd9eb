import Foundation
import GRDB
import WinnowCore

/// The index's smaller answers a mix needs besides its scan (see RowIndex+MixScan): the
/// sources, the edited rows' standing edits, the counts the mixer's trust in unreviewed rows is
/// measured from, and the per-generator verdicts its report warns about. Each is one query;
/// what the mixer makes of the answer (trust, weights, warnings) stays in the Mixer.
extension RowIndex {
    /// One imported source file as the index numbers it.
    public struct IndexedSource: Sendable, Equatable {
        /// The index's number for it (`MixScanRow.source`).
        public var id: Int32
        /// SHA-256 of its bytes (its name under `sources/`).
        public var sha: String
        /// The file name it was imported from.
        public var file: String
    }

    /// Every imported source, in no particular order.
    public func sources() throws -> [IndexedSource] {
        try read { db in try Self.sources(db) }
    }

    static func sources(_ db: Database) throws -> [IndexedSource] {
        try Row.fetchAll(db, sql: "SELECT id, sha, file FROM sources").map {
            IndexedSource(id: Int32($0["id"] as Int64), sha: $0["sha"], file: $0["file"])
        }
    }

    /// An edited row and the log entry of its standing edit (the latest), which holds the new row.
    public struct StandingEdit: Sendable, Equatable {
        public var n: Int64
        public var seq: Int
    }

    /// Every row whose state is `edited`, with its latest standing edit: the index keeps which
    /// decision stands, the log keeps the new row.
    public func standingEdits() throws -> [StandingEdit] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT d.n, MAX(d.seq) AS seq FROM decisions d JOIN rows r ON r.n = d.n
                WHERE d.standing = 1 AND d.action = 'edit' AND r.state = 'edited' GROUP BY d.n
                """).map { StandingEdit(n: $0["n"], seq: $0["seq"]) }
        }
    }

    /// Each scored row's latest standing human verdict, with the score: the rows
    /// `JudgeStatistics.scoredDecisions` picks from every standing decision (the latest per
    /// row, where the row has a score), read here in one grouped query, for a `judge-kept` mix
    /// output's calibration. SQLite takes a bare column of a `MAX()` query from the row with the
    /// maximum, so `action` is the latest decision's.
    public func scoredStandingVerdicts() throws -> [(score: Double, verdict: Verdict)] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT r.judge_score, d.action, MAX(d.seq) FROM decisions d JOIN rows r ON r.n = d.n
                WHERE d.standing = 1 AND r.judge_score IS NOT NULL GROUP BY d.n
                """).map { ($0["judge_score"], Verdict(stored: $0["action"])) }
        }
    }

    /// A standing verdict on a synthetic row, with the row's slice and generator.
    public struct SyntheticVerdict: Sendable, Equatable {
        public var id: String
        public var slice: String?
        public var generator: String?
        public var verdict: Verdict
    }

    /// Every standing decision on a synthetic row, oldest first (so the last one per row is its
    /// latest). The schema admits only `Verdict`'s names as an action, so none is left out.
    public func standingSyntheticVerdicts() throws -> [SyntheticVerdict] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT r.id, r.slice, r.generator, d.action FROM decisions d JOIN rows r ON r.n = d.n
                WHERE d.standing = 1 AND r.origin = 'synthetic' ORDER BY d.seq
                """).compactMap { d in
                    Verdict(rawValue: d["action"]).map { SyntheticVerdict(id: d["id"], slice: d["slice"], generator: d["generator"], verdict: $0) }
                }
        }
    }

    /// How many unreviewed (`pending`) synthetic rows one slice and generator have.
    public struct UnreviewedGroup: Sendable, Equatable {
        /// nil: rows without a slice.
        public var slice: String?
        public var generator: String?
        public var rows: Int
    }

    /// The unreviewed synthetic rows counted per slice and generator, in no particular order.
    public func unreviewedSyntheticGroups() throws -> [UnreviewedGroup] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT slice, generator, COUNT(*) AS c FROM rows
                WHERE state = 'pending' AND origin = 'synthetic' GROUP BY 1, 2
                """).map { UnreviewedGroup(slice: $0["slice"], generator: $0["generator"], rows: $0["c"]) }
        }
    }

    /// One generator's standing decisions: how many, and how many of them are rejects.
    public struct GeneratorVerdictCount: Sendable, Equatable {
        public var generator: String
        public var rejected: Int
        public var decided: Int
    }

    /// Standing decisions per generator (rows without one left out), in generator order. Read
    /// on a connection of its own, so a caller may run it on another thread while it uses the
    /// index (the mixer, while it writes the rows); an index copied into memory has no other
    /// connection, and is read through its own queue, which serialises the two.
    public func generatorVerdictCounts() throws -> [GeneratorVerdictCount] {
        let query = { (db: Database) in
            try Row.fetchAll(db, sql: """
                SELECT r.generator AS g, SUM(d.action = 'reject') AS bad, COUNT(*) AS n FROM decisions d JOIN rows r ON r.n = d.n
                WHERE d.standing = 1 AND r.generator IS NOT NULL GROUP BY r.generator ORDER BY r.generator
                """).map { GeneratorVerdictCount(generator: $0["g"], rejected: $0["bad"], decided: $0["n"]) }
        }
        if let reader = try openReader() { return try reader.read(query) }
        return try read(query)
    }
}
