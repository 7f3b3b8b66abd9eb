import WinnowCore

/// The contamination gate: rows that share an n-gram (13 normalised words by default) with an
/// item of the configured eval files. Contaminated rows are rejected, never mixed: a model
/// trained on them would have seen the test.
///
/// Every segment is checked, prompt side and answer side alike (a generator that answers with
/// an eval question is as bad as a prompt that copies one), segment by segment so the finding
/// can point at the matched words in the row's own text. The first match in reading order is
/// reported, with the eval item, its file and the normalised n-gram in `detail`.
public struct ContaminationGate: Sendable {
    public let index: ContaminationIndex

    public init(index: ContaminationIndex) { self.index = index }

    public func check(_ row: GateRow) -> [GateFinding] {
        guard index.count > 0 else { return [] }
        for (i, segment) in row.text.segments.enumerated() {
            guard let hit = index.firstMatch(in: segment.text) else { continue }
            let item = index.items[hit.item]
            let matched = TextNormaliser.slice(segment.text, hit.range)
            var detail: [(String, JSONValue)] = [
                ("eval_item", .string(item.id)),
                ("eval_file", .string(item.file)),
                ("ngram", .string(TextNormaliser.normalise(matched))),
                ("words", .int(hit.words)),
            ]
            if let line = item.line { detail.append(("eval_line", .int(line))) }
            return [GateFinding(gate: "contamination", reason: "contamination", action: .reject, segment: i,
                                range: hit.range, matched: matched, detail: detail)]
        }
        return []
    }
}
