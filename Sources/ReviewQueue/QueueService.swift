import Foundation
import ProvenanceLog
import WinnowCore
import Workspace

/// Why a queue operation was refused, in words a reviewer can act on.
public enum QueueError: UserFacingError {
    case unknownRow(String)
    case notAllowed(row: String, slice: String, group: String)
    case unknownReason(String, known: [String])
    case missingReason(Verdict)
    case bothBadNotPair(id: String, verdict: Verdict, shape: String)
    case editUnreadable(path: String, reason: String)
    case verdictFile(location: SourceLocation, reason: String)
    case nothingToUndo(seq: Int)
    case heldByAnother(row: String, reviewer: String)
    case notClaimed(row: String)
    /// Decided on another box between this reviewer's look and their decision (a store).
    case decidedMeanwhile(row: String, state: RowState)
    /// Moved to another slice on another box between this reviewer's look and their decision.
    case sliceChangedMeanwhile(row: String, was: String?, now: String?)
    /// Logged, but not counted: by the log the row was in another slice (`RowIndex.apply(decision:)`).
    case notCounted(row: String, seq: Int, named: String?, slice: String?)

    public var message: String {
        switch self {
        case .unknownRow(let id): return "no row with id '\(id)' in this workspace"
        case let .notAllowed(row, slice, group):
            return "row '\(row)' is in slice '\(slice)', which only members of group '\(group)' may review"
        case let .unknownReason(code, known):
            let near = Suggestion.nearest(to: code, in: known).map { " (did you mean '\($0)'?)" } ?? ""
            return "unknown reason '\(code)'\(near); reasons: \(known.joined(separator: ", "))"
        case .missingReason(let verdict): return "a \(verdict.rawValue) needs a reason code (--reject REASON)"
        case let .bothBadNotPair(id, verdict, shape):
            return verdict == .reject ? "\(id): both-bad is for preference pairs, and this row is \(shape): reject it with another reason"
                : "\(id): both-bad is a reason for a reject, not for \(verdict.rawValue)"
        case let .editUnreadable(path, reason): return "\(path): the edited row was not saved: \(reason)"
        case let .verdictFile(location, reason): return "\(location): \(reason)"
        case .nothingToUndo(let seq): return "entry #\(seq) is not a standing decision of yours: nothing to undo"
        case .notClaimed(let row):
            return "row '\(row)' is not yours to decide: take it with 'winnow next' first (your lease may have run out), "
                + "or record the decision anyway with --force (the log says it was forced); nothing was recorded"
        case let .decidedMeanwhile(row, state):
            return "row '\(row)' was decided on another box meanwhile (it is \(state.rawValue) now): nothing was recorded;"
                + " look at it again before deciding it"
        case let .sliceChangedMeanwhile(row, was, now):
            return "row '\(row)' moved from slice \(Self.name(was)) to \(Self.name(now)) on another box meanwhile:"
                + " nothing was recorded; look at it again before deciding it"
        case let .notCounted(row, seq, named, slice):
            return "entry #\(seq) on row '\(row)' was logged under slice \(Self.name(named)), but by the log the row was in"
                + " \(Self.name(slice)) by then (it moved meanwhile): the decision does not count, and the row is back in the queue"
        case let .heldByAnother(row, holder):
            return "row '\(row)' is on \(holder)'s screen now (your lease on it ran out): nothing was recorded"
        }
    }

    private static func name(_ slice: String?) -> String { slice.map { "'\($0)'" } ?? "(none)" }
}

/// The review queue over one workspace for one reviewer: which row comes next (claimed with a
/// lease so two reviewers never get the same row), and the one path every decision takes into
/// the log, whether it comes from the review screen, `winnow decide` or a batch file.
public final class QueueService {
    public let session: WorkspaceSession
    public let reviewer: Reviewer
    let plan: QueuePlan
    /// Lease length; renewed while the row stays on screen.
    public var lease: TimeInterval
    /// The clock, injectable so tests can expire leases without waiting.
    public var now: () -> Date = Date.init
    /// This process's claim token: rows it holds are not served to any other process, even
    /// the same person's second terminal.
    public let holder = "\(getpid())-\(UInt64.random(in: 0...UInt64.max))"

    /// A plan still being built behind a review screen (see `QueuePlanBuild`); nil once the
    /// stored plan is current.
    var build: QueuePlanBuild?
    /// Rows placed per batch of a plan built as needed (tests make it small).
    public var planningBatch = QueuePlanBuild.screenBatch

    /// How the queue plan is brought up to date when the service opens.
    public enum Planning: Sendable {
        /// All of it, before the service is returned: what commands that list or count need.
        case whole
        /// Only as far as the first row needs; the rest by `continuePlanning` (a review screen,
        /// between keys) or by `next` when it reaches rows not placed yet.
        case asNeeded
    }

    /// `reviewer` defaults to who the session acts as (`Reviewer(session:)`).
    public init(session: WorkspaceSession, reviewer: Reviewer? = nil, planning: Planning = .whole) throws {
        self.session = session
        self.reviewer = reviewer ?? Reviewer(session: session)
        plan = QueuePlan(config: session.config)
        lease = TimeInterval(session.config.review.leaseMinutes * 60)
        switch planning {
        case .whole: try plan.refresh(session.index)
        case .asNeeded: build = try QueuePlanBuild(plan: plan, index: session.index)
        }
    }

    /// For a service that serves row after row to someone waiting on each (a review screen):
    /// set-up that would otherwise land on one of those keys is done now (see
    /// `WorkspaceSession.prepareForReview`).
    public func prepareForReview() {
        session.prepareForReview(holder: holder)
    }

    /// Rows placed so far and in all while a plan is being built; nil when the plan is current.
    public var planningProgress: (placed: Int, total: Int)? {
        guard let build, !build.isComplete else { return nil }
        return (build.written, build.total)
    }

    /// Places the next batch of a plan being built; false when there was nothing left to do.
    @discardableResult
    public func continuePlanning() throws -> Bool {
        guard let build, !build.isComplete else { return false }
        if try build.step(rows: planningBatch) { self.build = nil }
        return true
    }

    /// Slices this reviewer may not see (their config names a group the reviewer is not in).
    var forbiddenSlices: [String] {
        session.config.slices.filter { !reviewer.mayReview(group: $0.group) }.map(\.name)
    }

    func row(_ id: String) throws -> IndexedRow {
        guard let row = try session.index.row(id: id) else { throw QueueError.unknownRow(id) }
        return row
    }

    func checkAllowed(_ row: IndexedRow) throws {
        guard let slice = row.provenance.slices.first, let group = groupKeeping(slice: slice) else { return }
        throw QueueError.notAllowed(row: row.id, slice: slice, group: group)
    }

    /// `winnow decide` decides rows the reviewer holds (from `next`, lease still live).
    func checkHeldByThisReviewer(_ row: IndexedRow) throws {
        guard try session.index.holdsLiveClaim(onRow: row.id, uid: reviewer.uid, now: now().timeIntervalSince1970) else {
            throw QueueError.notClaimed(row: row.id)
        }
    }

    /// A row another reviewer holds (their lease is live) is theirs to decide: this reviewer's
    /// own lease ran out while they looked (a long edit, a walk away) and the queue served the
    /// row again. Refused, so one row does not get two first opinions by accident.
    func checkNotHeldByAnother(_ row: IndexedRow) throws {
        if let holder = try session.index.liveClaimHolder(ofRow: row.id, otherThan: reviewer.uid, now: now().timeIntervalSince1970) {
            throw QueueError.heldByAnother(row: row.id, reviewer: holder)
        }
    }
}
