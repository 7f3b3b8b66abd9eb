import Foundation
import WinnowCore
import Workspace

/// `winnow stats`: what the reviewed rows say about the unreviewed ones, per slice, generator
/// and template; how well reviewers agree; how fast they work; how varied each generator is;
/// and whether an AI judge agrees with people. Built from the index (decisions, rows, flags)
/// and, for lengths and variety, from the rows' text.
public struct TrustReport: Sendable {
    public struct Group: Sendable {
        public var name: String
        public var rows: Int
        public var tally: VerdictTally
        /// For a sampled (non-critical) slice: the error estimate for the rows nobody saw.
        public var unreviewedEstimate: SampledSliceEstimate?
        /// Of the rejects, the preference pairs rejected as both bad (reason `both-bad`): a
        /// generator that writes two bad answers to one prompt is a different problem from one
        /// that ranks them the wrong way round.
        public var bothBad = 0
    }

    /// Per slice, the rows that are not human-written (synthetic, or of unknown origin): what a
    /// reject rate and an unreviewed-error estimate are about. Pooling human rows in would
    /// dilute a generator's error rate and count human rows as "unreviewed".
    public var slices: [Group] = []
    /// Per slice, the human-written rows, reported apart (no unreviewed estimate: they are not
    /// trusted by sampling, they are the anchor).
    public var humanSlices: [Group] = []
    public var generators: [Group] = []
    public var templates: [Group] = []
    public var agreement: AgreementReport
    public var throughput: [ReviewerThroughput]
    /// Per generator: share of rows in a near-duplicate cluster, and distinct bigrams.
    public var variety: [(generator: String, nearDuplicateShare: Proportion, distinct2: Double?)]
    public var judge: JudgeReport?
    /// Synthetic rows by the generation of the model that wrote them (see `MixLineage`), oldest
    /// first: quality drift round over round. One group, generation 0, without a lineage.
    public var generations: [GenerationGroup] = []
}

extension QueueService {
    /// Rows per generator read for distinct-n (a sample: enough for a stable ratio).
    static let varietySampleSize = 2000

    /// What the report groups rows by, and the name of the group of rows without one.
    enum GroupKey {
        case slice, generator, template
        /// Generator name → generation; generators it does not name, and rows without one, are 0.
        case generation([String: Int])

        func name(_ count: RowIndex.RowGroupCount) -> String { name(slice: count.slice, generator: count.generator, template: count.template) }
        func name(_ d: RowIndex.TrustDecision) -> String { name(slice: d.slice, generator: d.generator, template: d.template) }

        private func name(slice: String?, generator: String?, template: String?) -> String {
            switch self {
            case .slice: return slice ?? QueueSummary.noSlice
            case .generator: return generator ?? "(human or none)"
            case .template: return template ?? "(none)"
            case let .generation(of): return TrustReport.GenerationGroup.name(generator.flatMap { of[$0] } ?? 0)
            }
        }
    }

    /// `generations`: each declared generator's generation (`MixLineage`); empty, every
    /// synthetic row is generation 0.
    public func trustReport(precisionTarget: Double = 0.9, generations: [String: Int] = [:]) throws -> TrustReport {
        let config = session.config
        let standing = try session.index.standingTrustDecisions()
        // The latest standing verdict per row decides its tally.
        var latest: [String: RowIndex.TrustDecision] = [:]
        for d in standing { latest[d.rowID] = d }
        let counts = try session.index.rowGroupCounts()
        /// `human`: only human rows (true), only the others (false), or all (nil).
        func groups(_ key: GroupKey, human: Bool? = nil, sampled: (String) -> Bool) -> [TrustReport.Group] {
            var rows: [String: Int] = [:], tallies: [String: VerdictTally] = [:], sampleTallies: [String: VerdictTally] = [:]
            var bothBad: [String: Int] = [:]
            for c in counts where human == nil || c.human == human { rows[key.name(c), default: 0] += c.rows }
            for d in latest.values where human == nil || d.human == human {
                let name = key.name(d)
                let verdict = d.verdict
                tallies[name, default: VerdictTally()].add(verdict)
                if verdict == .reject, d.reason == WorkspaceConfig.bothBadReason { bothBad[name, default: 0] += 1 }
                // Only the random sample speaks for the unreviewed rows: rows someone chose to
                // look at (searched for, reported) are not a random draw.
                if d.sampled { sampleTallies[name, default: VerdictTally()].add(verdict) }
            }
            return rows.keys.sorted().map { name in
                let tally = tallies[name] ?? VerdictTally()
                let estimate = sampled(name)
                    ? SampledSliceEstimate(tally: sampleTallies[name] ?? VerdictTally(),
                                           unreviewed: max(0, (rows[name] ?? 0) - tally.reviewed)) : nil
                return .init(name: name, rows: rows[name] ?? 0, tally: tally, unreviewedEstimate: estimate, bothBad: bothBad[name] ?? 0)
            }
        }
        var report = TrustReport(
            slices: groups(.slice, human: false) { !(config.slice(named: $0)?.critical ?? false) },
            humanSlices: groups(.slice, human: true) { _ in false },
            generators: groups(.generator) { _ in false }, templates: groups(.template) { _ in false },
            agreement: AgreementReport(overlapDecisions(standing)), throughput: [], variety: [], judge: nil)
        report.throughput = ReviewerThroughput.perReviewer(standing.map { d in
            DecisionTiming(reviewer: d.reviewer, time: Self.seconds(d.ts) ?? 0, spentMs: d.spentMs)
        })
        report.variety = try variety()
        report.generations = TrustReport.GenerationGroup.grouped(
            groups(.generation(generations), human: false) { _ in false }, variety: report.variety, generations: generations)
        report.judge = try judge(JudgeStatistics.scoredDecisions(standing), precisionTarget: precisionTarget)
        return report
    }

    /// Overlap rows two reviewers decided: their latest verdicts, paired.
    func overlapDecisions(_ standing: [RowIndex.TrustDecision]) -> [OverlapDecision] {
        var byRow: [String: [Int: RowIndex.TrustDecision]] = [:]
        for d in standing where d.overlap { byRow[d.rowID, default: [:]][d.uid] = d }
        return byRow.values.compactMap { reviewers in
            let pair = reviewers.values.sorted { $0.seq < $1.seq }
            guard pair.count >= 2 else { return nil }
            return OverlapDecision(slice: pair[0].slice ?? QueueSummary.noSlice, raterA: pair[0].reviewer,
                                   raterB: pair[1].reviewer, verdictA: pair[0].verdict.rawValue, verdictB: pair[1].verdict.rawValue)
        }
    }

    func variety() throws -> [(generator: String, nearDuplicateShare: Proportion, distinct2: Double?)] {
        let store = RowStore(paths: session.paths, index: session.index)
        return try session.index.generatorFlagCounts(gate: "near-duplicate").map { g in
            let sample = try session.index.rows(generator: g.generator, limit: Self.varietySampleSize)
            var distinct = DistinctNGrams(n: 2)
            for row in sample { distinct.add(try store.text(of: row).answerText) }
            return (g.generator, Proportion(successes: g.flagged, trials: g.rows), distinct.ratio)
        }
    }

    /// `decided`: `JudgeStatistics.scoredDecisions`, the rows a `judge-kept` mix is calibrated on too.
    func judge(_ decided: [RowIndex.TrustDecision], precisionTarget: Double) throws -> JudgeReport? {
        guard !decided.isEmpty else { return nil }
        let store = RowStore(paths: session.paths, index: session.index)
        var judged: [JudgedRow] = []
        for d in decided {
            guard let score = d.judgeScore, let row = try session.index.row(id: d.rowID) else { continue }
            let length = try store.text(of: row).answerText.count
            if let judgedRow = JudgedRow(score: score, verdict: d.verdict, length: length) { judged.append(judgedRow) }
        }
        return judged.isEmpty ? nil : JudgeReport(judged, precisionTarget: precisionTarget)
    }

    /// RFC 3339 UTC as the log writes it ("2026-11-21T07:43:43.413Z") to Unix seconds.
    static func seconds(_ ts: String) -> Double? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return (formatter.date(from: ts) ?? ISO8601DateFormatter().date(from: ts))?.timeIntervalSince1970
    }
}

extension JudgeStatistics {
    /// Each row's latest standing decision, where the row carries a judge score, in log order:
    /// what `winnow stats` compares the judge with, and what a `judge-kept` mix output is
    /// calibrated on (one definition, so the mix keeps the threshold stats shows).
    public static func scoredDecisions(_ standing: [RowIndex.TrustDecision]) -> [RowIndex.TrustDecision] {
        var latest: [String: RowIndex.TrustDecision] = [:]
        for d in standing { latest[d.rowID] = d }
        return latest.values.filter { $0.judgeScore != nil }.sorted { $0.seq < $1.seq }
    }
}
