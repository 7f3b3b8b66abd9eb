import Foundation
import GRDB
import WinnowCore

/// Looking rows up by id as a reviewer types one: completion of a prefix and where one row
/// stands. Both walk the unique index on `rows.id`, never the table, so they stay a keypress
/// on a million rows.
extension RowIndex {
    /// Up to `limit` row ids starting with `prefix`, in id order, leaving out rows in
    /// `hiddenSlices` (slices the reviewer may not see: their ids are not offered either).
    ///
    /// A range over the id index (`id >= prefix AND id < prefix + U+10FFFF`) rather than LIKE or
    /// GLOB: LIKE is case-insensitive and skips the index, and GLOB would need the id's own `*?[`
    /// escaped. The range is exact for every id that does not continue the prefix with U+10FFFF
    /// itself (a noncharacter no id holds); the Swift `hasPrefix` check keeps it exact anyway.
    public func rowIDs(withPrefix prefix: String, limit: Int, hiddenSlices: [String] = []) throws -> [String] {
        guard limit > 0 else { return [] }
        let arguments: [DatabaseValueConvertible?] = [prefix, prefix + "\u{10FFFF}"] + hiddenSlices + [limit]
        return try read { db in
            try String.fetchAll(db, sql: Self.rowIDPrefixSQL(hiding: hiddenSlices.count), arguments: StatementArguments(arguments))
                .filter { $0.hasPrefix(prefix) }
        }
    }

    /// The statement `rowIDs(withPrefix:)` runs (tests check its plan walks the id index).
    static func rowIDPrefixSQL(hiding hidden: Int) -> String {
        let slices = hidden == 0 ? "" : " AND (slice IS NULL OR slice NOT IN (\(Array(repeating: "?", count: hidden).joined(separator: ","))))"
        return "SELECT id FROM rows WHERE id >= ? AND id < ?\(slices) ORDER BY id LIMIT ?"
    }

    /// Where one row stands for a reviewer who asked for it by id (`:goto`), or nil when no row
    /// has that id. Everything `RowStanding` holds is read by primary key or the id index.
    public func standing(ofRow id: String, uid: Int, now: Double) throws -> RowStanding? {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT rows.n, rows.slice, rows.state, queue.open AS open FROM rows LEFT JOIN queue ON queue.n = rows.n
                WHERE rows.id = ?
                """, arguments: [id]) else { return nil }
            let n: Int64 = row["n"]
            let claim = try Row.fetchOne(db, sql: "SELECT reviewer, holder, uid FROM claims WHERE n = ? AND expires > ?",
                                         arguments: [n, now])
            let mine = try Row.fetchOne(db, sql: """
                SELECT action FROM decisions WHERE n = ? AND uid = ? AND standing = 1 ORDER BY seq DESC LIMIT 1
                """, arguments: [n, uid])
            return RowStanding(
                slice: row["slice"], state: RowState(stored: row["state"]), queued: (row["open"] as Int?) != nil, open: (row["open"] as Int?) == 1,
                holder: claim.map { RowStanding.Holder(reviewer: $0["reviewer"], holder: $0["holder"], uid: $0["uid"]) },
                yourVerdict: mine.flatMap { Verdict(rawValue: $0["action"]) })
        }
    }
}

/// One row's place as `RowIndex.standing` reads it: enough to say why a row asked for by id
/// cannot be shown, without reading the row itself.
public struct RowStanding: Sendable, Equatable {
    public struct Holder: Sendable, Equatable {
        /// The reviewer's name as they claimed it.
        public var reviewer: String
        /// The claiming process's token.
        public var holder: String
        public var uid: Int
    }

    public var slice: String?
    public var state: RowState
    /// The queue plan has placed the row (false only before the plan caught up with an import).
    public var queued: Bool
    /// The row still needs a reviewer (in the sample or flagged, not decided).
    public var open: Bool
    /// Whoever has it on screen now (a live lease), if anyone.
    public var holder: Holder?
    /// The asking reviewer's own standing verdict on it, if they decided it.
    public var yourVerdict: Verdict?
}
