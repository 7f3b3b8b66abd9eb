import WinnowCore

/// The blocklist gate: phrases and regular expressions that should not appear in training data
/// ("as an AI language model", a competitor's name, a leaked internal URL), global and per slice.
///
/// Phrases match case-insensitively with Unicode case folding ("STRASSE" finds "straße", "ΟΔΟΣ"
/// finds "οδός"... when the accents agree) and as whole words at their edges, so "kill" does not
/// flag "skill"; use a regular expression for anything looser. Regular expressions are ICU
/// syntax, case-insensitive, compiled once. Each finding records the segment, the UTF-8 byte
/// range of the match in that segment's text and the matched text, so the review screen can
/// highlight it; the first match of each pattern in each segment is reported, which is enough to
/// show the problem without filling the log when a row repeats a phrase a hundred times.
public struct BlocklistGate: Sendable {
    struct Rules: Sendable {
        var phrases: TextNormaliser.PhraseIndex
        var phraseTexts: [String]
        var regexes: [CompiledPattern]
        /// nil for the global list, else the slice that added these rules.
        var slice: String?

        var isEmpty: Bool { phrases.isEmpty && regexes.isEmpty }

        init(phrases: [String], regexes: [String], slice: String?) throws(GateSettings.PatternError) {
            self.phrases = TextNormaliser.PhraseIndex(phrases.enumerated().map { ($0.element, $0.offset) })
            phraseTexts = phrases
            let setting = slice.map { "slices.\($0).blocklist_regex" } ?? "blocklist_regex"
            var compiled: [CompiledPattern] = []
            for (i, p) in regexes.enumerated() { compiled.append(try CompiledPattern(p, setting: setting, index: i)) }
            self.regexes = compiled
            self.slice = slice
        }
    }

    let global: Rules
    let bySlice: [String: Rules]
    public let action: GateAction
    public let reason: String

    /// Compiles every phrase and regular expression; a bad regular expression throws, naming it.
    public init(settings: GateSettings) throws(GateSettings.PatternError) {
        global = try Rules(phrases: settings.blocklist, regexes: settings.blocklistRegex, slice: nil)
        var bySlice: [String: Rules] = [:]
        for slice in settings.slices where !slice.blocklist.isEmpty || !slice.blocklistRegex.isEmpty {
            bySlice[slice.name] = try Rules(phrases: slice.blocklist, regexes: slice.blocklistRegex, slice: slice.name)
        }
        self.bySlice = bySlice
        action = settings.blocklistAction
        reason = settings.blocklistReason
    }

    /// Whether any row could be flagged (no phrases and no expressions anywhere: skip folding).
    var isEmpty: Bool { global.isEmpty && bySlice.values.allSatisfy(\.isEmpty) }

    public func check(_ row: GateRow) -> [GateFinding] {
        guard !isEmpty else { return [] }
        return check(row, folded: row.text.segments.map { TextNormaliser.Folded($0.text) })
    }

    /// As `check(_:)`, with the segments already folded (the classifier folds them too).
    func check(_ row: GateRow, folded: [TextNormaliser.Folded]) -> [GateFinding] {
        var ruleSets = [global]
        for name in row.provenance.slices {
            if let rules = bySlice[name] { ruleSets.append(rules) }
        }
        var findings: [GateFinding] = []
        for (i, segment) in row.text.segments.enumerated() {
            // One report per pattern per segment, even when a phrase is in two lists.
            var seen = Set<String>()
            var hits: [(range: Range<Int>, finding: GateFinding)] = []
            for rules in ruleSets where !rules.isEmpty {
                var firstByPhrase: [Int: Range<Int>] = [:]
                rules.phrases.forEachMatch(in: folded[i]) { id, foldedRange in
                    if firstByPhrase[id] == nil { firstByPhrase[id] = folded[i].originalRange(foldedRange) }
                }
                for (id, range) in firstByPhrase.sorted(by: { $0.key < $1.key }) where seen.insert("p\u{0}" + TextNormaliser.fold(rules.phraseTexts[id])).inserted {
                    hits.append((range, finding(segment, i, range, kind: "phrase", pattern: rules.phraseTexts[id], rules.slice)))
                }
                for regex in rules.regexes where seen.insert("r\u{0}" + regex.source).inserted {
                    let searched = regex.forEachMatch(in: segment.text, firstOnly: true) { range in
                        hits.append((range, finding(segment, i, range, kind: "regex", pattern: regex.source, rules.slice)))
                    }
                    if !searched {
                        // The pattern's budget ran out on this text: unknown is not clean, so a
                        // person looks at the row (the finding names the pattern).
                        hits.append((0..<0, GateFinding(
                            gate: "blocklist", reason: reason, action: .flag, segment: i,
                            detail: [("kind", .string("regex-over-budget")), ("pattern", .string(regex.source))]
                                + (rules.slice.map { [("slice", JSONValue.string($0))] } ?? []))))
                    }
                }
            }
            hits.sort { ($0.range.lowerBound, $0.range.upperBound) < ($1.range.lowerBound, $1.range.upperBound) }
            findings += hits.map(\.finding)
        }
        return findings
    }

    func finding(_ segment: RowText.Segment, _ index: Int, _ range: Range<Int>, kind: String, pattern: String,
                 _ slice: String?) -> GateFinding {
        var detail: [(String, JSONValue)] = [("kind", .string(kind)), ("pattern", .string(pattern))]
        if let slice { detail.append(("slice", .string(slice))) }
        return GateFinding(gate: "blocklist", reason: reason, action: action, segment: index, range: range,
                           matched: TextNormaliser.slice(segment.text, range), detail: detail)
    }
}
