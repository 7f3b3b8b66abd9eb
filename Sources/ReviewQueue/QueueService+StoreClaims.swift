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
    /// `item` as the store confirms it (its lease cut to what the server granted), or nil when
    /// it must be passed over. `adjudication` nil: a row claimed by name, not from the queue
    /// (served if the store grants it, with what this box now knows of it).
    func confirmOnStore(_ item: QueueItem, slice: String?, adjudication: Bool?) throws -> QueueItem? {
        let id = item.row.id
        guard let answer = try session.claimOnStore(id, holder: holder, seconds: lease) else { return item }
        let now = self.now().timeIntervalSince1970
        switch answer {
        case let .heldByAnother(name, uid, seconds):
            try session.index.recordClaim(onRow: id, uid: uid, reviewer: name, holder: "store:\(name)", expires: now + seconds)
            return nil
        case .granted(let seconds):
            var served = item
            if try session.catchUpWithStore() > 0 {
                let until = item.leaseUntil.timeIntervalSince1970
                let again: ClaimedRow?
                if let adjudication {
                    again = try session.index.claimIfServable(
                        id: id, for: claimant, slice: Self.sliceFilter(slice), adjudication: adjudication, now: now, expires: until)
                } else {
                    again = try session.index.claim(id: id, for: claimant, now: now, expires: until, mayClaim: { _ in true })
                }
                guard let again else {
                    try releaseHeldHere(id)
                    return nil
                }
                served = self.item(again, until: until, adjudication: again.row.state == .adjudication)
            }
            served.leaseUntil = min(served.leaseUntil, Date(timeIntervalSince1970: now + seconds))
            return served
        }
    }

    /// Before decisions are recorded on a store: each row's claim taken or kept for this
    /// reviewer (a row another reviewer's screen holds is refused, as the server would refuse
    /// the entry), then this box brought up to date; a row whose state changed meanwhile was
    /// decided on another box, and this decision would be a second first opinion: refused.
    func confirmDecisionsOnStore(_ rows: [IndexedRow], claims: ClaimRule) throws {
        guard session.store != nil else { return }
        for row in rows {
            // The store, not this box's note of other boxes' claims, says whose screen it is on.
            if let name = try session.otherHolderOnStore(row.id) { throw QueueError.heldByAnother(row: row.id, reviewer: name) }
            if claims == .forced { continue }
            // A row this reviewer was not served is refused below (`notClaimed`): not claimed
            // in the store on the way, where it would sit on nobody's screen for a lease.
            if claims == .mustHold, try !session.index.holdsLiveClaim(onRow: row.id, uid: reviewer.uid, now: now().timeIntervalSince1970) {
                continue
            }
            if case let .heldByAnother(name, _, _) = try session.claimOnStore(row.id, holder: holder, seconds: lease, anyProcess: true) {
                throw QueueError.heldByAnother(row: row.id, reviewer: name)
            }
        }
        guard try session.catchUpWithStore() > 0 else { return }
        for row in rows {
            let now = try self.row(row.id)
            if now.state != row.state { throw QueueError.decidedMeanwhile(row: row.id, state: now.state) }
        }
    }
}
