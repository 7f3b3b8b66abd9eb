import WinnowCore

extension GateFinding {
    /// Every gate's name, as findings and the settings (`[gates.on_flag]`) spell it.
    public static let gateNames = [
        "schema", "length", "blocklist", "pii", "classifier", "exact-duplicate", "near-duplicate", "template", "contamination",
        "answer-overlap", "pair",
    ]
}

/// One thing a gate found in a row. The matched span lets the review screen highlight it.
public struct GateFinding: Sendable, Equatable {
    /// The gate's name: "schema", "length", "blocklist", "pii", "classifier", "exact-duplicate",
    /// "near-duplicate", "template", "contamination".
    public var gate: String
    /// A reason code (the config's reject reasons where one fits: "pii", "duplicate", ...).
    public var reason: String
    public var action: GateAction
    /// Index into `RowText.segments` and the UTF-8 byte range of the match in that segment's text.
    public var segment: Int?
    public var range: Range<Int>?
    /// The matched text (untrusted: sanitise before printing).
    public var matched: String?
    /// Gate-specific facts (neighbour id and similarity, eval item, n-gram, share, ...).
    public var detail: [(String, JSONValue)]

    public init(
        gate: String, reason: String, action: GateAction = .flag, segment: Int? = nil, range: Range<Int>? = nil,
        matched: String? = nil, detail: [(String, JSONValue)] = []
    ) {
        self.gate = gate
        self.reason = reason
        self.action = action
        self.segment = segment
        self.range = range
        self.matched = matched
        self.detail = detail
    }

    public static func == (a: GateFinding, b: GateFinding) -> Bool {
        a.gate == b.gate && a.reason == b.reason && a.action == b.action && a.segment == b.segment
            && a.range == b.range && a.matched == b.matched && JSONValue.object(a.detail) == JSONValue.object(b.detail)
    }
}

/// What a per-row gate sees.
public struct GateRow: Sendable {
    public var id: String
    public var shape: RowShape
    public var provenance: Provenance
    public var text: RowText

    public init(id: String, shape: RowShape, provenance: Provenance, text: RowText) {
        self.id = id
        self.shape = shape
        self.provenance = provenance
        self.text = text
    }
}
