import Foundation
import GRDB
import ProvenanceLog

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
}
