import Foundation
import Workspace

/// A queue plan being built, so the first row of a million-row import is on screen in well under
/// a second instead of after the whole plan (6 s and 360 MB when it was one transaction).
///
/// Placing a row costs a SHA-256 of its id and an insert; the insert is most of it. So the build
/// first reads every unplanned row once and works out where it goes (ids streamed, 32 bytes
/// kept a row), sorts the rows in serving order (open rows by slice rank, flagged first, overlap
/// next, key; then the rows no reviewer needs, by row number), and writes them in that order a
/// batch per transaction. After each batch, every open row that sorts at or before the last one
/// written has its place: `covers` says whether a row `next` found can be served now, or whether
/// a row not yet placed might come before it. `next` then places more first, so a reviewer is
/// served exactly the rows, in exactly the order, a finished plan would serve.
///
/// A row whose slice, flags or state changes between the read and its batch is placed as it is
/// then (each batch reads its rows again); only its position in the build's order is stale, so
/// for the few seconds of a build it may reach a reviewer a batch later than it would have.
public final class QueuePlanBuild {
    /// Batch size when nobody is waiting (a command planning everything before it works): all
    /// of it, in one transaction.
    static let wholeBatch = Int.max / 2
    /// Batch size for a build going on behind a review screen: one batch is the longest a key
    /// waits (about 0.1 s).
    public static let screenBatch = 16_384

    let plan: QueuePlan
    let index: RowIndex
    /// The last row the build covers; rows imported later are the next plan's.
    let through: Int64
    /// The unplanned rows in the order they are written.
    private var order: [Int64]
    /// The serving order of the first `openCount` rows of `order`.
    private var keys: [ServingOrder]
    private let openCount: Int
    private(set) var written = 0
    private(set) var isComplete = false

    /// Where a row stands among open rows, as `next` orders them.
    struct ServingOrder: Comparable {
        var rank: Int
        var flagged: Bool
        var overlap: Bool
        var key: Int64

        static func < (a: Self, b: Self) -> Bool {
            if a.rank != b.rank { return a.rank < b.rank }
            if a.flagged != b.flagged { return a.flagged }
            if a.overlap != b.overlap { return a.overlap }
            return a.key < b.key
        }
    }

    /// Starts a build, or nil when the stored plan is current (nothing written then).
    init?(plan: QueuePlan, index: RowIndex) throws {
        let status = try index.queuePlanStatus()
        let fingerprint = plan.fingerprint
        if status.fingerprint == fingerprint && !status.dirty && status.plannedThrough == status.lastRow { return nil }
        if status.fingerprint != fingerprint {
            try index.resetQueuePlan(fingerprint: fingerprint, flagPolicies: plan.flagPolicies)
        }
        let begun = try index.beginQueuePlan()
        var open: [(order: ServingOrder, n: Int64)] = []
        var closed: [Int64] = []
        // Only rows past the last planned one, unless a row was unplanned since (its slice
        // changed): a full scan of a million rows would cost every `winnow next` 100 ms.
        try index.forEachUnplannedRow(after: begun.dirty ? 0 : begun.plannedThrough, through: begun.lastRow) { row in
            let place = plan.place(row)
            // An overlap row someone decided is placed closed and then given the full rule,
            // which opens it again while it waits for its second reviewer: it sorts with the
            // open rows (a decided row that stays closed there only costs its place in a batch).
            if place.open || place.overlap {
                open.append((ServingOrder(rank: place.rank, flagged: place.flagged, overlap: place.overlap, key: place.key), row.n))
            } else {
                closed.append(row.n)
            }
        }
        open.sort { $0.order < $1.order }
        self.plan = plan
        self.index = index
        through = begun.lastRow
        order = open.map(\.n) + closed
        keys = open.map(\.order)
        openCount = open.count
    }

    /// Rows this build places in all.
    var total: Int { isComplete ? written : order.count }

    /// Writes the next batch of at most `rows` rows; true once every row has its place (the
    /// plan is then marked current through `through`).
    @discardableResult
    func step(rows: Int) throws -> Bool {
        if isComplete { return true }
        let end = min(written + max(1, rows), order.count)
        // A batch of many rows goes in by row number (the table's own order) with the order
        // index built once after it; a small one in serving order, kept in the index as it goes.
        let bulk = end - written > Self.screenBatch
        let batch = bulk ? order[written..<end].sorted() : Array(order[written..<end])
        try index.placeInQueue(batch, bulk: bulk) { plan.place($0) }
        written = end
        if written == order.count {
            try index.finishQueuePlan(through: through)
            isComplete = true
            order = []
            keys = []
        }
        return isComplete
    }

    /// Whether a row in the queue that sorts at `order` can be served now: no row still to be
    /// placed comes before it.
    func covers(_ order: ServingOrder) -> Bool {
        if isComplete || written >= openCount { return true }
        return written > 0 && order <= keys[written - 1]
    }
}
