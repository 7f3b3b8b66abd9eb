import Foundation
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
    /// Decisions the log holds but does not count: named a slice their row was not in (a
    /// gate run moved the row meanwhile, or a client named another slice than its row's).
    public var uncounted: [RowIndex.UncountedDecision] = []
    /// The line for rows no slice was given or found for.
    public static let noSlice = "(none)"
    public var adjudicationBacklog: Int { slices.reduce(0) { $0 + $1.adjudication } }

    public var json: JSONValue {
        .object([("slices", .array(slices.map(\.json))), ("adjudication_backlog", .int(adjudicationBacklog)),
                 ("uncounted_decisions", .array(uncounted.map { u in
                     .object([("seq", .int(u.seq)), ("row", .string(u.row)), ("named_slice", u.namedSlice.map(JSONValue.string) ?? .null),
                              ("slice", u.slice.map(JSONValue.string) ?? .null)])
                 }))])
    }
}

extension QueueService {
    public func summary() throws -> QueueSummary {
        let config = session.config
        var lines: [String: QueueSummary.SliceLine] = [:]
        for count in try session.index.queueStateCounts(now: now().timeIntervalSince1970) {
            let slice = count.slice ?? QueueSummary.noSlice
            var l = lines[slice] ?? QueueSummary.SliceLine(slice: slice, critical: config.slice(named: slice)?.critical ?? false)
            let rows = count.rows, budget = count.budget
            l.total += rows
            l.budget += budget
            l.inReview += count.held
            switch count.state {
            case .pending: l.pending += rows
            case .accepted: l.accepted += rows; l.reviewed += budget
            case .edited: l.edited += rows; l.reviewed += budget
            case .rejected: l.rejected += rows; l.reviewed += budget
            case .flagged: l.flagged += rows; l.reviewed += budget
            case .gateRejected: l.gateRejected += rows
            case .adjudication: l.adjudication += rows; l.reviewed += budget
            // Counted in the total only: the summary has no column for rows a rollback took back.
            case .retracted: break
            }
            lines[slice] = l
        }
        let order = config.slices.map(\.name)
        return QueueSummary(slices: lines.values.sorted {
            (order.firstIndex(of: $0.slice) ?? order.count, $0.slice) < (order.firstIndex(of: $1.slice) ?? order.count, $1.slice)
        }, uncounted: try session.index.uncountedDecisions())
    }
}
