import GRDB
import WinnowCore

/// "Both bad": a preference pair whose two answers are both unfit, so neither order teaches a
/// model anything. It is recorded as a reject with the reason code `both-bad`, not as a new
/// kind of log entry: every reader of the log already understands a reject (the row leaves the
/// queue, the mixer drops it, undo and adjudication work on it unchanged), and the reason code
/// is what tells it from a reject of one answer. The code is always known, whatever
/// `[reasons]` lists, and only for pairs: on a row with one answer it means nothing.
extension WorkspaceConfig {
    public static let bothBadReason = "both-bad"
}

extension RowIndex {
    /// Rows whose latest standing decision is a both-bad reject, by row number: what the mixer
    /// counts apart from other rejections.
    static func bothBadRows(_ db: Database) throws -> Set<Int64> {
        Set(try Int64.fetchAll(db, sql: """
            SELECT d.n FROM decisions d
            WHERE d.standing = 1 AND d.action = 'reject' AND d.reason = ?
              AND d.seq = (SELECT MAX(seq) FROM decisions e WHERE e.n = d.n AND e.standing = 1)
            """, arguments: [WorkspaceConfig.bothBadReason]))
    }
}
