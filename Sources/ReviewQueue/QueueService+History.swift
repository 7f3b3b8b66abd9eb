import Foundation
import ProvenanceLog
import WinnowCore
import Workspace

/// One reviewer's decisions over a period, for the home screen's "you today".
public struct ReviewerTally: Sendable, Equatable {
    public var accepted = 0
    public var edited = 0
    public var rejected = 0
    public var flagged = 0
    public init() {}
    public var total: Int { accepted + edited + rejected + flagged }
}

extension QueueService {
    /// Takes back one of this reviewer's decisions by appending a `revert`: the log keeps both.
    /// The row returns to the queue (and to this reviewer's screen if they claim it again).
    @discardableResult
    public func undo(decision seq: Int, note: String? = nil) throws -> LogEntry {
        guard let owner = try session.index.decisionOwner(seq: seq), owner.uid == reviewer.uid, owner.standing else {
            throw QueueError.nothingToUndo(seq: seq)
        }
        return try session.record([RevertPayload(reverts: seq, note: note)])[0]
    }

    /// Standing decisions on a row, oldest first.
    public func decisions(on id: String) throws -> [RecordedDecision] {
        try session.index.standingDecisions(onRow: id)
    }

    /// This reviewer's standing decisions made at or after `since` (an RFC 3339 UTC time).
    public func tally(since: String) throws -> ReviewerTally {
        let counts = try session.index.standingVerdictCounts(uid: reviewer.uid, since: since)
        var tally = ReviewerTally()
        for (verdict, count) in counts {
            switch verdict {
            case .accept: tally.accepted += count
            case .edit: tally.edited += count
            case .reject: tally.rejected += count
            case .flag: tally.flagged += count
            }
        }
        return tally
    }

    /// Open rows in the order `next` would serve them (this reviewer's slices, not held by
    /// another process, not already decided by them), a page at a time: for searching the queue.
    public func queuedRows(slice: String?, offset: Int, limit: Int) throws -> [IndexedRow] {
        try session.index.queuedRows(for: claimant, slice: Self.sliceFilter(slice), now: now().timeIntervalSince1970,
                                     offset: offset, limit: limit)
    }

    /// Rows still open in the queue (for one slice, or all): the review screen's "left".
    public func openCount(slice: String?) throws -> Int {
        try session.index.openCount(slice: Self.sliceFilter(slice))
    }

    /// Rows waiting for adjudication, and how many of them this reviewer decided (a reviewer
    /// never settles a disagreement they are part of): the adjudication screen says why it
    /// has nothing to show while the backlog is not empty.
    public func adjudicationWaiting(slice: String?) throws -> (total: Int, decidedByYou: Int) {
        let backlog = try session.index.adjudicationBacklog(slice: Self.sliceFilter(slice), uid: reviewer.uid)
        return (backlog.total, backlog.decidedBy)
    }

    /// A row by id with its current state, or nil.
    public func row(id: String) throws -> IndexedRow? { try session.index.row(id: id) }
}
