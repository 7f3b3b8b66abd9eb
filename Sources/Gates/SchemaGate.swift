import WinnowCore

/// The schema gate: is the row complete enough to be worth a reviewer's time?
///
/// Import has already refused rows whose fields are missing or mistyped; what gets through can
/// still be hollow: a turn that is only whitespace, a chat with no user or no assistant turn
/// (a system prompt and an answer to nothing), a preference pair whose two sides are the same
/// text (it teaches nothing), or generated text with the template's placeholders left in it
/// ("{{customer_name}}", "<PLACEHOLDER>", "[Insert date]"). Every finding has reason
/// `low-quality`; `detail.problem` says which check it was.
public struct SchemaGate: Sendable {
    public var action: GateAction
    public var placeholderAction: GateAction

    public init(settings: GateSettings = GateSettings()) {
        action = settings.schemaAction
        placeholderAction = settings.placeholderAction
    }

    /// Roles that are a person asking (chat rows); everything else that is not an answer is a
    /// system or tool turn, which cannot stand in for the user's.
    static let userLabels: Set<String> = ["user", "human"]

    public func check(_ row: GateRow) -> [GateFinding] {
        var findings: [GateFinding] = []
        let segments = row.text.segments
        if segments.isEmpty {
            findings.append(finding("no-text", "the row has no text"))
            return findings
        }
        var blank = [Bool](repeating: false, count: segments.count)
        for (i, segment) in segments.enumerated() where Self.isBlank(segment.text) {
            blank[i] = true
            findings.append(finding("empty-turn", "the \(segment.label) turn is empty", segment: i,
                                    extra: [("label", .string(segment.label))]))
        }
        func has(_ test: (RowText.Segment) -> Bool) -> Bool {
            segments.indices.contains { !blank[$0] && test(segments[$0]) }
        }
        switch row.shape {
        case .chat:
            if !has({ Self.userLabels.contains($0.label) }) {
                findings.append(finding("no-user-turn", "the conversation has no user turn"))
            }
            if !has(\.isAnswer) {
                findings.append(finding("no-assistant-turn", "the conversation has no assistant turn"))
            }
        case .preference, .hh:
            findings += checkSides(segments, blank: blank)
        case .alpaca:
            if !has({ $0.label == "instruction" }) { findings.append(finding("no-prompt", "the row has no instruction")) }
            if !has({ $0.label == "output" }) { findings.append(finding("no-answer", "the row has no output")) }
        case .dolly:
            if !has({ $0.label == "instruction" }) { findings.append(finding("no-prompt", "the row has no instruction")) }
            if !has({ $0.label == "response" }) { findings.append(finding("no-answer", "the row has no response")) }
        case .promptResponse:
            if !has({ !$0.isAnswer }) { findings.append(finding("no-prompt", "the row has no prompt")) }
            if !has(\.isAnswer) { findings.append(finding("no-answer", "the row has no response")) }
        }
        for (i, segment) in segments.enumerated() where !blank[i] {
            for placeholder in Self.placeholders(in: segment.text) {
                findings.append(GateFinding(
                    gate: "schema", reason: "low-quality", action: placeholderAction, segment: i,
                    range: placeholder.range, matched: TextNormaliser.slice(segment.text, placeholder.range),
                    detail: [("problem", .string("placeholder")), ("placeholder", .string(placeholder.kind))]))
            }
        }
        return findings
    }

    /// Both sides of a preference pair are there, and they differ.
    func checkSides(_ segments: [RowText.Segment], blank: [Bool]) -> [GateFinding] {
        var sides: [String: [String]] = [:]
        for (i, segment) in segments.enumerated() where !blank[i] {
            if let side = segment.side { sides[side, default: []].append(segment.text.trimmingWhitespace) }
        }
        var findings: [GateFinding] = []
        for side in ["chosen", "rejected"] where sides[side] == nil {
            findings.append(finding("no-\(side)", "the pair has no \(side) answer"))
        }
        if let chosen = sides["chosen"], let rejected = sides["rejected"], chosen == rejected {
            findings.append(finding("identical-sides", "chosen and rejected are the same text"))
        }
        return findings
    }

    func finding(_ problem: String, _ message: String, segment: Int? = nil, extra: [(String, JSONValue)] = []) -> GateFinding {
        GateFinding(gate: "schema", reason: "low-quality", action: action, segment: segment,
                    detail: [("problem", .string(problem)), ("message", .string(message))] + extra)
    }

    static func isBlank(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy(TextNormaliser.isSpace)
    }
}

extension String {
    /// Without leading and trailing whitespace (Unicode White_Space).
    var trimmingWhitespace: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !TextNormaliser.isSpace($0) }),
              let last = scalars.lastIndex(where: { !TextNormaliser.isSpace($0) }) else { return "" }
        return String(scalars[first...last])
    }
}
