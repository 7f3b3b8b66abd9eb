import Foundation
import Workspace

/// A queue plan being built, so the first row of a million-row import is on screen in well under
/// a second instead of after the whole plan (6 s and 363 MB when it was one transaction).
///
/// Placing a row costs a SHA-256 of its id (its sample, overlap and order draws) and an insert;
/// the inserts are most of it. So the build first reads every unplanned row once (id, slice,
/// state: one scan), groups the rows by slice rank, and then writes them in serving order a
/// batch per transaction: each rank's open rows (flagged first, overlap next, then by key), rank
/// after rank, then the rows no reviewer needs. A rank's draws are worked out only when the
/// build reaches it: the first row of a fresh import waits for the first rank's hashes (a
/// critical slice, tens of thousands of rows), not for the million.
///
/// After each batch, every open row that sorts at or before the last one written has its place:
/// `covers` says whether a row `next` found can be served now, or whether a row not yet placed
/// might come before it. `next` then places more first, so a reviewer is served exactly the
/// rows, in exactly the order, a finished plan would serve.
///
/// A row whose slice, flags or state changes between the read and its batch is placed as it is
/// then (each batch reads its rows again); only its position in the build's order is stale, so
/// for the few seconds of a build it may reach a reviewer a batch later than it would have.
public final class QueuePlanBuild {
    /// Batch size when nobody is waiting (a command planning everything before it works): all
    /// of it, in one transaction.
    static let wholeBatch = Int.max / 2
    /// Batch size for a build going on behind a review screen: one batch is about the longest
    /// a key waits (0.1 s), except the step that works out a big rank's draws (about half a
    /// second for a rank of a million rows, once).
    public static let screenBatch = 16_384

    let plan: QueuePlan
    let index: RowIndex
    /// The settings the build places rows under, checked in every batch's transaction.
    let fingerprint: String
    /// The stored plan when the build began (its "a row lost its place" mark is cleared at the
    /// end only if nobody raised it since).
    let started: RowIndex.QueuePlanStatus
    /// The last row the build covers; rows imported later are the next plan's.
    let through: Int64
    /// Rows read but not yet given their draws, one group per slice rank, lowest rank first.
    private var pending: [RankGroup]
    /// Open rows of the ranks worked out so far, in serving order, and their order.
    private var open: [Int64] = []
    private var keys: [ServingOrder] = []
    private var openWritten = 0
    /// Rows no reviewer needs now (outside the sample, decided), placed after every open row.
    private var closed: [Int64] = []
    private var closedWritten = 0
    /// Rows placed so far, and in all.
    private(set) var written = 0
    let total: Int
    private(set) var isComplete = false

    /// Where a row stands among open rows, as `next` orders them (the index's `QueuePosition`, whose `<` is that order).
    typealias ServingOrder = QueuePosition

    /// The rows of one slice rank as read, ids packed (the id's bytes and about 20 more a row,
    /// until the rank is worked out).
    struct RankGroup {
        var rank: Int
        var numbers: [Int64] = []
        var ids: [UInt8] = []
        var idEnds: [Int] = []
        var slices: [Int32] = []
        var bits: [UInt8] = []  // 1: pending, 2: flagged
    }

    /// Starts a build, or nil when the stored plan is current (nothing written then).
    ///
    /// `mayReset`: a plan stored under other settings is forgotten and made anew under these
    /// (a command starting). A process already at work must not: its settings may be the older
    /// ones, and two processes would take turns throwing each other's plan away; it stops
    /// with `WorkspaceError.queuePlanChanged` instead.
    init?(plan: QueuePlan, index: RowIndex, mayReset: Bool = true) throws {
        let fingerprint = plan.fingerprint
        var status = try index.queuePlanStatus()
        if status.isCurrent(fingerprint) { return nil }
        if status.fingerprint != fingerprint {
            guard mayReset else { throw WorkspaceError.queuePlanChanged }
            try index.resetQueuePlan(fingerprint: fingerprint, flagPolicies: plan.flagPolicies)
            status = try index.queuePlanStatus()
        }
        self.plan = plan
        self.index = index
        self.fingerprint = fingerprint
        started = status
        through = status.lastRow
        // Only rows past the last planned one, unless a row was unplanned since (its slice
        // changed): a full scan of a million rows would cost every `winnow next` 100 ms.
        var groups: [Int: RankGroup] = [:]
        var slices: [String?] = []
        var sliceRanks: [Int] = []
        var known: [String?: Int] = [:]
        var last = -1
        var count = 0
        try index.forEachUnplannedRow(after: status.dirty != nil ? 0 : status.plannedThrough, through: status.lastRow) { row in
            // Neighbouring rows mostly share a slice: compared with the last one before any
            // hashing.
            let s: Int
            if last >= 0 && slices[last] == row.slice {
                s = last
            } else if let found = known[row.slice] {
                s = found
            } else {
                s = slices.count
                slices.append(row.slice)
                sliceRanks.append(plan.rank(of: row.slice))
                known[row.slice] = s
            }
            last = s
            let rank = sliceRanks[s]
            groups[rank, default: RankGroup(rank: rank)].append(row, slice: s)
            count += 1
        }
        self.slices = slices
        pending = groups.values.sorted { $0.rank < $1.rank }
        total = count
    }

    /// Distinct slices of the rows read (`RankGroup.slices` index into it).
    private let slices: [String?]

    /// Works out the next rank's draws: its open rows join `open`, in serving order.
    private func workOutNextRank() {
        let group = pending.removeFirst()
        var rows: [(order: ServingOrder, n: Int64)] = []
        group.ids.withUnsafeBytes { ids in
            for i in group.numbers.indices {
                let start = i == 0 ? 0 : group.idEnds[i - 1]
                let row = RowIndex.UnplannedRow(n: group.numbers[i], id: UnsafeRawBufferPointer(rebasing: ids[start..<group.idEnds[i]]),
                                                slice: slices[Int(group.slices[i])], pending: group.bits[i] & 1 != 0,
                                                flagged: group.bits[i] & 2 != 0)
                let place = plan.place(row)
                // A decided row is placed closed and then given the full rule, which opens an
                // overlap row again while it waits for its second reviewer, and adjudication
                // serves rows in the same order: decided rows sort with the open ones (one that
                // stays closed there only costs its place in a batch).
                if place.open || !row.pending {
                    rows.append((ServingOrder(rank: place.rank, flagged: place.flagged, overlap: place.overlap, key: place.key), row.n))
                } else {
                    closed.append(row.n)
                }
            }
        }
        rows.sort { $0.order < $1.order }
        open += rows.map(\.n)
        keys += rows.map(\.order)
    }

    /// Writes the next batch of at most `rows` rows; true once every row has its place (the
    /// plan is then marked current through `through`).
    @discardableResult
    func step(rows: Int) throws -> Bool {
        if isComplete { return true }
        var batch: [Int64] = []
        // The cursors move only once the batch is in: a batch that fails (a busy or full
        // disk) is tried again by the next step, never skipped.
        var (openAt, closedAt) = (openWritten, closedWritten)
        let wanted = max(1, rows)
        while batch.count < wanted {
            if openAt < open.count {
                let end = min(open.count, openAt + wanted - batch.count)
                batch += open[openAt..<end]
                openAt = end
            } else if !pending.isEmpty {
                workOutNextRank()
            } else if closedAt < closed.count {
                let end = min(closed.count, closedAt + wanted - batch.count)
                batch += closed[closedAt..<end]
                closedAt = end
            } else {
                break
            }
        }
        // A batch of many rows goes in by row number (the table's own order) with the order
        // index built once after it; a small one row by row, the index kept up as it goes.
        let bulk = batch.count > Self.screenBatch
        if bulk { batch.sort() }
        try index.placeInQueue(batch, fingerprint: fingerprint, bulk: bulk) { plan.place($0) }
        (openWritten, closedWritten) = (openAt, closedAt)
        written += batch.count
        if pending.isEmpty && openWritten == open.count && closedWritten == closed.count {
            try index.finishQueuePlan(through: through, started: started, fingerprint: fingerprint)
            isComplete = true
            (open, keys, closed) = ([], [], [])
        }
        return isComplete
    }

    /// Every row that may be served has its place (only rows no reviewer needs are left): a
    /// `next` that finds nothing now will find nothing when the rest is placed.
    var servableRowsPlaced: Bool { isComplete || (pending.isEmpty && openWritten == open.count) }

    /// Whether a row in the queue that sorts at `order` can be served now: no row still to be
    /// placed comes before it.
    func covers(_ order: ServingOrder) -> Bool {
        if servableRowsPlaced { return true }
        return openWritten > 0 && order <= keys[openWritten - 1]
    }
}

extension QueuePlanBuild.RankGroup {
    mutating func append(_ row: RowIndex.UnplannedRow, slice: Int) {
        numbers.append(row.n)
        ids.append(contentsOf: row.id)
        idEnds.append(ids.count)
        slices.append(Int32(slice))
        bits.append((row.pending ? 1 : 0) | (row.flagged ? 2 : 0))
    }
}
