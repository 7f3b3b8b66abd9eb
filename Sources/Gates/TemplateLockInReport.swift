/// What the template gate measured for one (generator, template) group. Also what
/// `winnow stats` shows under variety.
public struct TemplateGroupStats: Sendable, Equatable {
    public var generator: String
    public var template: String
    /// Rows in the group with a non-empty answer.
    public var rows: Int
    /// The most common opening (lowercased words joined by spaces) and the share of rows with it.
    public var opening: String
    public var openingShare: Double
    /// The most common skeleton and the share of rows with it.
    public var skeleton: String
    public var skeletonShare: Double
    /// Distinct words / all words and distinct word bigrams / all bigrams over the sampled
    /// answers (1 = no repetition at all; templated text scores low).
    public var distinct1: Double
    public var distinct2: Double
    /// Answers the distinct-n figures were computed over.
    public var distinctRows: Int
    /// Over the share with at least the minimum group size.
    public var flagged: Bool

    /// "generator/template", the group's name in findings.
    public var group: String { "\(generator)/\(template)" }
}

/// Everything one template run found.
public struct TemplateLockInReport: Sendable {
    /// Every group with at least one answer, ordered by generator then template.
    public var groups: [TemplateGroupStats]
    /// One finding per row that echoes its flagged group's dominant opening or skeleton, in
    /// input order.
    public var findings: [(id: String, finding: GateFinding)]

    public var flaggedGroups: [TemplateGroupStats] { groups.filter(\.flagged) }
}
