import Foundation

/// What a session that reviews row after row (a review screen) sets up once, as it opens, so
/// that no key a reviewer waits on pays for it.
extension WorkspaceSession {
    /// The index's WAL checkpoints move to a thread of their own (`RowIndex.checkpointInBackground`)
    /// and, on a store, the server's process is made ready for the first row and the first
    /// decision (`ReplicatedLog.warmUpForReview`). `holder` is the reviewing process's claim
    /// holder. Not for commands that run once: each would pay the store's warm-up for nothing.
    public func prepareForReview(holder: String) {
        index.checkpointInBackground()
        store?.warmUpForReview(holder: holder)
    }
}
