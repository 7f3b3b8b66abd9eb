/// The words every layer uses for a row's review: what a person decided (`Verdict`), what a
/// gate did (`GateAction`) and where that leaves the row (`RowState`). They live here, below
/// the log, the index and the queue, so that each of those speaks the same type instead of a
/// copy of it bridged by `rawValue`: a new case is then one the compiler makes every `switch`
/// handle. The raw values are what the log and the index store; they never change.

/// A human verdict on a row, as `winnow decide` and the review screen record it (and as a
/// `decision` log entry's `action` spells it).
public enum Verdict: String, Sendable, CaseIterable, Codable {
    case accept
    case edit
    case reject
    /// Needs an expert: out of the ordinary queue, into the expert backlog.
    case flag

    /// Where this verdict, standing alone, leaves a row.
    public var state: RowState {
        switch self {
        case .accept: return .accepted
        case .edit: return .edited
        case .reject: return .rejected
        case .flag: return .flagged
        }
    }
}

/// What a gate does about a row: flag it for a reviewer's attention, or reject it outright
/// (a human decision can still override either).
public enum GateAction: String, Sendable, Codable, CaseIterable {
    case flag
    case reject
}

/// Where a row stands: the index keeps one per row, recomputed from its standing decisions
/// and gate flags whenever either changes.
public enum RowState: String, Sendable, CaseIterable, Codable {
    /// No standing decision, and no gate rejected it: waiting for a reviewer (or for the
    /// mixer's trust in its group, when it is never sampled).
    case pending
    case accepted
    case edited
    case rejected
    /// A reviewer sent it to an expert.
    case flagged
    /// Reviewers disagree and nobody has adjudicated.
    case adjudication
    /// A gate rejected it and no person has decided it since.
    case gateRejected = "gate-rejected"
    /// A rollback took its import (or the decision that made it) back out.
    case retracted

    /// A reviewer's standing verdict put it here.
    public var isDecided: Bool {
        switch self {
        case .accepted, .edited, .rejected, .flagged: return true
        case .pending, .adjudication, .gateRejected, .retracted: return false
        }
    }
}
