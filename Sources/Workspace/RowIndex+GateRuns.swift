import Foundation
import GRDB
import ProvenanceLog
import WinnowCore

/// Gate runs in the index: their verdicts applied like `gate` entries, and how far the gates
/// have seen (the last row a run covered and its config), which tells the next run which rows
/// are new. Both come from the log alone, so a reindex restores them exactly.
extension RowIndex {
    /// Applies a `gate-run` entry's verdicts (already checked against its hash) and records the
    /// run's reach.
    /// `bulk` nil decides by the number of verdicts (tests force either path).
    static func apply(gateRun run: GateRunPayload, verdicts: [GatePayload], seq: Int, in db: Database, bulk: Bool? = nil) throws {
        let applied = (bulk ?? (verdicts.count >= bulkApplyThreshold)) ? try applyInBulk(verdicts, seq: seq, in: db) : false
        if !applied { for verdict in verdicts { try apply(verdict, seq: seq, in: db) } }
        try setGatedThrough(run, in: db)
    }

    /// Marks the rows through the run's last as gated under its config.
    static func setGatedThrough(_ run: GateRunPayload, in db: Database) throws {
        let through = try run.through.flatMap {
            try Int64.fetchOne(db, sql: "SELECT n FROM rows WHERE id = ?", arguments: [$0])
        } ?? 0
        try setGatedThrough(through, config: run.config, in: db)
    }

    static func setGatedThrough(_ n: Int64, config: String, in db: Database) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO meta(key, value) VALUES ('gated_n', ?), ('gated_config', ?)",
            arguments: ["\(n)", config])
    }

    /// The last row number the gates have seen and the config they ran under, from the last
    /// `gate-run` entry; nil before the first run of this index (a workspace gated with
    /// per-verdict `gate` entries, or never gated).
    public func gatedThrough() throws -> (n: Int64, config: String)? {
        try read { db in try Self.gatedThrough(db) }
    }

    /// The same, inside a read the caller holds (a mix judges its rows in one transaction).
    static func gatedThrough(_ db: Database) throws -> (n: Int64, config: String)? {
        guard let n = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'gated_n'").flatMap(Int64.init),
              let config = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'gated_config'")
        else { return nil }
        return (n, config)
    }
}

/// Gates an import promised and no run has finished (an import killed between its log entry
/// and its gate run, say). An import entry with `gates: true` marks its rows as wanting gates
/// (`gates_wanted_n`, the last row number so marked); a gate run marks how far it saw
/// (`gated_n`). Rows between the two are pending. Both marks come from the log (every run over
/// new rows is logged, even one that found nothing: see `GateRunner.append`), so a reindex
/// restores them exactly; a workspace whose last runs were not logged (before that rule) shows
/// its rows as pending until `winnow gates` runs, erring towards saying so once too often.
extension RowIndex {
    static func markGatesWanted(_ db: Database) throws {
        guard let last = try Int64.fetchOne(db, sql: "SELECT MAX(n) FROM rows") else { return }
        try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES ('gates_wanted_n', ?)", arguments: ["\(last)"])
    }

    /// Rows read again in place (`import --reread`) have new text, and the verdicts of the old:
    /// how far the gates have seen moves back to just before the first of them, so they count
    /// as pending (every command says so, a mix waits) until a run covers them again. The next
    /// run is then a whole one (the kept keys no longer line up with how far the gates saw).
    /// Applied with the `reread` entry, live and on replay, so it is the log's to say too.
    static func regate(from n: Int64, in db: Database) throws {
        guard let gated = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'gated_n'").flatMap(Int64.init),
              gated >= n else { return }
        try db.execute(sql: "UPDATE meta SET value = ? WHERE key = 'gated_n'", arguments: ["\(n - 1)"])
    }

    /// Rows whose import asked for gates that no gate run has covered yet (0 when none: two
    /// lookups in `meta`, so every command can afford to ask).
    public func pendingGateRows() throws -> Int {
        try read { db in try Self.pendingGateRows(db) }
    }

    static func pendingGateRows(_ db: Database) throws -> Int {
        guard let wanted = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'gates_wanted_n'").flatMap(Int64.init)
        else { return 0 }
        let gated = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'gated_n'").flatMap(Int64.init) ?? 0
        guard wanted > gated else { return 0 }
        return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM rows WHERE n > ? AND n <= ?", arguments: [gated, wanted]) ?? 0
    }

    /// The log position the index is at and the rows pending gates, as one transaction sees
    /// them: a mix checks both inside the read that scans its rows, so another command's import
    /// between its checks and its scan cannot slip rows in.
    static func positionAndPendingGates(_ db: Database) throws -> (seq: Int, hash: String, pending: Int) {
        let (seq, hash) = try logPosition(db)
        return (seq, hash, try pendingGateRows(db))
    }
}

extension WorkspaceSession {
    /// Applies a `gate-run` entry: its verdict file, checked first (see `GateVerdictFile`).
    func applyGateRun(_ entry: LogEntry, db: Database) throws {
        let run = try entry.payload(GateRunPayload.self)
        let verdicts = try GateVerdictFile.verdicts(of: run, seq: entry.seq, paths: paths)
        try RowIndex.apply(gateRun: run, verdicts: verdicts, seq: entry.seq, in: db)
    }
}
