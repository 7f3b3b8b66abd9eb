import WinnowCore

/// The PII gate: personal data (e-mail addresses, phone numbers, payment cards, SSNs, UK NI
/// numbers, other national ids) anywhere in a row, user turns included.
///
/// Synthetic rows pick personal data up from seeds and from users pasting it into a chat; a
/// model trained on them learns to repeat it. The action depends on the row's slices: reject in
/// the strict slices (medical and billing by default, where the data is health or payment data),
/// flag elsewhere, and any slice can set its own. Every finding has reason `pii`, the segment,
/// the byte range and the matched text (so the review screen can highlight it) and
/// `detail.kind`; the same text twice in one turn is reported once.
///
/// A toll-free number is a lesser finding: reason `pii-toll-free`, always a flag, even in a
/// slice that rejects personal data, because it is nearly always an organisation's published
/// line (a helpline in a medical answer, a company's support number) and rejecting the row for
/// it throws away good human rows unseen. Such findings come after the others, so the row's
/// flag, which takes its reason and the match it shows from the first finding, names the
/// personal data when there is any.
public struct PIIGate: Sendable {
    let scanner: PIIScanner
    let settings: GateSettings
    /// Per configured slice, its resolved action (so a row does not search the slice list).
    let actionBySlice: [String: GateAction]

    public init(settings: GateSettings) {
        scanner = PIIScanner(kinds: settings.piiKinds, roleEmails: settings.piiRoleEmails)
        self.settings = settings
        var actions: [String: GateAction] = [:]
        for slice in settings.slices { actions[slice.name] = settings.piiAction(forSlice: slice.name) }
        for name in settings.piiStrictSlices where actions[name] == nil { actions[name] = .reject }
        actionBySlice = actions
    }

    /// Reject when any of the row's slices rejects.
    public func action(forSlices slices: [String]) -> GateAction {
        slices.contains { (actionBySlice[$0] ?? settings.piiAction) == .reject } ? .reject : settings.piiAction
    }

    public func check(_ row: GateRow) -> [GateFinding] {
        guard !scanner.kinds.isEmpty else { return [] }
        var findings: [GateFinding] = [], tollFree: [GateFinding] = []
        var action: GateAction?
        for (i, segment) in row.text.segments.enumerated() {
            var seen = Set<String>()
            for match in scanner.scan(segment.text) {
                // The same address twice in one turn is one thing for a reviewer to look at.
                guard seen.insert(TextNormaliser.slice(segment.text, match.range)).inserted else { continue }
                let detail: [(String, JSONValue)] = [("kind", .string(match.kind.rawValue))]
                let matched = TextNormaliser.slice(segment.text, match.range)
                if match.tollFree {
                    tollFree.append(GateFinding(gate: "pii", reason: "pii-toll-free", action: .flag, segment: i,
                                                range: match.range, matched: matched, detail: detail))
                    continue
                }
                let resolved = action ?? self.action(forSlices: row.provenance.slices)
                action = resolved
                findings.append(GateFinding(
                    gate: "pii", reason: "pii", action: resolved, segment: i, range: match.range, matched: matched, detail: detail))
            }
        }
        return findings + tollFree
    }
}
