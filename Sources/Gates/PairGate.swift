import WinnowCore

/// The pair gate: a preference pair teaches a ranker only when its two answers differ in what
/// the ranking is about. Three ways they do not, each a flag on the pair:
///
/// - `same-generator`: both answers were written by one generator (from one prompt: a pair
///   shares it). Sampling a model twice and letting it, or its judge, pick teaches a ranker to
///   prefer fluent wrong over fluent wrong. The row's `chosen_generator` / `rejected_generator`
///   say who wrote each side (names compared without case); a row that names neither was
///   written by its own generator on both sides; a row that names one side only leaves the
///   other unknown.
/// - `cannot-judge`: the pair names no generator for a side (HH-RLHF's transcripts, most
///   scraped preference sets). The gate cannot say the sides differ in origin, so it says so
///   rather than pass the pair: fail closed, like every gate.
/// - `similar-answers`: the answers (after the turns both sides share, as HH transcripts
///   repeat the conversation) are near-duplicates: Jaccard similarity of their word shingles at
///   or above the near-duplicate gate's threshold. Identical sides are the schema gate's.
/// - `both-GATE`: another gate flagged or rejected both answers (both trip PII, both the
///   blocklist): a pair whose sides share the failure teaches nothing about it. Findings in the
///   shared turns do not count (they are the same text on both sides).
///
/// Every check looks at the row alone, so the gate runs with the per-row gates, after them.
public struct PairGate: Sendable {
    public static let name = "pair"
    let similarityMax: Double
    let shingleWords: Int
    let action: GateAction

    public init(settings: GateSettings) {
        similarityMax = settings.pairSimilarityMax
        shingleWords = settings.pairShingleWords
        action = settings.pairAction
    }

    /// The answers of each side: their segment numbers, past the leading turns both share.
    public static func answers(_ text: RowText) -> (chosen: [Int], rejected: [Int])? {
        let segments = text.segments
        let chosen = segments.indices.filter { segments[$0].side == "chosen" }
        let rejected = segments.indices.filter { segments[$0].side == "rejected" }
        guard !chosen.isEmpty, !rejected.isEmpty else { return nil }
        var shared = 0
        while shared < chosen.count - 1 && shared < rejected.count - 1
            && segments[chosen[shared]].text == segments[rejected[shared]].text
            && segments[chosen[shared]].label == segments[rejected[shared]].label { shared += 1 }
        return (Array(chosen.dropFirst(shared)), Array(rejected.dropFirst(shared)))
    }

    /// `findings`: what the other per-row gates found in the row.
    public func check(_ row: GateRow, findings: [GateFinding]) -> [GateFinding] {
        guard row.shape.isPreferencePair, let (chosen, rejected) = Self.answers(row.text) else { return [] }
        var out: [GateFinding] = []
        let sides = row.text.sideGenerators
        // The row's generator stands for both sides only when the row names neither: a row that
        // names one side's writer says the row's generator is not simply "who wrote both".
        let fallback = sides.isEmpty ? row.provenance.generator : nil
        let chosenBy = sides["chosen"] ?? fallback, rejectedBy = sides["rejected"] ?? fallback
        switch (chosenBy, rejectedBy) {
        case let (a?, b?) where Self.sameWriter(a, b):
            out.append(GateFinding(gate: Self.name, reason: "same-generator", action: action, matched: a,
                                   detail: [("generator", .string(a))] + (row.provenance.template.map { [("template", .string($0))] } ?? [])
                                       + [("per_side", .bool(!sides.isEmpty))]))
        case (nil, _), (_, nil):
            let missing = [chosenBy == nil ? "chosen" : nil, rejectedBy == nil ? "rejected" : nil].compactMap { $0 }
            out.append(GateFinding(gate: Self.name, reason: "cannot-judge", action: action,
                                   detail: [("missing", .array(missing.map(JSONValue.string)))]))
        default:
            break
        }
        let similarity = Self.similarity(chosen.map { row.text.segments[$0].text }.joined(separator: "\n"),
                                         rejected.map { row.text.segments[$0].text }.joined(separator: "\n"), shingleWords: shingleWords)
        if similarity >= similarityMax {
            out.append(GateFinding(gate: Self.name, reason: "similar-answers", action: action, segment: rejected.first,
                                   detail: [("similarity", .double((similarity * 1000).rounded() / 1000))]))
        }
        let chosenSet = Set(chosen), rejectedSet = Set(rejected)
        var onChosen: Set<String> = [], onRejected: Set<String> = []
        for finding in findings where finding.gate != "classifier" && finding.gate != Self.name {
            guard let segment = finding.segment else { continue }
            if chosenSet.contains(segment) { onChosen.insert(finding.gate) }
            if rejectedSet.contains(segment) { onRejected.insert(finding.gate) }
        }
        for gate in onChosen.intersection(onRejected).sorted() {
            out.append(GateFinding(gate: Self.name, reason: "both-\(gate)", action: action, matched: gate,
                                   detail: [("gate", .string(gate))]))
        }
        return out
    }

    /// Two generator names for one writer: compared without case ("GPT-4" and "gpt-4" are one
    /// model; a side's name is trimmed when it is read).
    static func sameWriter(_ a: String, _ b: String) -> Bool {
        a.lowercased() == b.lowercased()
    }

    /// Jaccard similarity of the two texts' sets of word shingles (the near-duplicate gate's
    /// words); 0 when either has no word. The sets are sorted arrays of distinct hashes counted
    /// by one merge: a hash set per side cost more than the gate's other checks together.
    static func similarity(_ a: String, _ b: String, shingleWords: Int) -> Double {
        var shingler = NearDuplicateShingler()
        func shingles(_ text: String) -> [UInt64] {
            shingler.tokenize(text)
            var list: [UInt64] = []
            list.reserveCapacity(shingler.words.count)
            shingler.forEachShingle(size: shingleWords) { list.append($0) }
            list.sort()
            var distinct = 0
            for k in list.indices where distinct == 0 || list[distinct - 1] != list[k] {
                list[distinct] = list[k]
                distinct += 1
            }
            list.removeLast(list.count - distinct)
            return list
        }
        let x = shingles(a), y = shingles(b)
        guard !x.isEmpty, !y.isEmpty else { return 0 }
        var i = 0, j = 0, common = 0
        while i < x.count && j < y.count {
            if x[i] == y[j] {
                common += 1
                i += 1
                j += 1
            } else if x[i] < y[j] {
                i += 1
            } else {
                j += 1
            }
        }
        return Double(common) / Double(x.count + y.count - common)
    }
}
