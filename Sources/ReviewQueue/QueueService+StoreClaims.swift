import Foundation
import Workspace

/// The queue on a PostgreSQL store: a row claimed in this box's index is served only once the
/// server grants the claim too, by its own clock, so reviewers on two boxes never get one row.
///
/// Why both: the index chooses the row (the queue plan, slices, permissions are this box's, and
/// choosing in SQLite costs nothing), the server arbitrates it (the only place every box's
/// claims meet). A row the server says another box holds is written down here with that
/// holder and the time the server gave, and passed over. A granted claim is followed by
/// bringing this box up to date with the store: another box may have decided the row and let
/// it go a moment ago, and then it is no longer this reviewer's to see.
extension QueueService {
    /// How long a claim must still run, by this box's reckoning of the server's lease, for a
    /// decision to rely on it: far more than a decision takes, and than two clocks drift in a lease.
    static let claimMargin: TimeInterval = 10

    /// How many of its next rows a box offers the store to choose from (`nextOnStore`): more
    /// than the rows a team's other reviewers take between two of this box's looks at the queue.
    static let candidatesOffered = 16

    /// `next` on a PostgreSQL store: the box's next few servable rows go to the server, which
    /// claims the first one free for this process (one round trip, however many other boxes
    /// took rows at the head of the queue since this box last heard); then this box is brought
    /// up to date with the store and the row claimed here if it is still servable, in one write
    /// transaction (`claimGrantedRow`). Rows refused are passed over for this call, so it
    /// always ends.
    func nextOnStore(slice: String?, adjudication: Bool, excluding: Set<String>) throws -> QueueItem? {
        var passedOver = excluding
        while true {
            let candidates = try candidatesHere(slice: slice, adjudication: adjudication, excluding: passedOver,
                                                limit: Self.candidatesOffered)
            guard !candidates.isEmpty else { return nil }
            guard let grant = try session.claimFirstOnStore(candidates, holder: holder, seconds: lease, now: self.now().timeIntervalSince1970) else {
                passedOver.formUnion(candidates)
                continue
            }
            passedOver.formUnion(candidates.prefix { $0 != grant.id })
            let now = self.now().timeIntervalSince1970
            // This box's note of the claim ends when the server's does (or earlier), so a live
            // claim here means a live claim there (`confirmDecisionsOnStore`).
            let until = min(now + lease, now + grant.seconds)
            let claimed: ClaimedRow?
            do {
                claimed = try session.claimGrantedRow(
                    grant, for: claimant, slice: Self.sliceFilter(slice), adjudication: adjudication, now: now, expires: until)
            } catch {
                try? session.releaseOnStore(grant.id, holder: holder)
                throw error
            }
            guard let claimed else {
                // Decided on another box, or taken on this one, between the look and the grant:
                // the store's claim goes back, and the row is passed over.
                try session.releaseOnStore(grant.id, holder: holder)
                passedOver.insert(grant.id)
                continue
            }
            return item(claimed, until: until, adjudication: adjudication)
        }
    }

    /// `item` as the store confirms it (its lease cut to what the server granted), or nil when
    /// it must be passed over. `adjudication` nil: a row claimed by name, not from the queue
    /// (served if the store grants it, with what this box now knows of it).
    func confirmOnStore(_ item: QueueItem, slice: String?, adjudication: Bool?) throws -> QueueItem? {
        let id = item.row.id
        let now = self.now().timeIntervalSince1970
        guard let answer = try session.claimOnStore(id, holder: holder, seconds: lease, now: now) else { return item }
        switch answer {
        case let .heldByAnother(name, uid, seconds):
            try session.index.recordClaim(onRow: id, uid: uid, reviewer: name, holder: "store:\(name)", expires: now + seconds)
            return nil
        case .granted(let seconds):
            return try confirmGranted(item, seconds: seconds, slice: slice, adjudication: adjudication)
        }
    }

    /// A row the store granted for `seconds` and this box claimed: its note here cut to the
    /// server's lease, this box brought up to date, the row checked again. Nil (and the row
    /// given back here and in the store) when it is no longer this reviewer's to see.
    private func confirmGranted(_ item: QueueItem, seconds: Double, slice: String?, adjudication: Bool?) throws -> QueueItem? {
        let id = item.row.id
        let now = self.now().timeIntervalSince1970
        do {
            // This box's note of the claim ends when the server's does (or earlier), so a
            // live claim here means a live claim there (`confirmDecisionsOnStore`).
            if now + seconds < item.leaseUntil.timeIntervalSince1970 {
                _ = try session.index.renewClaim(onRow: id, holder: holder, expires: now + seconds)
            }
            // Checked again whatever this process applied: another process on this box may
            // have brought the index up to date a moment ago, after this one chose the row.
            try session.catchUpWithStore()
            if let adjudication, try !session.index.isServable(
                id: id, to: claimant, slice: Self.sliceFilter(slice), adjudication: adjudication, now: now) {
                try releaseHeldHere(id)
                return nil
            }
            var served = item
            if let fresh = try session.index.row(id: id) { served.row = fresh }
            served.leaseUntil = min(served.leaseUntil, Date(timeIntervalSince1970: now + seconds))
            return served
        } catch {
            // Not served: given back here and in the store, not left held for a lease.
            try? releaseHeldHere(id)
            throw error
        }
    }

    /// Before decisions are recorded on a store, once `decide` asked whose screen each row is on
    /// (`otherHolderOnStore`) and checked it locally: each row's claim taken or kept for this
    /// reviewer, then this box brought up to date; a row whose state changed meanwhile was
    /// decided on another box, and this decision would be a second first opinion: refused.
    func confirmDecisionsOnStore(_ rows: [IndexedRow], claims: ClaimRule) throws {
        guard session.store != nil else { return }
        let now = self.now().timeIntervalSince1970
        var unsure: [IndexedRow] = []
        for row in rows {
            if claims == .forced { unsure.append(row); continue }
            // A row this reviewer was not served is refused below (`notClaimed`): not claimed
            // in the store on the way, where it would sit on nobody's screen for a lease.
            if claims == .mustHold, try !session.index.holdsLiveClaim(onRow: row.id, uid: reviewer.uid, now: now) { continue }
            // The claim the server granted when the row was served runs a while yet (this box's
            // note ends with it, see `nextOnStore` and `confirmOnStore`): no other role can have decided the row
            // since, `winnow_append` refuses them while it is live. Nothing to ask; the
            // decision is the one round trip.
            if try session.index.holdsLiveClaim(onRow: row.id, uid: reviewer.uid, now: now + Self.claimMargin) { continue }
            if case let .heldByAnother(name, _, _) = try session.claimOnStore(row.id, holder: holder, seconds: lease, anyProcess: true, now: now) {
                throw QueueError.heldByAnother(row: row.id, reviewer: name)
            }
            unsure.append(row)
        }
        guard !unsure.isEmpty else { return }
        try session.catchUpWithStore()
        for row in unsure {
            let now = try self.row(row.id)
            if now.state != row.state { throw QueueError.decidedMeanwhile(row: row.id, state: now.state) }
            // The decision names the slice this reviewer saw; the log counts it only there.
            if now.provenance.slices.first != row.provenance.slices.first {
                throw QueueError.sliceChangedMeanwhile(row: row.id, was: row.provenance.slices.first, now: now.provenance.slices.first)
            }
        }
    }
}
