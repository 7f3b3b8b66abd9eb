import Crypto
import Foundation
import GRDB
import WinnowCore
import Workspace

/// Where each row stands in the queue, from the config: critical slices first by priority,
/// then the pseudo-random order hash(seed, row id) — never file order, which would review one
/// generator before the others. The same hash decides the review sample of non-critical slices
/// (key < rate) and which critical rows go to a second reviewer, so samples are stable across
/// restarts, reviewers and re-imports, and do not depend on which rows arrived first.
struct QueuePlan {
    let config: WorkspaceConfig

    /// A fingerprint of the settings the plan depends on; the plan is rebuilt when it changes.
    var fingerprint: String {
        let slices = config.slices.map { "\($0.name):\($0.priority):\($0.critical):\($0.reviewRate)" }.joined(separator: ",")
        return ContentHash.hex(Array("\(config.seed)|\(config.review.overlapShare)|\(slices)".utf8))
    }

    /// hash(seed, purpose, id) as a fraction in [0, 1).
    static func unit(seed: String, purpose: String, id: String) -> Double {
        let digest = SHA256.hash(data: Array("\(seed)\u{0}\(purpose)\u{0}\(id)".utf8))
        var value: UInt64 = 0
        for byte in digest.prefix(8) { value = value << 8 | UInt64(byte) }
        return Double(value >> 11) / Double(1 << 53)
    }

    /// A 63-bit ordering key from the same hash family (SQLite integers are signed).
    static func key(seed: String, id: String) -> Int64 {
        Int64(unit(seed: seed, purpose: "order", id: id) * Double(Int64.max / 2))
    }

    func entry(id: String, slice: String?) -> (rank: Int, sampled: Bool, overlap: Bool, key: Int64) {
        let configured = slice.flatMap(config.slice(named:))
        let rank = configured?.priority ?? Int.max / 4
        let critical = configured?.critical ?? false
        let rate = configured?.reviewRate ?? (config.slice(named: "general")?.reviewRate ?? 0.05)
        let sampled = critical || Self.unit(seed: config.seed, purpose: "sample", id: id) < rate
        let overlap = critical && Self.unit(seed: config.seed, purpose: "overlap", id: id) < config.review.overlapShare
        return (rank, sampled, overlap, Self.key(seed: config.seed, id: id))
    }

    /// Adds rows the queue has not seen, or rebuilds it all when the settings changed.
    func refresh(_ index: RowIndex) throws {
        try index.write { db in
            let stored = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'queue_plan'")
            if stored != fingerprint {
                try db.execute(sql: "DELETE FROM queue")
                try db.execute(sql: "DELETE FROM meta WHERE key = 'queue_planned_n'")
                try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES ('queue_plan', ?)", arguments: [fingerprint])
            }
            // Only rows past the last planned one, unless a row was unplanned since (its slice
            // changed): a full scan of a million rows would cost every `winnow next` 100 ms.
            let planned = try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'queue_planned_n'") ?? 0
            let dirty = try Bool.fetchOne(db, sql: "SELECT 1 FROM meta WHERE key = 'queue_dirty'") ?? false
            let missing = try Row.fetchAll(db, sql: dirty || planned == 0 ? """
                SELECT rows.n, rows.id, rows.slice FROM rows LEFT JOIN queue ON queue.n = rows.n WHERE queue.n IS NULL
                """ : "SELECT n, id, slice FROM rows WHERE n > ?", arguments: dirty || planned == 0 ? [] : [planned])
            try db.execute(sql: "DELETE FROM meta WHERE key = 'queue_dirty'")
            if let last = try Int64.fetchOne(db, sql: "SELECT MAX(n) FROM rows") {
                try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES ('queue_planned_n', ?)", arguments: ["\(last)"])
            }
            guard !missing.isEmpty else { return }
            let insert = try db.makeStatement(sql: "INSERT INTO queue(n, slice_rank, sampled, overlap, key, open) VALUES (?, ?, ?, ?, ?, 0)")
            for row in missing {
                let n: Int64 = row["n"]
                let e = entry(id: row["id"], slice: row["slice"])
                try insert.execute(arguments: [n, e.rank, e.sampled, e.overlap, e.key])
            }
            // One statement for the new rows' open/flagged state (the same rule as
            // RowIndex.reopen, which keeps single rows current as verdicts land).
            try db.execute(sql: """
                UPDATE queue SET
                    flagged = EXISTS (SELECT 1 FROM flags WHERE flags.n = queue.n AND flags.action != 'tag'),
                    open = sampled AND (
                        (SELECT state FROM rows WHERE rows.n = queue.n) = 'pending'
                        OR (overlap AND (SELECT state FROM rows WHERE rows.n = queue.n) IN ('accepted', 'edited', 'rejected')
                            AND (SELECT COUNT(DISTINCT uid) FROM decisions WHERE decisions.n = queue.n AND standing = 1) < 2))
                WHERE n >= ?
                """, arguments: [missing.map { $0["n"] as Int64 }.min() ?? 0])
        }
    }
}
