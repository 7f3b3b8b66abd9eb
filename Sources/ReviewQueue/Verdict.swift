import WinnowCore

/// A human verdict on a row, as `winnow decide` and the review screen record it.
public enum Verdict: String, Sendable, CaseIterable, Codable {
    case accept
    case edit
    case reject
    /// Needs an expert: out of the ordinary queue, into the expert backlog.
    case flag
}
