import WinnowCore

/// The slice classifier: cheap keyword and regular-expression rules per slice.
///
/// Two jobs. Rows that arrive without a slice are tagged with every slice whose rules match,
/// so a row about a refund and a dosage lands in billing and medical and is queued by the more
/// urgent of the two; without this, untagged rows would all fall into the sampled general slice
/// and critical content would escape full review. And a tagged row whose prompt matches another
/// slice strongly (at least `offSliceMinimumHits` distinct rules of it) while nothing in the row
/// matches its own slices gets an `off-slice` flag: a medical question filed under general is
/// the costly kind of mistake. The second job is deliberately conservative, since tags usually
/// come from the people or pipelines that made the rows and keywords are a blunt instrument:
/// only the prompt side counts for the other slice (what the row is about is what was asked;
/// an answer about closing an account will mention refunds without being a billing row).
///
/// Keywords match as whole words, case-insensitively, with common English endings ("refund"
/// finds "refunded", not "refundable"; `TextNormaliser.PhraseIndex`, one pass over the text for
/// all slices); regular expressions are case-insensitive and match anywhere.
/// Hits are distinct rules, not occurrences: "refund ... refund" is one billing hit.
public struct SliceClassifier: Sendable {
    /// A slice whose rules matched, with the number of distinct rules that did.
    public struct Match: Sendable, Equatable {
        public var slice: String
        public var priority: Int
        public var hits: Int
    }

    /// The slices a row ends up in, highest priority (lowest number) first.
    public struct Assignment: Sendable, Equatable {
        public var slices: [String]
        /// True when the classifier chose them (the row came without a slice).
        public var tagged: Bool
        /// Every slice whose rules matched, in priority order (for the log and the screen).
        public var matches: [Match]
        /// The slice the row is queued and mixed under.
        public var primary: String? { slices.first }
    }

    /// Slices by priority (ties keep the settings' order).
    let slices: [SliceGateSettings]
    let index: [String: Int]
    let keywords: TextNormaliser.PhraseIndex
    /// Per rule id (keywords first, then regexes): the index of its slice in `slices`.
    let ruleSlice: [Int]
    let regexes: [(pattern: CompiledPattern, rule: Int)]
    let defaultSlice: String?
    let offSliceMinimumHits: Int

    public init(settings: GateSettings) throws(GateSettings.PatternError) {
        let ordered = settings.slices.enumerated().sorted { ($0.element.priority, $0.offset) < ($1.element.priority, $1.offset) }
            .map(\.element)
        slices = ordered
        var index: [String: Int] = [:]
        for (i, slice) in ordered.enumerated() where index[slice.name] == nil { index[slice.name] = i }
        self.index = index
        var phrases: [(text: String, id: Int)] = []
        var ruleSlice: [Int] = []
        for (s, slice) in ordered.enumerated() {
            for keyword in slice.keywords {
                phrases.append((keyword, ruleSlice.count))
                ruleSlice.append(s)
            }
        }
        var regexes: [(pattern: CompiledPattern, rule: Int)] = []
        for (s, slice) in ordered.enumerated() {
            for (i, source) in slice.keywordRegex.enumerated() {
                let pattern = try CompiledPattern(source, setting: "slices.\(slice.name).keyword_regex", index: i)
                regexes.append((pattern, ruleSlice.count))
                ruleSlice.append(s)
            }
        }
        keywords = TextNormaliser.PhraseIndex(phrases, inflections: true)
        self.ruleSlice = ruleSlice
        self.regexes = regexes
        defaultSlice = settings.defaultSlice
        offSliceMinimumHits = max(1, settings.offSliceMinimumHits)
    }

    /// Slices whose rules match `text`, in priority order.
    public func matches(_ text: RowText) -> [Match] {
        guard !ruleSlice.isEmpty else { return [] }
        return matches(text, folded: text.segments.map { TextNormaliser.Folded($0.text) })
    }

    func matches(_ text: RowText, folded: [TextNormaliser.Folded]) -> [Match] {
        hits(text, folded: folded).all
    }

    /// Slices whose rules match anywhere in the row, and those that match its prompt side
    /// (user turns, instructions, inputs), each in priority order.
    func hits(_ text: RowText, folded: [TextNormaliser.Folded]) -> (all: [Match], prompt: [Match]) {
        guard !ruleSlice.isEmpty else { return ([], []) }
        var hit = [Bool](repeating: false, count: ruleSlice.count)
        var promptHit = hit
        for (i, segment) in text.segments.enumerated() {
            let isPrompt = !segment.isAnswer
            keywords.forEachMatch(in: folded[i]) { rule, _ in
                hit[rule] = true
                if isPrompt { promptHit[rule] = true }
            }
            for (pattern, rule) in regexes where !hit[rule] || (isPrompt && !promptHit[rule]) {
                let searched = pattern.forEachMatch(in: segment.text, firstOnly: true) { _ in
                    hit[rule] = true
                    if isPrompt { promptHit[rule] = true }
                }
                // A text the pattern could not be searched through within its budget counts as
                // a hit: routing a row to a slice that reviews more is the safe mistake.
                if !searched {
                    hit[rule] = true
                    if isPrompt { promptHit[rule] = true }
                }
            }
        }
        func tally(_ hit: [Bool]) -> [Match] {
            var counts = [Int](repeating: 0, count: slices.count)
            for (rule, matched) in hit.enumerated() where matched { counts[ruleSlice[rule]] += 1 }
            return counts.enumerated().filter { $0.element > 0 }.map {
                Match(slice: slices[$0.offset].name, priority: slices[$0.offset].priority, hits: $0.element)
            }
        }
        return (tally(hit), tally(promptHit))
    }

    /// The row's slices: its own, ordered by priority (slices the settings do not know go
    /// last, in the row's order), or, for a row without any, every slice that matched, or the
    /// default slice when none did.
    public func assign(_ row: GateRow) -> Assignment {
        evaluate(row, folded: ruleSlice.isEmpty ? [] : row.text.segments.map { TextNormaliser.Folded($0.text) }).assignment
    }

    /// The off-slice finding for a tagged row, if any.
    public func check(_ row: GateRow) -> [GateFinding] {
        evaluate(row, folded: ruleSlice.isEmpty ? [] : row.text.segments.map { TextNormaliser.Folded($0.text) }).findings
    }

    func evaluate(_ row: GateRow, folded: [TextNormaliser.Folded]) -> (assignment: Assignment, findings: [GateFinding]) {
        let (found, asked) = ruleSlice.isEmpty ? ([], []) : hits(row.text, folded: folded)
        let own = row.provenance.slices
        guard !own.isEmpty else {
            var slices = found.map(\.slice)
            if slices.isEmpty, let defaultSlice { slices = [defaultSlice] }
            return (Assignment(slices: slices, tagged: true, matches: found), [])
        }
        // Nearly every tagged row has one slice: nothing to order (the sort and its copies were
        // a tenth of the classifier's time).
        let ordered = own.count == 1 ? own : own.enumerated().sorted { a, b in
            (index[a.element] ?? Int.max, a.offset) < (index[b.element] ?? Int.max, b.offset)
        }.map(\.element)
        let assignment = Assignment(slices: ordered, tagged: false, matches: found)
        let ownHits = found.filter { own.contains($0.slice) }.reduce(0) { $0 + $1.hits }
        let strong = asked.filter { !own.contains($0.slice) && $0.hits >= offSliceMinimumHits }
        guard ownHits == 0, !strong.isEmpty else { return (assignment, []) }
        let finding = GateFinding(
            gate: "classifier", reason: "off-slice", action: .flag,
            detail: [
                ("slices", .array(strong.map { .string($0.slice) })),
                ("hits", .object(strong.map { ($0.slice, .int($0.hits)) })),
                ("tagged", .array(ordered.map { .string($0) })),
            ])
        return (assignment, [finding])
    }
}
