import Foundation
import WinnowCore
import Workspace

/// Why a row is in front of the reviewer, for the review screen's header and `winnow next`.
public enum QueueReason: String, Sendable {
    case critical, flagged, sampled, overlap, adjudication
}

/// A claimed row: the row, why it is here, and until when the lease holds.
public struct QueueItem: Sendable {
    public var row: IndexedRow
    public var reason: QueueReason
    public var leaseUntil: Date
}

extension QueueService {
    /// Claims and returns the next row for this reviewer, or nil when nothing is left for them.
    /// One SQLite write transaction makes the choice and the claim atomic across processes.
    /// With `adjudication`, the rows two reviewers disagreed on (and this reviewer did not
    /// decide) instead of the review queue.
    ///
    /// `excluding`: ids of rows not to serve (the rows this session skipped, which are back in
    /// the queue for everyone else but would otherwise come straight back to the one who
    /// skipped them).
    ///
    /// While a plan is being built (`Planning.asNeeded`), a row is served only when no row still
    /// to be placed could come before it; otherwise more rows are placed first, so the rows and
    /// their order are those of a finished plan (see `QueuePlanBuild` for the one exception).
    /// A plan another process left unfinished, or rows imported since, are planned the same way
    /// before anything is served: a running session never serves from a partial queue.
    public func next(slice: String? = nil, adjudication: Bool = false, excluding: Set<String> = []) throws -> QueueItem? {
        try session.requireWritable(to: "claim a row")
        if session.store != nil { return try nextOnStore(slice: slice, adjudication: adjudication, excluding: excluding) }
        var passedOver = excluding
        while true {
            guard let item = try nextHere(slice: slice, adjudication: adjudication, excluding: passedOver) else { return nil }
            if let confirmed = try confirmOnStore(item, slice: slice, adjudication: adjudication) { return confirmed }
            passedOver.insert(item.row.id)
        }
    }

    /// The next row as this box's index has it, claimed there.
    private func nextHere(slice: String?, adjudication: Bool, excluding: Set<String>) throws -> QueueItem? {
        if build == nil { build = try QueuePlanBuild(plan: plan, index: session.index, mayReset: false) }
        while true {
            let building = build.flatMap { $0.isComplete ? nil : $0 }
            let item = try claimNext(slice: slice, adjudication: adjudication, excluding: excluding) { order in
                building?.covers(order) ?? true
            }
            // Nothing servable among the rows placed so far, or a row not placed yet may come
            // first: place more and look again (once every servable row is placed, nothing
            // found is final: the rows left are ones no reviewer needs).
            guard let building, item == nil, !building.servableRowsPlaced else { return item }
            try continuePlanning()
        }
    }

    /// The ids of the next few servable rows as this box's index has them, claiming none;
    /// planned first like `nextHere`, so none is served from a partial queue.
    func candidatesHere(slice: String?, adjudication: Bool, excluding: Set<String>, limit: Int) throws -> [String] {
        if build == nil { build = try QueuePlanBuild(plan: plan, index: session.index, mayReset: false) }
        while true {
            let building = build.flatMap { $0.isComplete ? nil : $0 }
            let found = try session.index.servableCandidates(
                for: claimant, slice: Self.sliceFilter(slice), adjudication: adjudication, excluding: excluding,
                now: now().timeIntervalSince1970, limit: limit) { order in building?.covers(order) ?? true }
            guard let building, found.isEmpty, !building.servableRowsPlaced else { return found }
            try continuePlanning()
        }
    }

    /// The first servable row, claimed if `placedBeforeIt` says no row still to be placed
    /// comes before it.
    private func claimNext(slice: String?, adjudication: Bool, excluding: Set<String>,
                           placedBeforeIt: (QueuePlanBuild.ServingOrder) -> Bool) throws -> QueueItem? {
        let now = self.now().timeIntervalSince1970
        let until = now + lease
        let claimed = try session.index.claimFirstServable(
            for: claimant, slice: Self.sliceFilter(slice), adjudication: adjudication, excluding: excluding,
            now: now, expires: until, servableNow: placedBeforeIt)
        return claimed.map { item($0, until: until, adjudication: adjudication) }
    }

    /// This reviewer in this process, as the index's claims and listings know them.
    var claimant: QueueClaimant {
        QueueClaimant(uid: reviewer.uid, reviewer: reviewer.user, holder: holder, hiddenSlices: forbiddenSlices)
    }

    /// A slice as asked for (`QueueSummary.noSlice` is the rows without one) as the index takes it.
    static func sliceFilter(_ slice: String?) -> SliceFilter? {
        slice.map { $0 == QueueSummary.noSlice ? .unsliced : .named($0) }
    }

    /// Claims a row this session skipped, if it can still be served to this reviewer (nobody
    /// decided it meanwhile, nobody holds it): nil otherwise. Checked and claimed in one write
    /// transaction, like `next`.
    public func claimSkipped(id: String, slice: String?, adjudication: Bool) throws -> QueueItem? {
        try session.requireWritable(to: "claim a row")
        let now = self.now().timeIntervalSince1970
        let until = now + lease
        guard let claimed = try session.index.claimIfServable(
            id: id, for: claimant, slice: Self.sliceFilter(slice), adjudication: adjudication, now: now, expires: until
        ).map({ item($0, until: until, adjudication: $0.row.state == .adjudication) }) else { return nil }
        return try confirmOnStore(claimed, slice: slice, adjudication: adjudication)
    }

    /// Claims one named row (the one an undo brought back, a search hit), unless another
    /// process holds it; nil when it is held or gone.
    public func claim(id: String) throws -> QueueItem? {
        try session.requireWritable(to: "claim a row")
        let now = self.now().timeIntervalSince1970
        let until = now + lease
        guard let claimed = try session.index.claim(id: id, for: claimant, now: now, expires: until, mayClaim: { row in
            reviewer.mayReview(group: row.provenance.slices.first.flatMap(session.config.slice(named:))?.group)
        }).map({ item($0, until: until, adjudication: $0.row.state == .adjudication) }) else { return nil }
        return try confirmOnStore(claimed, slice: nil, adjudication: nil)
    }

    /// A claimed row, and why it is served.
    func item(_ claimed: ClaimedRow, until: TimeInterval, adjudication: Bool) -> QueueItem {
        let reason = self.reason(claimed.row, flagged: claimed.flagged, overlap: claimed.overlap, adjudication: adjudication)
        return QueueItem(row: claimed.row, reason: reason, leaseUntil: Date(timeIntervalSince1970: until))
    }

    private func reason(_ row: IndexedRow, flagged: Bool, overlap: Bool, adjudication: Bool) -> QueueReason {
        let critical = row.provenance.slices.first.flatMap(session.config.slice(named:))?.critical ?? false
        return adjudication ? .adjudication : flagged ? .flagged
            : overlap && row.state != .pending ? .overlap
            : critical ? .critical : .sampled
    }

    /// Extends the lease on a row still on screen; false when this process no longer holds it
    /// (its lease ran out while it was stopped or busy, and another reviewer took the row, or
    /// the row was decided and released elsewhere): the screen must stop showing a lease then.
    @discardableResult
    public func renew(_ id: String) throws -> Bool {
        let now = self.now().timeIntervalSince1970
        var until = now + lease
        switch try session.claimOnStore(id, holder: holder, seconds: lease, now: now) {
        case .heldByAnother:
            try session.index.releaseClaim(onRow: id, holder: holder)
            return false
        case .granted(let seconds):
            // Never past the server's lease: a live claim here means a live one there.
            until = min(until, now + seconds)
        case nil:
            break
        }
        let renewed = try session.index.renewClaim(onRow: id, holder: holder, expires: until)
        if !renewed { try session.releaseOnStore(id, holder: holder) }
        return renewed
    }

    /// Gives back a row this process holds without deciding it (a skip, a row left on screen):
    /// by holder, never by reviewer, so a second terminal of the same person that took the row
    /// after this one's lease ran out keeps it.
    public func releaseHeldHere(_ id: String) throws {
        try session.index.releaseClaim(onRow: id, holder: holder)
        try session.releaseOnStore(id, holder: holder)
    }

    /// Gives back a row, whichever of this reviewer's processes claimed it, here and in the
    /// store, or every row this process holds (on exit). (A decision gives its row back itself,
    /// in its apply and, on a store, in its entry's statement: `decide`.)
    public func release(_ id: String? = nil) throws {
        if let id {
            try session.index.releaseClaim(onRow: id, uid: reviewer.uid)
            try session.releaseOnStore(id, holder: nil)
        } else {
            try session.index.releaseClaims(holder: holder)
            try session.releaseOnStore(nil, holder: holder)
        }
    }
}
