import Foundation
import WinnowCore
import Workspace

/// What every part of the scan needs to judge a row.
struct MixScanContext: @unchecked Sendable {  // read-only while the parts run
    var config: WorkspaceConfig
    var spec: MixSpec
    var trust: MixTrust
    var weighting: MixWeighting
    var contaminated: Set<Int64>
    var clusters: [Int64: String]
    /// Rows a gate flagged and no reviewer decided, by row number, with the gate: out of the mix
    /// (`[gates.on_flag]` review or exclude), whatever their slice's trust.
    var heldBack: [Int64: String] = [:]
    /// Pairs a reviewer rejected as both bad: out like any reject, counted on their own line.
    var bothBad: Set<Int64> = []
    /// Each declared generator's generation (`MixLineage`); others write generation 0.
    var generations: [String: Int] = [:]
}

/// One part of the index's rows judged for a mix: the eligible rows and the counts of the rest
/// by reason. The index hands the rows over in parts (see `RowIndex.scanForMix`), each into its
/// own copy of an empty `MixPoolScan`, on two threads at once.
struct MixPoolScan: MixRowSink {
    let context: MixScanContext
    var rows: [MixCandidate] = []
    var excluded: [String: Int] = [:]
    var sliceNames: [String] = []
    var critical: [Bool] = []
    private var sliceIndex: [String: Int32] = [:]
    private var groupReason: [Group: Int] = [:]
    private var reasons: [String] = []
    private var reasonCounts: [Int] = []

    struct Group: Hashable { var slice: String?; var generator: String? }

    init(context: MixScanContext) { self.context = context }

    /// The counts of the rows judged per group, added to the rest (after the scan).
    func finished() -> MixPoolScan {
        var part = self
        for (reason, count) in zip(reasons, reasonCounts) { part.excluded[reason, default: 0] += count }
        return part
    }

    /// Unreviewed synthetic rows are most of a big workspace and mostly out: their fate is
    /// decided once per (slice, generator) and their other columns are never decoded.
    mutating func take(_ r: RowIndex.MixScanRow) {
        if context.contaminated.contains(r.n) { excluded["contaminated", default: 0] += 1; return }
        if !context.heldBack.isEmpty, let gate = context.heldBack[r.n], r.state == .pending {
            excluded["flagged by the \(gate) gate, not reviewed", default: 0] += 1
            return
        }
        guard r.origin == .synthetic && r.state == .pending else { return consider(r) }
        let group = Group(slice: r.slice, generator: r.generator)
        let reason: Int
        if let known = groupReason[group] { reason = known } else {
            let sliceName = group.slice ?? "(none)"
            if let text = context.trust.distrust(slice: sliceName, critical: context.config.slice(named: sliceName)?.critical ?? false,
                                                 generator: group.generator) {
                reason = reasons.firstIndex(of: text) ?? reasons.count
                if reason == reasons.count { reasons.append(text); reasonCounts.append(0) }
            } else {
                reason = -1
            }
            groupReason[group] = reason
        }
        if reason >= 0 { reasonCounts[reason] += 1 } else { consider(r) }
    }

    mutating func consider(_ r: RowIndex.MixScanRow) {
        let n = r.n, origin = r.origin
        let kind: MixKind
        switch (origin, r.state) {
        case (_, .rejected):
            excluded[context.bothBad.contains(n) ? "pair rejected as both bad (both-bad)" : "rejected by a reviewer", default: 0] += 1
            return
        case (_, .gateRejected): excluded["rejected by a gate", default: 0] += 1; return
        case (_, .retracted): excluded["retracted (rollback)", default: 0] += 1; return
        case (_, .adjudication): excluded["reviewers disagree, not adjudicated", default: 0] += 1; return
        case (_, .flagged): excluded["flagged for an expert", default: 0] += 1; return
        case (.human, _): kind = .human
        case (.synthetic, .accepted): kind = .accepted
        case (.synthetic, .edited): kind = .edited
        case (.synthetic, .pending): kind = .trusted  // only rows of trusted groups get here
        case (.unknown, _): excluded["origin unknown (neither human nor synthetic)", default: 0] += 1; return
        }
        let id = r.id, source = r.source
        var generation = 0
        if origin == .synthetic {
            generation = r.generator.flatMap { context.generations[$0] } ?? 0
            if let max = context.spec.maxGeneration, generation > max {
                excluded["generation \(generation), above max_generation = \(max)", default: 0] += 1
                return
            }
        }
        let copies = context.weighting.copies(id: id, origin: origin, source: source, generation: generation, seed: context.spec.seed)
        if copies == 0 {
            let undecayed = generation > 0 && context.spec.weights.generationDecay != nil
                ? context.weighting.copies(id: id, origin: origin, source: source, seed: context.spec.seed) : 0
            excluded[undecayed > 0 ? "weight drew 0 copies (generation_decay)" : "weight 0 in the spec", default: 0] += 1
            return
        }
        // Whether the output's format and filter take the row's shape is decided per output
        // (`MixPool.narrowed`): the stages of one mix share this scan.
        rows.append(MixCandidate(
            n: n, id: id, slice: slice(r.slice ?? "(none)"), kind: kind, source: source, offset: r.offset,
            length: r.length, shape: r.shape, generator: r.generator, template: r.template, seed: r.seed,
            copies: copies, cluster: context.clusters[n], generation: generation, judgeScore: r.judgeScore))
    }

    mutating func slice(_ name: String) -> Int32 {
        if let known = sliceIndex[name] { return known }
        let i = Int32(sliceNames.count)
        sliceIndex[name] = i
        sliceNames.append(name)
        critical.append(context.config.slice(named: name)?.critical ?? false)
        return i
    }
}
