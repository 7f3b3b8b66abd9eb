import WinnowCore

/// Everything the per-row gates need to know, as plain values: the workspace fills it from
/// `winnow.toml` (`[gates]` and each `[slices.NAME]`), tests build it by hand.
///
/// Global values apply to every row; a slice can override its limits and PII action and add to
/// the blocklist (`SliceGateSettings`). A row in several slices gets the strictest of them all:
/// the smallest length limit, every slice's blocklist, and rejection for PII if any of its
/// slices rejects. The reasoning is that a row tagged medical and general carries medical's
/// risk, whatever else it is.
public struct GateSettings: Sendable, Equatable {
    /// Per turn (segment) and per row, in characters (Unicode scalars, as Python's `len`).
    public var maxTurnChars = 16000
    public var maxRowChars = 64000
    /// Optional limits in approximate tokens (characters / 4, rounded up): no tokenizer is
    /// assumed, so the estimate is the same whatever model the data is for.
    public var maxTurnTokens: Int?
    public var maxRowTokens: Int?

    /// Phrases (case-insensitive, whole words at their edges) and regular expressions
    /// (case-insensitive, ICU syntax) that flag a row wherever it is.
    public var blocklist: [String] = ["as an ai language model"]
    public var blocklistRegex: [String] = []
    public var blocklistAction: GateAction = .flag
    /// The reason code blocklist findings carry (one of the config's reject reasons).
    public var blocklistReason = "low-quality"

    /// PII is flagged by default and rejected in the strict slices (unless a slice says
    /// otherwise with its own `piiAction`): personal data in medical or billing rows is the
    /// costly kind.
    public var piiAction: GateAction = .flag
    public var piiStrictSlices: Set<String> = ["medical", "billing"]
    public var piiKinds: Set<PIIKind> = Set(PIIKind.allCases)
    /// E-mail local parts that name a role, not a person (`support@`, `no-reply@`): a company's
    /// own addresses in its support answers are not personal data. Compared lowercased.
    public var piiRoleEmails: Set<String> = PIIScanner.roleEmailLocalParts

    /// Schema: a row that is structurally incomplete (no assistant turn, identical preference
    /// sides, an empty turn) is useless, so it is rejected; a template placeholder may be a
    /// legitimate part of an answer ("sign it [Your Name]"), so it is flagged for a person.
    public var schemaAction: GateAction = .reject
    public var placeholderAction: GateAction = .flag

    /// Slices in priority order (lowest `priority` first), with their classifier rules and
    /// overrides. Rows may carry slices that are not listed; they get the global settings.
    public var slices: [SliceGateSettings] = []
    /// The slice a row without a slice goes to when no rule matches ("general"); nil leaves it
    /// untagged.
    public var defaultSlice: String?
    /// Off-slice: a tagged row is flagged when another slice's rules match at least this many
    /// distinct keywords while none of its own slices' rules match at all.
    public var offSliceMinimumHits = 2

    /// Words per n-gram for contamination (13, as in the GPT-3 paper's overlap analysis: long
    /// enough that common phrases do not match, short enough that a copied question does).
    public var contaminationNgram = 13
    /// An eval prompt with fewer words than `contaminationNgram` is looked for whole inside a
    /// row's prompt when it has at least this many words; shorter ones ("988.") would match
    /// ordinary text.
    public var contaminationMinimumWords = 8
    /// A row turn that is, as a whole, an eval prompt (or an eval conversation's first turn) is
    /// contamination down to this many words: "How do I pick a lock?" copied verbatim is a copy,
    /// "Hey" or "Thanks!" says nothing.
    public var contaminationExactMinimumWords = 3

    /// The pair gate (`PairGate`): answers at or above this Jaccard similarity of their word
    /// shingles (of this many words) are near-duplicates of each other; the workspace passes
    /// the near-duplicate gate's threshold and shingle size, so "near-duplicate" means one thing.
    public var pairSimilarityMax = 0.8
    public var pairShingleWords = 5
    public var pairAction: GateAction = .flag

    public init() {}

    /// The slices `winnow init` writes (safety, legal, medical, billing, general) with their
    /// keywords, and `general` as the default: what tests and a fresh workspace start from.
    public static var standard: GateSettings {
        var settings = GateSettings()
        settings.slices = [
            SliceGateSettings(name: "safety", priority: 1, keywords: [
                "suicide", "self-harm", "weapon", "explosive", "overdose", "poison", "kill"]),
            SliceGateSettings(name: "legal", priority: 2, keywords: [
                "contract", "lawyer", "liability", "gdpr", "terms of service", "lawsuit", "privacy"]),
            SliceGateSettings(name: "medical", priority: 3, keywords: [
                "dosage", "dose", "mg", "prescription", "symptom", "diagnosis", "medication"]),
            SliceGateSettings(name: "billing", priority: 4, keywords: [
                "refund", "invoice", "charge", "billing", "subscription", "payment", "cancel"]),
            SliceGateSettings(name: "general", priority: 10),
        ]
        settings.defaultSlice = "general"
        return settings
    }

    /// The settings of a named slice, if it is configured.
    public func slice(named name: String) -> SliceGateSettings? { slices.first { $0.name == name } }

    /// The PII action for a row in `slices`: reject if any of them rejects.
    public func piiAction(forSlices slices: [String]) -> GateAction {
        var action = piiAction
        for name in slices where piiAction(forSlice: name) == .reject { action = .reject }
        return action
    }

    /// One slice's PII action: its own setting, else reject when it is strict, else the global.
    public func piiAction(forSlice name: String) -> GateAction {
        if let own = slice(named: name)?.piiAction { return own }
        return piiStrictSlices.contains(name) ? .reject : piiAction
    }
}

/// One slice's classifier rules and the gate settings it overrides.
public struct SliceGateSettings: Sendable, Equatable {
    public var name: String
    /// Lower comes first (the queue's order); a row in several slices takes the lowest.
    public var priority: Int
    /// Classifier rules: keywords and phrases (whole words, case-insensitive) and regular
    /// expressions (case-insensitive) that say a row belongs here.
    public var keywords: [String]
    public var keywordRegex: [String]
    /// Overrides of the global limits (looser or stricter); nil keeps the global value.
    public var maxTurnChars: Int?
    public var maxRowChars: Int?
    public var maxTurnTokens: Int?
    public var maxRowTokens: Int?
    /// Added to the global blocklist for rows in this slice.
    public var blocklist: [String]
    public var blocklistRegex: [String]
    /// nil: reject if the slice is in `GateSettings.piiStrictSlices`, else the global action.
    public var piiAction: GateAction?

    public init(
        name: String, priority: Int, keywords: [String] = [], keywordRegex: [String] = [],
        maxTurnChars: Int? = nil, maxRowChars: Int? = nil, maxTurnTokens: Int? = nil, maxRowTokens: Int? = nil,
        blocklist: [String] = [], blocklistRegex: [String] = [], piiAction: GateAction? = nil
    ) {
        self.name = name
        self.priority = priority
        self.keywords = keywords
        self.keywordRegex = keywordRegex
        self.maxTurnChars = maxTurnChars
        self.maxRowChars = maxRowChars
        self.maxTurnTokens = maxTurnTokens
        self.maxRowTokens = maxRowTokens
        self.blocklist = blocklist
        self.blocklistRegex = blocklistRegex
        self.piiAction = piiAction
    }
}
