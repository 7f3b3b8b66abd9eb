import Foundation
import GRDB
import ProvenanceLog
import WinnowCore

extension RowIndex {
    /// The ids of the rows a retraction would touch, without recording it (`rollback --dry-run`):
    /// rows a generator, template or seed wrote that are not retracted yet, or rows whose
    /// standing decisions the reviewer / time range criteria take back. Same criteria as replay.
    public func rowsAffected(by payload: RetractPayload) throws -> [String] {
        let (conditions, arguments) = Self.retractConditions(payload)
        guard !conditions.isEmpty else { return [] }
        let byDecision = payload.reviewer != nil || payload.from != nil || payload.until != nil
        let sql = byDecision
            ? """
              SELECT DISTINCT rows.id FROM decisions JOIN rows ON rows.n = decisions.n
              WHERE decisions.standing = 1 AND \(conditions.joined(separator: " AND ")) ORDER BY rows.n
              """
            : "SELECT rows.id FROM rows WHERE rows.state != 'retracted' AND \(conditions.joined(separator: " AND ")) ORDER BY rows.n"
        return try read { db in try String.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)) }
    }

    /// How many rows are in `state` (`rollback` says how many a retraction took out by
    /// counting the retracted rows before and after it).
    public func count(inState state: RowState) throws -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM rows WHERE state = ?", arguments: [state.rawValue]) ?? 0 }
    }
}
