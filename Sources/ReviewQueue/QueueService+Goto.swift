import Foundation
import WinnowCore
import Workspace

/// Why a row asked for by id (`:goto ID`, a search for an id) cannot be put on this reviewer's
/// screen. Each says what to do instead; none shows anything of a row the reviewer may not see.
public enum GotoRefusal: UserFacingError, Equatable {
    case unknown(id: String)
    /// In a slice whose group the reviewer is not in: the row is not shown, its state not said.
    case notYours(id: String, slice: String, group: String)
    case onYourScreen(id: String)
    case heldByAnother(id: String, reviewer: String)
    /// The same reviewer's other terminal (another process) holds it.
    case heldByYourOtherTerminal(id: String)
    case decidedByYou(id: String, verdict: Verdict)
    case decided(id: String, state: RowState)
    case gateRejected(id: String)
    case waitsForAdjudication(id: String)
    /// Pending, but the review plan did not draw it (a non-critical slice's unsampled row).
    case notSampled(id: String, slice: String?)
    /// Not placed in the queue yet (the plan of a fresh import is still being built).
    case notPlannedYet(id: String)
    /// Servable a moment ago, taken between the look and the claim: try again.
    case busy(id: String)

    public var message: String {
        switch self {
        case .unknown(let id): return "no row has the id '\(id)' in this workspace"
        case let .notYours(id, slice, group):
            return "row '\(id)' is in slice '\(slice)', which only members of group '\(group)' may review: not shown"
        case .onYourScreen(let id): return "'\(id)' is on your screen already"
        case let .heldByAnother(id, reviewer): return "'\(id)' is on \(reviewer)'s screen now: it is theirs to decide"
        case .heldByYourOtherTerminal(let id): return "'\(id)' is open in another winnow of yours: decide it there, or leave that one"
        case let .decidedByYou(id, verdict):
            return "you decided '\(id)' already (\(verdict.rawValue)): a second opinion must come from another reviewer"
        case let .decided(id, state): return "'\(id)' is decided (\(state.rawValue)): nothing waits for a reviewer on it"
        case .gateRejected(let id): return "'\(id)' was rejected by a gate and is not in the review queue"
        case .waitsForAdjudication(let id): return "'\(id)' waits for adjudication: settle it from home (adjudication)"
        case let .notSampled(id, slice):
            return "'\(id)' is not in the review queue: the review plan did not draw it from \(slice.map { "slice '\($0)'" } ?? "rows without a slice")"
        case .notPlannedYet(let id): return "'\(id)' is not in the review queue yet: the queue plan is still being built, try again shortly"
        case .busy(let id): return "'\(id)' was taken by another reviewer just now"
        }
    }
}

extension QueueService {
    /// Claims the row with this id for review if it is servable to this reviewer (what `next`
    /// could serve them, in any slice they may see); otherwise throws a `GotoRefusal` saying
    /// why. Checked and claimed in one write transaction (`claimSkipped`), so two reviewers
    /// asking for the same row never both get it.
    public func goto(id: String) throws -> QueueItem {
        if let item = try claimSkipped(id: id, slice: nil, adjudication: false) { return item }
        throw try refusal(for: id)
    }

    /// Why `goto` could not claim the row, most telling reason first; a slice the reviewer may
    /// not see is said before anything about the row's state.
    func refusal(for id: String) throws -> GotoRefusal {
        guard let standing = try session.index.standing(ofRow: id, uid: reviewer.uid, now: now().timeIntervalSince1970) else {
            return .unknown(id: id)
        }
        if let slice = standing.slice, let group = groupKeeping(slice: slice) {
            return .notYours(id: id, slice: slice, group: group)
        }
        if let held = standing.holder {
            if held.holder == holder { return .onYourScreen(id: id) }
            if held.uid == reviewer.uid { return .heldByYourOtherTerminal(id: id) }
        }
        if let verdict = standing.yourVerdict { return .decidedByYou(id: id, verdict: verdict) }
        switch standing.state {
        case .gateRejected: return .gateRejected(id: id)
        case .adjudication: return .waitsForAdjudication(id: id)
        case .pending, .accepted, .edited, .rejected, .flagged, .retracted: break
        }
        if let held = standing.holder { return .heldByAnother(id: id, reviewer: held.reviewer) }
        if !standing.queued && standing.state == .pending { return .notPlannedYet(id: id) }
        if !standing.open { return standing.state == .pending ? .notSampled(id: id, slice: standing.slice) : .decided(id: id, state: standing.state) }
        return .busy(id: id)
    }

    /// Row ids starting with `prefix` that this reviewer may see, for completing `:goto`.
    public func rowIDs(startingWith prefix: String, limit: Int) throws -> [String] {
        try session.index.rowIDs(withPrefix: prefix, limit: limit, hiddenSlices: forbiddenSlices)
    }

    /// The group a slice is kept for when this reviewer is not in it; nil when they may review it.
    public func groupKeeping(slice: String) -> String? {
        guard let group = session.config.slice(named: slice)?.group, !reviewer.mayReview(group: group) else { return nil }
        return group
    }
}
