import WinnowCore

/// The contamination gate: rows whose prompt side copies the prompt side of an item in the
/// configured eval files. Contaminated rows are rejected, never mixed: a model trained on them
/// would have seen the test.
///
/// Only prompt against prompt rejects. Each prompt turn or field of the row (user and system
/// turns, instruction, input, prompt, question, hh Human turns) is checked on its own, so the
/// finding points at the matched words in the row's own text:
/// - it contains an n-gram of an eval prompt, or a whole eval prompt shorter than n words;
/// - it is, as a whole, an eval item's whole prompt or first user turn (exact, any length down
///   to `exactMinimumWords`);
/// - the row's prompt turns together are an eval item's whole prompt (a copied conversation).
///
/// Everything else that overlaps — the row's answers against eval prompts or answers, or its
/// prompt against eval answers — is the weaker `answer-overlap` flag: answers share stock
/// wording ("there are 7 days in a week, so"), and a generated answer that quotes an eval
/// question is worth a person's look but is not by itself a copied test item.
public struct ContaminationGate: Sendable {
    public let index: ContaminationIndex

    public init(index: ContaminationIndex) { self.index = index }

    /// Segment labels that are answer side (what a model wrote); every other label is prompt
    /// side. `RowText.Segment.isAnswer` is not used: it counts an hh transcript's Human turns as
    /// answers because they carry a preference side.
    static let answerLabels: Set<String> = [
        "assistant", "gpt", "model", "bot", "chatbot", "output", "response", "completion", "answer",
        "chosen", "rejected",
    ]

    public static func isPrompt(_ segment: RowText.Segment) -> Bool { !answerLabels.contains(segment.label) }

    public func check(_ row: GateRow) -> [GateFinding] {
        guard !index.items.isEmpty else { return [] }
        var overlap: (segment: Int, hit: ContaminationIndex.Hit)?
        var joined = ContaminationIndex.Whole()
        var promptSegments: [Int] = []
        // An hh row holds its Human turns twice (chosen and rejected transcripts): join one side.
        var joinedSide: String??
        for (i, segment) in row.text.segments.enumerated() {
            let isPrompt = Self.isPrompt(segment)
            if !isPrompt && overlap != nil { continue }
            var contaminated: ContaminationIndex.Hit?
            let whole = index.walk(segment.text) { hit in
                if isPrompt && hit.side == .prompt {
                    contaminated = hit
                    return true
                }
                if overlap == nil { overlap = (i, hit) }
                return !isPrompt
            }
            if let contaminated { return [finding(row, segment: i, contaminated)] }
            guard isPrompt else { continue }
            if let item = index.exactMatch(whole) {
                let hit = ContaminationIndex.Hit(item: item, side: .prompt, range: whole.range, words: whole.words, exact: true)
                return [finding(row, segment: i, hit)]
            }
            if joinedSide == nil { joinedSide = .some(segment.side) }
            if joinedSide == .some(segment.side) {
                joined.append(whole)
                promptSegments.append(i)
            }
        }
        if promptSegments.count > 1, let item = index.exactMatch(joined) {
            let first = promptSegments[0]
            let text = row.text.segments[first].text
            let hit = ContaminationIndex.Hit(item: item, side: .prompt, range: 0..<text.utf8.count, words: joined.words, exact: true)
            return [finding(row, segment: first, hit, turns: promptSegments.count)]
        }
        if let overlap { return [finding(row, segment: overlap.segment, overlap.hit)] }
        return []
    }

    /// The finding for a hit: contamination (reject) for a row prompt matching an eval prompt,
    /// answer-overlap (flag) for anything else.
    func finding(_ row: GateRow, segment: Int, _ hit: ContaminationIndex.Hit, turns: Int? = nil) -> GateFinding {
        let item = index.items[hit.item]
        let text = row.text.segments[segment].text
        let matched = TextNormaliser.slice(text, hit.range)
        let isContamination = hit.side == .prompt && Self.isPrompt(row.text.segments[segment])
        var detail: [(String, JSONValue)] = [
            ("eval_item", .string(item.id)),
            ("eval_file", .string(item.file)),
            ("eval_side", .string(hit.side.rawValue)),
            ("match", .string(hit.exact ? "exact" : "ngram")),
            ("words", .int(hit.words)),
        ]
        if !hit.exact { detail.append(("ngram", .string(TextNormaliser.normalise(matched)))) }
        if let turns { detail.append(("turns", .int(turns))) }
        if let line = item.line { detail.append(("eval_line", .int(line))) }
        let name = isContamination ? "contamination" : "answer-overlap"
        return GateFinding(gate: name, reason: name, action: isContamination ? .reject : .flag, segment: segment,
                           range: hit.range, matched: matched, detail: detail)
    }
}
