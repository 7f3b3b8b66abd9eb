import Foundation
import GRDB
import WinnowCore
import Workspace

/// `winnow queue`: per slice, how many rows wait, are on someone's screen, were decided and
/// how; how far the review budget has got; how many disagreements wait for an adjudicator.
public struct QueueSummary: Sendable {
    public struct SliceLine: Sendable {
        public var slice: String
        public var critical: Bool
        public var total = 0
        public var pending = 0
        public var inReview = 0
        public var accepted = 0
        public var edited = 0
        public var rejected = 0
        public var flagged = 0
        public var gateRejected = 0
        public var adjudication = 0
        /// Rows the budget asks a human to see (all of a critical slice, the sample and the flagged
        /// rows otherwise).
        public var budget = 0
        /// Budget rows a human has decided.
        public var reviewed = 0

        public var json: JSONValue {
            .object([
                ("slice", .string(slice)), ("critical", .bool(critical)), ("total", .int(total)),
                ("pending", .int(pending)), ("in_review", .int(inReview)), ("reviewed", .int(reviewed)),
                ("accepted", .int(accepted)), ("edited", .int(edited)), ("rejected", .int(rejected)),
                ("flagged", .int(flagged)), ("gate_rejected", .int(gateRejected)), ("adjudication", .int(adjudication)),
                ("budget", .int(budget)),
            ])
        }
    }

    public var slices: [SliceLine]
    /// The line for rows no slice was given or found for.
    public static let noSlice = "(none)"
    public var adjudicationBacklog: Int { slices.reduce(0) { $0 + $1.adjudication } }

    public var json: JSONValue {
        .object([("slices", .array(slices.map(\.json))), ("adjudication_backlog", .int(adjudicationBacklog))])
    }
}

extension QueueService {
    public func summary() throws -> QueueSummary {
        let now = self.now().timeIntervalSince1970
        let config = session.config
        return try session.index.read { db in
            var lines: [String: QueueSummary.SliceLine] = [:]
            func line(_ slice: String) -> QueueSummary.SliceLine {
                lines[slice] ?? QueueSummary.SliceLine(slice: slice, critical: config.slice(named: slice)?.critical ?? false)
            }
            let rows = try Row.fetchAll(db, sql: """
                SELECT COALESCE(rows.slice, '(none)') AS slice, rows.state, COUNT(*) AS c,
                       SUM(CASE WHEN queue.sampled = 1 OR queue.flagged = 1 THEN 1 ELSE 0 END) AS budget,
                       SUM(CASE WHEN EXISTS (SELECT 1 FROM claims WHERE claims.n = rows.n AND claims.expires > ?) THEN 1 ELSE 0 END) AS held
                FROM rows JOIN queue ON queue.n = rows.n GROUP BY 1, 2
                """, arguments: [now])
            for row in rows {
                let slice: String = row["slice"], state: String = row["state"], count: Int = row["c"]
                let budget: Int = row["budget"] ?? 0
                var l = line(slice)
                l.total += count
                l.budget += budget
                l.inReview += row["held"] ?? 0
                switch state {
                case "pending": l.pending += count
                case "accepted": l.accepted += count; l.reviewed += budget
                case "edited": l.edited += count; l.reviewed += budget
                case "rejected": l.rejected += count; l.reviewed += budget
                case "flagged": l.flagged += count; l.reviewed += budget
                case "gate-rejected": l.gateRejected += count
                case "adjudication": l.adjudication += count; l.reviewed += budget
                default: break
                }
                lines[slice] = l
            }
            let order = config.slices.map(\.name)
            return QueueSummary(slices: lines.values.sorted {
                (order.firstIndex(of: $0.slice) ?? order.count, $0.slice) < (order.firstIndex(of: $1.slice) ?? order.count, $1.slice)
            })
        }
    }
}
