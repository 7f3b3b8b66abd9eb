import WinnowCore

/// The template lock-in gate: per (generator, template) group, how many answers open with the
/// same words or follow the same skeleton, and how repetitive the group's text is (distinct-n).
/// A group above the configured share is flagged, and each of its rows that echoes the dominant
/// opening or skeleton gets a finding, so a reviewer sees the batch, not one odd row.
///
/// Rows are fed in order; only the group statistics and a few bytes per row are kept (the
/// findings need each row's opening and skeleton key, not its text).
public struct TemplateLockInDetector: Sendable {
    public let options: TemplateLockInOptions
    private var groupIndex: [GroupKey: Int] = [:]
    private var groups: [Group] = []
    private var rows: [RowKeys] = []

    struct GroupKey: Hashable, Sendable {
        var generator: String
        var template: String
    }

    /// How often one opening (or skeleton) occurs in a group. Its text is kept from the second
    /// occurrence on: only repeated openings can dominate, and most openings never repeat.
    struct Tally: Sendable {
        var count = 0
        var text: String?
    }

    struct SampledAnswer: Sendable {
        var priority: UInt64
        var words: [UInt64]
        var bigrams: [UInt64]
    }

    struct Group: Sendable {
        var key: GroupKey
        var rows = 0
        var openings: [UInt64: Tally] = [:]
        var skeletons: [UInt64: Tally] = [:]
        var firstOpening = ""
        var firstSkeleton = ""
        var sample: [SampledAnswer] = []
        /// Rows with a higher priority than this can no longer enter the sample.
        var cutoff = UInt64.max
    }

    struct RowKeys: Sendable {
        var id: String
        var group: Int32
        var opening: UInt64
        var skeleton: UInt64
    }

    public init(options: TemplateLockInOptions = TemplateLockInOptions()) {
        precondition(options.problem == nil, options.problem ?? "")
        self.options = options
    }

    /// Adds a row: its answer side (all segments if it has no answer segment, such as a bare
    /// prompt/response row recognised by field mapping), grouped by its provenance.
    public mutating func add(_ row: GateRow) {
        let answer = row.text.answerText
        add(id: row.id, generator: row.provenance.generator, template: row.provenance.template,
            answer: answer.isEmpty ? row.text.fullText : answer)
    }

    /// Adds a row by id, provenance and answer text. Rows with neither generator nor template
    /// (human rows, unlabelled synthetic rows) belong to no batch and are skipped, as are empty
    /// answers; a row with only one of the two is grouped under "-" for the missing one.
    public mutating func add(id: String, generator: String?, template: String?, answer: String) {
        guard generator != nil || template != nil else { return }
        let opening = NearDuplicateShingler.words(of: answer, limit: options.openingWords)
        guard !opening.isEmpty else { return }
        let key = GroupKey(generator: generator ?? "-", template: template ?? "-")
        let index: Int
        if let known = groupIndex[key] {
            index = known
        } else {
            index = groups.count
            groupIndex[key] = index
            groups.append(Group(key: key))
        }
        let openingText = opening.joined(separator: " ")
        let skeletonText = Self.skeleton(of: answer, limit: options.skeletonTokens).joined(separator: " ")
        let openingKey = Self.stableHash(openingText), skeletonKey = Self.stableHash(skeletonText)
        rows.append(RowKeys(id: id, group: Int32(index), opening: openingKey, skeleton: skeletonKey))

        Self.record(in: &groups[index], options: options, openingKey, openingText, skeletonKey, skeletonText, id: id, answer: answer)
    }

    /// Updates a group in place (through the array's modify accessor, so its tallies and sample
    /// are not copied on every row).
    private static func record(
        in group: inout Group, options: TemplateLockInOptions, _ openingKey: UInt64, _ openingText: String, _ skeletonKey: UInt64,
        _ skeletonText: String, id: String, answer: String
    ) {
        if group.rows == 0 {
            group.firstOpening = openingText
            group.firstSkeleton = skeletonText
        }
        group.rows += 1
        Self.count(openingKey, openingText, in: &group.openings)
        Self.count(skeletonKey, skeletonText, in: &group.skeletons)
        let priority = NearDuplicateShingler.fmix(Self.stableHash(id))
        if priority < group.cutoff {
            let (words, bigrams) = Self.wordAndBigramHashes(of: answer)
            group.sample.append(SampledAnswer(priority: priority, words: words, bigrams: bigrams))
            if group.sample.count >= 2 * options.distinctSample {
                Self.trim(&group, to: options.distinctSample)
            }
        }
    }

    static func count(_ key: UInt64, _ text: String, in tallies: inout [UInt64: Tally]) {
        tallies[key, default: Tally()].count += 1
        if tallies[key]!.count == 2 { tallies[key]!.text = text }
    }

    /// Keeps the `size` answers of lowest priority (a bottom-k sample by hash of id).
    static func trim(_ group: inout Group, to size: Int) {
        group.sample.sort { $0.priority < $1.priority }
        if group.sample.count > size { group.sample.removeLast(group.sample.count - size) }
        if group.sample.count == size { group.cutoff = group.sample[size - 1].priority }
    }

    /// Statistics of every group and the findings of the flagged ones.
    public func report() -> TemplateLockInReport {
        var stats: [TemplateGroupStats] = []
        var dominant: [(opening: UInt64?, skeleton: UInt64?)] = []
        for var group in groups {
            Self.trim(&group, to: options.distinctSample)
            let (openingKey, openingCount, openingText) = Self.dominant(group.openings, first: group.firstOpening)
            let (skeletonKey, skeletonCount, skeletonText) = Self.dominant(group.skeletons, first: group.firstSkeleton)
            let openingShare = Double(openingCount) / Double(group.rows)
            let skeletonShare = Double(skeletonCount) / Double(group.rows)
            let big = group.rows >= options.minGroupSize
            let openingOver = big && openingShare > options.maxShare
            let skeletonOver = big && skeletonShare > options.maxShare
            let (distinct1, distinct2) = Self.distinct(group.sample)
            stats.append(TemplateGroupStats(
                generator: group.key.generator, template: group.key.template, rows: group.rows,
                opening: openingText, openingShare: openingShare, skeleton: skeletonText, skeletonShare: skeletonShare,
                distinct1: distinct1, distinct2: distinct2, distinctRows: group.sample.count,
                flagged: openingOver || skeletonOver))
            dominant.append((openingOver ? openingKey : nil, skeletonOver ? skeletonKey : nil))
        }
        var findings: [(id: String, finding: GateFinding)] = []
        for row in rows {
            let group = Int(row.group)
            let (opening, skeleton) = dominant[group]
            let echoesOpening = opening == row.opening, echoesSkeleton = skeleton == row.skeleton
            guard echoesOpening || echoesSkeleton else { continue }
            findings.append((row.id, Self.finding(stats[group], echoes: echoesOpening ? (echoesSkeleton ? "both" : "opening") : "skeleton")))
        }
        let order = stats.indices.sorted { (stats[$0].generator, stats[$0].template) < (stats[$1].generator, stats[$1].template) }
        return TemplateLockInReport(groups: order.map { stats[$0] }, findings: findings)
    }

    /// The most common key, its count and its text; ties go to the alphabetically first text
    /// so reports do not depend on dictionary order.
    static func dominant(_ tallies: [UInt64: Tally], first: String) -> (UInt64, Int, String) {
        var best: (key: UInt64, count: Int, text: String)?
        for (key, tally) in tallies {
            let text = tally.text ?? first
            if let current = best {
                if tally.count < current.count || (tally.count == current.count && text >= current.text) { continue }
            }
            best = (key, tally.count, text)
        }
        guard let best else { return (0, 0, "") }
        // A count of one means nothing repeats; name the group's first answer rather than a
        // random one, and only its key matches (the share is one row's).
        return best.count == 1 ? (stableHash(first), 1, first) : (best.key, best.count, best.text)
    }

    /// distinct-1 and distinct-2 over the sampled answers (1 when there is nothing to count).
    static func distinct(_ sample: [SampledAnswer]) -> (Double, Double) {
        var words = Set<UInt64>(), bigrams = Set<UInt64>()
        var wordTotal = 0, bigramTotal = 0
        for answer in sample {
            words.formUnion(answer.words)
            bigrams.formUnion(answer.bigrams)
            wordTotal += answer.words.count
            bigramTotal += answer.bigrams.count
        }
        return (wordTotal == 0 ? 1 : Double(words.count) / Double(wordTotal),
                bigramTotal == 0 ? 1 : Double(bigrams.count) / Double(bigramTotal))
    }

    /// Gate "template", reason "template-echo", a flag: the rows are not wrong one by one, the
    /// batch is. Detail: the group, its dominant opening and that opening's share, distinct-2,
    /// the skeleton and its share, and which of the two this row echoes.
    static func finding(_ stats: TemplateGroupStats, echoes: String) -> GateFinding {
        GateFinding(
            gate: "template", reason: "template-echo", action: .flag,
            detail: [
                ("opening", .string(stats.opening)),
                ("share", .double(stats.openingShare)),
                ("group", .string(stats.group)),
                ("distinct2", .double(stats.distinct2)),
                ("skeleton", .string(stats.skeleton)),
                ("skeletonShare", .double(stats.skeletonShare)),
                ("echoes", .string(echoes)),
            ])
    }

    /// Findings for a whole set of rows at once (the gate runner's corpus pass), keyed by id.
    public static func findings(
        for rows: [GateRow], options: TemplateLockInOptions = TemplateLockInOptions()
    ) -> [String: GateFinding] {
        var detector = TemplateLockInDetector(options: options)
        for row in rows { detector.add(row) }
        var result: [String: GateFinding] = [:]
        for (id, finding) in detector.report().findings { result[id] = finding }
        return result
    }
}
