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
        let policies = flagPolicies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        return ContentHash.hex(Array("\(config.seed)|\(config.review.overlapShare)|\(slices)|\(policies)".utf8))
    }

    /// `[gates.on_flag]` as the index stores it: gate → policy, for the gates not on review.
    var flagPolicies: [String: String] {
        config.gates.onFlag.filter { $0.value != .review }.mapValues(\.rawValue)
    }

    /// Three independent draws in [0, 1) from one SHA-256 of (seed, id): the sample, the
    /// overlap and the order each read their own 8 bytes of the digest, so planning a million
    /// rows costs one hash per row, and none of the three depends on the others.
    static func draws(seed: String, id: String) -> (sample: Double, overlap: Double, order: Double) {
        let digest = Array(SHA256.hash(data: Array("\(seed)\u{0}\(id)".utf8)))
        func unit(_ offset: Int) -> Double {
            var value: UInt64 = 0
            for byte in digest[offset..<(offset + 8)] { value = value << 8 | UInt64(byte) }
            return Double(value >> 11) / Double(1 << 53)
        }
        return (unit(0), unit(8), unit(16))
    }

    func entry(id: String, slice: String?) -> (rank: Int, sampled: Bool, overlap: Bool, key: Int64) {
        let configured = slice.flatMap(config.slice(named:))
        let rank = configured?.priority ?? Int.max / 4
        let critical = configured?.critical ?? false
        let rate = configured?.reviewRate ?? (config.slice(named: "general")?.reviewRate ?? 0.05)
        let draw = Self.draws(seed: config.seed, id: id)
        let sampled = critical || draw.sample < rate
        let overlap = critical && draw.overlap < config.review.overlapShare
        // A 62-bit ordering key (SQLite integers are signed).
        return (rank, sampled, overlap, Int64(draw.order * Double(Int64.max / 2)))
    }

    /// Adds rows the queue has not seen, or rebuilds it all when the settings changed. Looks
    /// first and writes only when there is something to plan: a command that only reads then
    /// never writes the index (see RowIndex+ReadOnly), and needs no write lock either.
    func refresh(_ index: RowIndex) throws {
        let current = try index.read { db -> Bool in
            guard try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'queue_plan'") == fingerprint,
                  try Bool.fetchOne(db, sql: "SELECT 1 FROM meta WHERE key = 'queue_dirty'") == nil else { return false }
            let planned = try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'queue_planned_n'") ?? 0
            return planned == (try Int64.fetchOne(db, sql: "SELECT MAX(n) FROM rows") ?? 0)
        }
        if current { return }
        try index.write { db in
            let stored = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'queue_plan'")
            if stored != fingerprint {
                try db.execute(sql: "DELETE FROM queue")
                try db.execute(sql: "DELETE FROM meta WHERE key = 'queue_planned_n'")
                try RowIndex.setFlagPolicies(flagPolicies, in: db)
                try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES ('queue_plan', ?)", arguments: [fingerprint])
            }
            // Only rows past the last planned one, unless a row was unplanned since (its slice
            // changed): a full scan of a million rows would cost every `winnow next` 100 ms.
            let planned = try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'queue_planned_n'") ?? 0
            let dirty = try Bool.fetchOne(db, sql: "SELECT 1 FROM meta WHERE key = 'queue_dirty'") ?? false
            let missing = try Row.fetchAll(db, sql: dirty || planned == 0 ? """
                SELECT rows.n, rows.id, rows.slice, rows.state FROM rows LEFT JOIN queue ON queue.n = rows.n
                WHERE queue.n IS NULL
                """ : "SELECT n, id, slice, state FROM rows WHERE n > ?", arguments: dirty || planned == 0 ? [] : [planned])
            try db.execute(sql: "DELETE FROM meta WHERE key = 'queue_dirty'")
            if let last = try Int64.fetchOne(db, sql: "SELECT MAX(n) FROM rows") {
                try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES ('queue_planned_n', ?)", arguments: ["\(last)"])
            }
            guard !missing.isEmpty else { return }
            // A large plan goes in without the order index, which is then built once, sorted.
            let bulk = missing.count > 10_000
            if bulk { try db.execute(sql: "DROP INDEX IF EXISTS queue_order") }
            let minimum = missing.map { $0["n"] as Int64 }.min() ?? 0
            let flagged = Set(try Int64.fetchAll(db, sql: "SELECT DISTINCT n FROM flags WHERE \(RowIndex.queuingFlagCondition) AND n >= ?",
                                                 arguments: [minimum]))
            let decided = Set(try Int64.fetchAll(db, sql: "SELECT DISTINCT n FROM decisions WHERE n >= ?", arguments: [minimum]))
            let insert = try db.makeStatement(sql: """
                INSERT INTO queue(n, slice_rank, sampled, overlap, key, flagged, open) VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
            for row in missing {
                let n: Int64 = row["n"]
                let e = entry(id: row["id"], slice: row["slice"])
                // A flagged row goes to a reviewer whether or not the sample drew it.
                let open = (e.sampled || flagged.contains(n)) && (row["state"] as String) == "pending"
                try insert.execute(arguments: [n, e.rank, e.sampled, e.overlap, e.key, flagged.contains(n), open])
            }
            // Rows with decisions (an overlap row may still need its second reviewer) get the
            // full rule; they are few.
            for n in decided { try RowIndex.reopenRow(n, in: db) }
            if bulk { try RowIndex.createQueueOrderIndex(db) }
        }
    }
}
