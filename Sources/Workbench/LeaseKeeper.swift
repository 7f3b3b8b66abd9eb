import Foundation

/// Renews a row's lease from a background timer while the terminal belongs to another program
/// (the editor): the review loop renews leases when it is idle, but it is blocked until the
/// editor exits, and an edit can take longer than a lease. Without this, a reviewer who spent
/// eleven minutes on a careful edit found the row on someone else's screen and the edit
/// refused.
///
/// The timer only runs while this process runs: a winnow stopped with the editor (SIGSTOP,
/// a suspended ssh session) lets the lease lapse as it should, and `stop()` then says the row
/// is no longer held. Nor does it renew for ever: after `limit` (six leases, an hour by
/// default) an editor left open overnight stops holding the row, which goes back to the queue
/// when the lease runs out; the draft is kept and named as for any edit that is not recorded.
///
/// `stop()` waits for a renewal under way; against another process holding the index's write
/// lock that is SQLite's busy timeout at most.
final class LeaseKeeper: @unchecked Sendable {
    private let queue = DispatchQueue(label: "winnow.lease-keeper")
    private let timer: DispatchSourceTimer
    private let lock = NSLock()
    private var held = true
    private let desk: ReviewDesk
    private let id: String

    /// Starts renewing `id` every `interval` seconds (a third of the lease: two renewals can
    /// fail or be late before the lease runs out).
    init(desk: ReviewDesk, id: String, every interval: TimeInterval, limit: TimeInterval) {
        self.desk = desk
        self.id = id
        timer = DispatchSource.makeTimerSource(queue: queue)
        let until = Date().addingTimeInterval(limit)
        timer.setEventHandler { [weak self] in
            guard let self, Date() < until else { return }
            // The review loop is blocked in the editor, so the desk is not used concurrently.
            let stillHeld = (try? self.desk.renew(self.id)) ?? true  // a failed write is not a lost row; the next try may work
            self.lock.withLock { self.held = self.held && stillHeld }
        }
        let nanos = max(1, Int(interval * 1_000_000_000))
        timer.schedule(deadline: .now() + .nanoseconds(nanos), repeating: .nanoseconds(nanos))
        timer.resume()
    }

    /// Stops the timer (waiting for a renewal under way) and renews once more: true while the
    /// row is still this process's.
    func stop() -> Bool {
        timer.cancel()
        // A cancelled source runs no more handlers; one already running finishes on its queue.
        queue.sync {}
        let renewed = (try? desk.renew(id)) ?? false
        return lock.withLock { held } && renewed
    }
}
