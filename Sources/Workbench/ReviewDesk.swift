import Foundation
import ProvenanceLog
import ReviewQueue
import WinnowCore
import Workspace

/// Everything the screens read from and write to the workspace, in one place: the queue (with
/// this session's claims), the rows' text, flags and decisions, the log. Screens hold no
/// database or file handles of their own.
public final class ReviewDesk {
    public let session: WorkspaceSession
    public let queue: QueueService
    let store: RowStore
    /// Decisions made in this session, newest last: what undo takes back.
    private(set) var madeHere: [(seq: Int, row: String, adjudication: Bool)] = []

    public init(session: WorkspaceSession, queue: QueueService) {
        self.session = session
        self.queue = queue
        store = RowStore(paths: session.paths, index: session.index)
    }

    public var reviewerName: String { Sanitiser.clean(queue.reviewer.user) }
    public var config: WorkspaceConfig { session.config }

    func next(slice: String?, adjudication: Bool) throws -> QueueItem? {
        try queue.next(slice: slice, adjudication: adjudication, excluding: Set(skipped(slice: slice, adjudication: adjudication).map(\.id)))
    }

    /// A row left without a decision (skipped, or left for a search hit): given back to the
    /// queue at once, so another reviewer can take it now instead of when the lease ends, and
    /// remembered, newest last, so this session does not get it again unasked and can go back
    /// to it. At most `skippedLimit` are kept (the oldest are forgotten: still in the queue,
    /// only no longer held back from this session).
    struct Skipped: Equatable {
        var id: String
        var slice: String?
        var adjudication: Bool
    }
    private(set) var skippedRows: [Skipped] = []
    static let skippedLimit = 5_000

    /// `atFront`: remembered as the oldest skip (a row left by going back to another), so the
    /// way back walks through every skipped row before it comes round again.
    func skip(_ id: String, slice: String?, adjudication: Bool, atFront: Bool = false) throws {
        let entry = Skipped(id: id, slice: slice, adjudication: adjudication)
        skippedRows.removeAll { $0 == entry }
        if atFront { skippedRows.insert(entry, at: 0) } else { skippedRows.append(entry) }
        if skippedRows.count > Self.skippedLimit { skippedRows.removeFirst(skippedRows.count - Self.skippedLimit) }
        try queue.releaseHeldHere(id)
    }

    /// The rows skipped on a screen (one slice's review, all slices', adjudication), oldest first.
    func skipped(slice: String?, adjudication: Bool) -> [Skipped] {
        skippedRows.filter { $0.slice == slice && $0.adjudication == adjudication }
    }

    /// Claims the row skipped most recently on this screen that can still be served (rows
    /// someone decided or holds meanwhile are dropped from the list); nil when none can.
    func backToSkipped(slice: String?, adjudication: Bool) throws -> QueueItem? {
        while let last = skippedRows.lastIndex(where: { $0.slice == slice && $0.adjudication == adjudication }) {
            let entry = skippedRows[last]
            // Off the list once the queue has answered: a failed claim (a busy index) keeps it.
            let item = try queue.claimSkipped(id: entry.id, slice: slice, adjudication: adjudication)
            skippedRows.remove(at: last)
            if let item { return item }
        }
        return nil
    }

    func text(of row: IndexedRow) throws -> RowText { try store.text(of: row) }
    func value(of row: IndexedRow) throws -> JSONValue { try store.value(of: row) }
    func flags(of row: IndexedRow) throws -> [GateFlag] { try session.index.flags(of: row.id) }
    func row(id: String) throws -> IndexedRow? { try queue.row(id: id) }
    func decisions(on id: String) throws -> [RecordedDecision] { try queue.decisions(on: id) }

    /// Records one decision (locked, fsynced) and releases the row. If something fails after
    /// the entry reached the log (the index update, the release), the decision stands: it is
    /// returned with a warning instead of thrown, so nobody decides the same row twice.
    func decide(_ request: DecisionRequest, adjudication: Bool) throws -> (entry: LogEntry, warning: String?) {
        let entry: LogEntry
        var warning: String?
        do {
            entry = try queue.decide(request)
        } catch WorkspaceError.loggedButNotApplied(let entries, let reason) where !entries.isEmpty {
            entry = entries[0]
            warning = "after it was logged: \(Sanitiser.clean(reason)) (the index catches up when the workspace is next opened)"
        }
        madeHere.append((entry.seq, request.id, adjudication))
        return (entry, warning)
    }

    var lastDecision: (seq: Int, row: String, adjudication: Bool)? { madeHere.last }

    /// Takes back this session's latest decision (or the one at `position` in `madeHere`);
    /// returns the row it was about. A decision already taken back elsewhere (a rollback,
    /// another terminal) is dropped from the list.
    func undo(at position: Int? = nil) throws -> (entry: LogEntry, row: String)? {
        guard let index = position ?? madeHere.indices.last, madeHere.indices.contains(index) else { return nil }
        let last = madeHere[index]
        let entry: LogEntry
        do {
            entry = try queue.undo(decision: last.seq, note: "undo from the review screen")
        } catch QueueError.nothingToUndo {
            madeHere.remove(at: index)
            throw QueueError.nothingToUndo(seq: last.seq)
        } catch WorkspaceError.loggedButNotApplied(let entries, _) where !entries.isEmpty {
            entry = entries[0]  // the revert is in the log: the undo happened
        }
        madeHere.remove(at: index)
        return (entry, last.row)
    }

    @discardableResult
    func renew(_ id: String) throws -> Bool { try queue.renew(id) }

    /// Edit drafts that were not saved: `winnow review` names them when it ends, so text a
    /// reviewer wrote is never silently left behind.
    public private(set) var keptDrafts: [String] = []
    func keepDraft(_ path: String) { if !keptDrafts.contains(path) { keptDrafts.append(path) } }
    func forgetDraft(_ path: String) { keptDrafts.removeAll { $0 == path } }

    /// The first queued row (in serving order, other than `excluding`) whose text contains
    /// `term`, reading at most `limit` rows so a search over a million rows stays a keypress,
    /// not a wait; also how many rows were read.
    func findInQueue(_ term: String, slice: String?, excluding: Set<String>, limit: Int = 20_000) throws -> (row: IndexedRow?, scanned: Int) {
        var scanned = 0
        let page = 500
        while scanned < limit {
            let rows = try queue.queuedRows(slice: slice, offset: scanned, limit: page)
            for row in rows where !excluding.contains(row.id) {
                let text = try store.text(of: row)
                if text.segments.contains(where: { $0.text.range(of: term, options: .caseInsensitive) != nil }) {
                    return (row, scanned + 1)
                }
            }
            scanned += rows.count
            if rows.count < page { break }
        }
        return (nil, scanned)
    }

    func claim(_ id: String) throws -> QueueItem? { try queue.claim(id: id) }

    /// Gives back every row this session claimed (on leaving, on a signal).
    func releaseAll() {
        try? queue.release()
    }

    func summary() throws -> QueueSummary { try queue.summary() }

    func tallyToday() throws -> ReviewerTally {
        try queue.tally(since: String(LogTimestamp.now().prefix(10)) + "T00:00:00.000Z")
    }

    func trustReport() throws -> TrustReport {
        try queue.trustReport(precisionTarget: config.review.judgePrecision)
    }

    func recentLog(_ count: Int) throws -> [LogEntry] {
        try LogReader.tail(count, path: session.paths.log, displayPath: session.paths.display(session.paths.log))
    }

    /// Size of the log file: the log screen re-reads only when it grows.
    func logSize() -> UInt64 {
        (try? FileManager.default.attributesOfItem(atPath: session.paths.log)[.size] as? UInt64) ?? 0
    }
}
