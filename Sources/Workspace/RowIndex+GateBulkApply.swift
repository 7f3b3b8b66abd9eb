import Foundation
import GRDB
import GRDBSQLite
import ProvenanceLog
import WinnowCore

/// A gate run's verdicts applied as a few set-wise statements instead of a dozen statements
/// per verdict: a whole run over a million rows has hundreds of thousands of them, and one by
/// one they took longer than the import. The outcome is the one `apply(_:seq:in:)` gives
/// verdict by verdict (a test holds the two together): the verdicts of one run name each (row,
/// gate) once, so their order does not matter, and a run that repeats a pair is applied one by
/// one instead.
extension RowIndex {
    /// Verdicts below this count are applied one by one (the set-wise path has a fixed cost).
    static let bulkApplyThreshold = 256

    static func applyInBulk(_ verdicts: [GatePayload], seq: Int, in db: Database) throws -> Bool {
        var pairs = Set<String>()
        for verdict in verdicts where !pairs.insert(verdict.row + "\u{0}" + verdict.gate).inserted { return false }
        try clearVerdictStage(db)
        try stage(verdicts, in: db)
        try applyStaged(seq: seq, in: db)
        return true
    }

    /// Empties the staging table (a temporary table of this connection: never in the index
    /// file, gone with the connection). It is keyed by row number, as the statements that
    /// apply it join: staged by id, a whole run's verdicts were copied into a second table by
    /// row number and indexed again inside the apply, on the run's critical path.
    static func clearVerdictStage(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TEMP TABLE IF NOT EXISTS gate_verdicts (
                n INTEGER NOT NULL, gate TEXT NOT NULL, action TEXT NOT NULL, reason TEXT NOT NULL, detail TEXT,
                slice TEXT, slices TEXT, PRIMARY KEY (n, gate)) WITHOUT ROWID;
            DELETE FROM gate_verdicts;
            """)
    }

    /// Adds verdicts to the staging table; `numbers`, when given, are their rows' numbers (in
    /// the same order: a gate run's own rows, read from this index), otherwise each row is
    /// looked up by its id, and a verdict about a row the index lacks is not staged (the apply
    /// has nothing to change for it). A (row, gate) staged twice is refused by its key: the
    /// set-wise apply needs each once.
    static func stage(_ verdicts: [GatePayload], numbers: [Int64]? = nil, in db: Database) throws {
        if let numbers { precondition(numbers.count == verdicts.count, "\(numbers.count) numbers for \(verdicts.count) verdicts") }
        let insert = try db.cachedStatement(sql: numbers == nil
            ? "INSERT INTO gate_verdicts SELECT n, ?, ?, ?, ?, ?, ? FROM rows WHERE id = ?"
            : "INSERT INTO gate_verdicts VALUES (?, ?, ?, ?, ?, ?, ?)")
        for (i, verdict) in verdicts.enumerated() {
            var slice: String?, slices: String?
            if verdict.action == .tag {
                let tagged = GateFlag.taggedSlices(verdict.detail)
                slice = tagged.first
                slices = tagged.count > 1 ? tagged.joined(separator: ",") : nil
            }
            let values: [(any DatabaseValueConvertible)?] = [
                verdict.gate, verdict.action.rawValue, verdict.reason, verdict.detail?.canonicalString, slice, slices,
            ]
            if let numbers {
                try insert.execute(arguments: StatementArguments([numbers[i]] + values))
            } else {
                try insert.execute(arguments: StatementArguments(values + [verdict.row]))
            }
        }
    }

    /// Applies the staged verdicts, set-wise, and empties the stage.
    static func applyStaged(seq: Int, in db: Database) throws {
        // Slice tags: the row's slice (unless it brought its own), the flag, a new queue plan.
        try db.execute(sql: """
            UPDATE rows SET slice = a.slice, slices = a.slices, tagged = 1 FROM gate_verdicts a
            WHERE rows.n = a.n AND a.action = 'tag' AND (rows.slice IS NULL OR rows.tagged = 1);
            """)
        // Clears of a tag take the slice back.
        try db.execute(sql: """
            UPDATE rows SET slice = NULL, slices = NULL, tagged = 0
            WHERE tagged = 1 AND n IN (SELECT a.n FROM gate_verdicts a JOIN flags f ON f.n = a.n AND f.gate = a.gate
                                       WHERE a.action = 'clear' AND f.action = 'tag')
            """)
        let replanned = try Int.fetchOne(db, sql: """
            SELECT COUNT(*) FROM gate_verdicts a WHERE a.action = 'tag'
               OR (a.action = 'clear' AND EXISTS (SELECT 1 FROM flags f WHERE f.n = a.n AND f.gate = a.gate AND f.action = 'tag'))
            """) ?? 0
        if replanned > 0 {
            try db.execute(sql: """
                DELETE FROM queue WHERE n IN (
                    SELECT a.n FROM gate_verdicts a WHERE a.action = 'tag'
                    OR (a.action = 'clear' AND EXISTS (SELECT 1 FROM flags f WHERE f.n = a.n AND f.gate = a.gate AND f.action = 'tag')))
                """)
            try Self.markQueueDirty(db)
        }
        try db.execute(sql: """
            DELETE FROM flags WHERE EXISTS (
                SELECT 1 FROM gate_verdicts a WHERE a.action = 'clear' AND a.n = flags.n AND a.gate = flags.gate);
            INSERT OR REPLACE INTO flags(n, gate, reason, action, detail, seq)
                SELECT n, gate, reason, action, detail, ? FROM gate_verdicts WHERE action != 'clear';
            """, arguments: [seq])
        // Each flagged, rejected or cleared row's state, as `resolve` decides it: rows with a
        // standing decision or a retraction go through `resolve` itself; the rest are pending or
        // gate-rejected by their flags. Only rows whose state changes are written (a flag on a
        // pending row leaves it pending: most of a first run's verdicts).
        let special = try Int64.fetchAll(db, sql: """
            SELECT DISTINCT a.n FROM gate_verdicts a JOIN rows ON rows.n = a.n WHERE a.action != 'tag'
              AND (rows.state = 'retracted' OR EXISTS (SELECT 1 FROM decisions d WHERE d.n = a.n AND d.standing = 1))
            """)
        for n in special { try resolve(n, in: db) }
        try db.execute(sql: """
            UPDATE rows SET state = CASE WHEN EXISTS (SELECT 1 FROM flags WHERE flags.n = rows.n AND flags.action = 'reject')
                                         THEN 'gate-rejected' ELSE 'pending' END
            WHERE n IN (SELECT n FROM gate_verdicts WHERE action != 'tag') AND state != 'retracted'
              AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.n = rows.n AND d.standing = 1)
              AND state != CASE WHEN EXISTS (SELECT 1 FROM flags WHERE flags.n = rows.n AND flags.action = 'reject')
                                THEN 'gate-rejected' ELSE 'pending' END
            """)
        let queued = try Int64.fetchAll(db, sql: """
            SELECT DISTINCT a.n FROM gate_verdicts a JOIN queue q ON q.n = a.n WHERE a.action != 'tag'
            """)
        let specialSet = Set(special)
        for n in queued where !specialSet.contains(n) { try reopen(n, in: db) }
        try db.execute(sql: "DELETE FROM gate_verdicts")
    }
}

extension RowIndex {
    /// Starts a gate run's stage: its verdicts are staged as they are decided (while the next
    /// rows are gated on the other cores) so the apply, inside the transaction that follows the
    /// log entry, neither reads the verdict file back nor parses a third of a million lines on
    /// the run's critical path. A replay (reindex, an entry the index missed) applies from the
    /// file as before; a test holds the two to the same index.
    func clearGateVerdictStage() throws {
        try write { db in try Self.clearVerdictStage(db) }
    }

    func stageGateVerdicts(_ verdicts: [GatePayload], numbers: [Int64]? = nil) throws {
        guard !verdicts.isEmpty else { return }
        try write { db in try Self.stage(verdicts, numbers: numbers, in: db) }
    }

    /// How many verdicts the stage holds (0 when there is none): the apply uses the stage only
    /// when it holds the run's every verdict, and reads the file back otherwise.
    static func stagedVerdicts(_ db: Database) throws -> Int {
        guard try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_temp_master WHERE name = 'gate_verdicts'") == 1 else { return 0 }
        return try Int.fetchOne(db, sql: "SELECT count(*) FROM temp.gate_verdicts") ?? 0
    }

    /// A gate run's verdicts, staged while they were decided, applied with the run's entry.
    static func apply(stagedGateRun run: GateRunPayload, seq: Int, in db: Database) throws {
        try applyStaged(seq: seq, in: db)
        try setGatedThrough(run, in: db)
    }
}
