import WinnowCore

/// The template gate from kept keys: when rows join a (generator, template) group, the group's
/// verdicts are recomputed from its rows' opening and skeleton keys (16 bytes a row, kept from
/// earlier runs) and the answers of the few rows the report quotes or samples, instead of every
/// answer of the group again. The report is the one `TemplateLockInDetector` gives for the same
/// rows in the same order (a test holds the two together).
extension TemplateLockInDetector {
    /// A row's place in its batch: the hashes of its opening and of its skeleton.
    public struct BatchKeys: Sendable, Equatable {
        public var opening: UInt64
        public var skeleton: UInt64

        public init(opening: UInt64, skeleton: UInt64) {
            self.opening = opening
            self.skeleton = skeleton
        }
    }

    /// One row of a group, by id and keys, in the group's order.
    public struct KeyedRow: Sendable {
        public var id: String
        public var keys: BatchKeys

        public init(id: String, keys: BatchKeys) {
            self.id = id
            self.keys = keys
        }
    }

    /// The answer the gate reads: the answer side, or all segments when there is none.
    public static func answer(of row: GateRow) -> String {
        let answer = row.text.answerText
        return answer.isEmpty ? row.text.fullText : answer
    }

    /// The row's keys; nil when the detector would skip it (no generator and no template, or
    /// no words in its answer).
    public static func keys(of row: GateRow, options: TemplateLockInOptions) -> BatchKeys? {
        guard row.provenance.generator != nil || row.provenance.template != nil else { return nil }
        return hashedKeys(of: Self.answer(of: row), options: options)
    }

    /// The report of whole groups from their rows' keys (every row of each group, in import
    /// order; generator and template as the detector names them, "-" for a missing one).
    /// `answers` is asked once for the answers (see `answer(of:)`) of the rows it needs by id:
    /// each group's first row, one row for each key tied for most common, and the group's
    /// distinct-n sample.
    public static func report(
        groups: [(generator: String, template: String, rows: [KeyedRow])], options: TemplateLockInOptions,
        answers: ([String]) throws -> [String: String]
    ) throws -> TemplateLockInReport {
        struct Tally { var count = 0, first = 0 }
        struct Plan { var openings: [UInt64: Tally] = [:], skeletons: [UInt64: Tally] = [:], sample: [Int] = [] }
        var plans: [Plan] = []
        var wanted = Set<String>()
        func tops(_ tallies: [UInt64: Tally]) -> [Tally] {
            let most = tallies.values.map(\.count).max() ?? 0
            return most < 2 ? [] : tallies.values.filter { $0.count == most }
        }
        for group in groups {
            var plan = Plan()
            plan.openings.reserveCapacity(group.rows.count)
            plan.skeletons.reserveCapacity(group.rows.count)
            for (i, row) in group.rows.enumerated() {
                plan.openings[row.keys.opening, default: Tally(first: i)].count += 1
                plan.skeletons[row.keys.skeleton, default: Tally(first: i)].count += 1
            }
            let priorities = group.rows.map { NearDuplicateShingler.fmix(stableHash($0.id)) }
            plan.sample = Array(priorities.indices.sorted { priorities[$0] < priorities[$1] }.prefix(options.distinctSample))
            let needed = [0] + tops(plan.openings).map(\.first) + tops(plan.skeletons).map(\.first) + plan.sample
            for i in needed where i < group.rows.count { wanted.insert(group.rows[i].id) }
            plans.append(plan)
        }
        let texts = try answers(wanted.sorted())
        func answer(_ id: String) -> String { texts[id] ?? "" }
        func openingText(_ id: String) -> String {
            NearDuplicateShingler.words(of: answer(id), limit: options.openingWords).joined(separator: " ")
        }
        func skeletonText(_ id: String) -> String { Self.skeleton(of: answer(id), limit: options.skeletonTokens).joined(separator: " ") }
        /// The detector's `dominant`: most common key, ties to the alphabetically first text; a
        /// count of one names the group's first answer.
        func dominant(_ tallies: [UInt64: Tally], rows: [KeyedRow], text: (String) -> String) -> (UInt64, Int, String) {
            let tied = tops(tallies)
            guard !tied.isEmpty else {
                let first = rows.isEmpty ? "" : text(rows[0].id)
                return rows.isEmpty ? (0, 0, "") : (stableHash(first), 1, first)
            }
            let best = tied.map { (text(rows[$0.first].id), $0) }.min { $0.0 < $1.0 }!
            return (stableHash(best.0), best.1.count, best.0)
        }

        var stats: [TemplateGroupStats] = []
        var findings: [(id: String, finding: GateFinding)] = []
        for (group, plan) in zip(groups, plans) where !group.rows.isEmpty {
            let (openingKey, openingCount, opening) = dominant(plan.openings, rows: group.rows, text: openingText)
            let (skeletonKey, skeletonCount, skeleton) = dominant(plan.skeletons, rows: group.rows, text: skeletonText)
            let rows = group.rows.count
            let big = rows >= options.minGroupSize
            let openingOver = big && Double(openingCount) / Double(rows) > options.maxShare
            let skeletonOver = big && Double(skeletonCount) / Double(rows) > options.maxShare
            let sample = plan.sample.map { i in
                let (words, bigrams) = wordAndBigramHashes(of: answer(group.rows[i].id))
                return SampledAnswer(priority: 0, words: words, bigrams: bigrams)
            }
            let (distinct1, distinct2) = distinct(sample)
            let stat = TemplateGroupStats(
                generator: group.generator, template: group.template, rows: rows, opening: opening,
                openingShare: Double(openingCount) / Double(rows), skeleton: skeleton,
                skeletonShare: Double(skeletonCount) / Double(rows), distinct1: distinct1, distinct2: distinct2,
                distinctRows: sample.count, flagged: openingOver || skeletonOver)
            stats.append(stat)
            guard openingOver || skeletonOver else { continue }
            for row in group.rows {
                let echoesOpening = openingOver && row.keys.opening == openingKey
                let echoesSkeleton = skeletonOver && row.keys.skeleton == skeletonKey
                guard echoesOpening || echoesSkeleton else { continue }
                findings.append((row.id, finding(stat, echoes: echoesOpening ? (echoesSkeleton ? "both" : "opening") : "skeleton")))
            }
        }
        stats.sort { ($0.generator, $0.template) < ($1.generator, $1.template) }
        return TemplateLockInReport(groups: stats, findings: findings)
    }
}
