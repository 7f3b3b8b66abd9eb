import Foundation
import ProvenanceLog
import WinnowCore
import Workspace

/// How an eligible row earned its place; the report's composition columns.
public enum MixKind: String, Sendable, CaseIterable {
    case human
    case accepted = "synthetic-accepted"
    case edited = "synthetic-edited"
    case trusted = "synthetic-unreviewed-trusted"

    public var isHuman: Bool { self == .human }
}

/// One eligible row: where its bytes are, what it counts as, and its two draws from
/// hash(seed, row id) (selection order and output order).
struct MixCandidate {
    var n: Int64
    var id: String
    var slice: Int32
    var kind: MixKind
    var source: Int32
    var offset: Int64
    var length: Int32
    var shape: RowShape
    var generator: String?
    var template: String?
    var seed: String?
    var copies: Int
    /// Near-duplicate cluster name, if the gate put the row in one (train/eval split).
    var cluster: String?
    /// Of a synthetic row: its generator's generation (`MixLineage`); 0 for human rows.
    var generation = 0
    /// Of a human row: an earlier mix in the lineage of this mix's generators held it.
    var usedBefore = false
    /// An AI judge's score, when the row carries one (`judge-kept` outputs cut on it).
    var judgeScore: Double?
}

/// The rows a mix may draw from, and every row it may not with the reason, read from the index
/// (which is the log replayed). Eligible: human rows; synthetic rows accepted or edited (the edit
/// replaces the row); unreviewed synthetic rows of non-critical slices whose slice and generator
/// the sampled review trusts. Never: rejected, gate-rejected, contaminated, flagged by a gate and
/// not yet decided (unless `[gates.on_flag]` ignores that gate), retracted, waiting
/// for adjudication or an expert.
struct MixPool {
    var rows: [MixCandidate] = []
    var excluded: [String: Int] = [:]
    var sliceNames: [String] = []
    var critical: [Bool] = []
    /// Index `sources.id` → (sha, file).
    var sources: [Int32: (sha: String, file: String)] = [:]
    /// Edited rows: the new row and who edited it, by row number.
    var edits: [Int64: (row: JSONValue, reviewer: String, seq: Int)] = [:]
    var trust: MixTrust
    /// Rows numbered above this were never seen by a gate run (imported with `--no-gates` and
    /// not gated since): nothing checked them for contamination, personal data or duplicates.
    /// 0 when no gate run ever happened.
    var gatedThrough: Int64 = 0
    /// The lineage as this pool used it (recorded in the manifest for `mix verify`).
    var lineageUse = MixLineageUse()
    /// Per pair the pair gate flagged, its reasons (read only when the pool holds a pair).
    var pairReasons: [Int64: Set<String>] = [:]

    /// `head`: the log position the mix was proven at; the scan refuses a workspace that moved
    /// since (or has rows pending gates), checked inside its own read.
    static func load(index: RowIndex, config: WorkspaceConfig, spec: MixSpec, lineage: MixLineageSource, logPath: String, displayLog: String,
                     head: (seq: Int, hash: String)? = nil) throws -> MixPool {
        let trust = try MixTrust.measure(index: index, config: config, threshold: spec.unreviewedMaxRejectRate)
        var pool = MixPool(trust: trust)
        let context = MixScanContext(
            config: config, spec: spec, trust: trust, weighting: try MixWeighting(spec: spec, index: index),
            contaminated: [], clusters: [:],
            heldBack: try index.flaggedRows(holdsBack: config.gates.holdsBack(gate:)),
            generations: lineage.generations)
        let (facts, parts) = try index.scanForMix(clusters: spec.evalFraction != nil) { facts -> MixPoolScan in
            if let head {
                // Nothing was applied since the checks (the proof, the pending gates, the reads
                // above): the index changes only by applying log entries.
                guard facts.logSeq == head.seq, facts.logHash == head.hash else {
                    throw MixError.workspaceMoved(checkedAt: head.seq, scannedAt: facts.logSeq)
                }
                if facts.pendingGateRows > 0 { throw WorkspaceError.gatesPending(rows: facts.pendingGateRows) }
            }
            var context = context
            context.contaminated = facts.contaminated
            context.bothBad = facts.bothBad
            context.clusters = facts.clusters
            return MixPoolScan(context: context)
        }
        pool.gatedThrough = facts.gatedThrough
        for s in facts.sources { pool.sources[s.id] = (s.sha, s.file) }
        for part in parts { pool.absorb(part.finished()) }
        pool.excluded = pool.excluded.filter { $0.value > 0 }
        if pool.rows.contains(where: \.shape.isPreferencePair) { pool.pairReasons = try index.pairGateReasons() }
        pool.edits = try Self.edits(index: index, logPath: logPath, displayLog: displayLog)
        return pool
    }

    /// Marks the human rows an earlier mix in the lineage of the pool's generators held (the
    /// generators of every eligible synthetic row: which of them the mix ends up using depends
    /// on these marks), and keeps what it used for the manifest. Called once, on a pool whose
    /// rows are not marked yet (each output's own, from `narrowed`).
    ///
    /// Every declared generation past 0 is recorded, not only those of eligible rows: the scan
    /// judged every row by them (`max_generation`, `generation_decay`), and a rebuild that
    /// forgot a generator whose rows were all left out would let them back in.
    mutating func markUsedHumans(_ lineage: MixLineageSource) {
        let generators = Set(rows.lazy.filter { !$0.kind.isHuman }.compactMap(\.generator))
        lineageUse = MixLineageUse(generations: lineage.generations.filter { $0.value > 0 })
        let used = lineage.reused(before: generators)
        guard !used.isEmpty else { return }
        for i in rows.indices where rows[i].kind.isHuman && used.contains(rows[i].id) {
            rows[i].usedBefore = true
            lineageUse.reused.insert(rows[i].id)
        }
    }

    /// Adds one scanned range's rows (in order) and counts, renumbering its slices.
    mutating func absorb(_ part: MixPoolScan) {
        var map: [Int32] = []
        for (name, critical) in zip(part.sliceNames, part.critical) {
            if let i = sliceNames.firstIndex(of: name) { map.append(Int32(i)); continue }
            map.append(Int32(sliceNames.count))
            sliceNames.append(name)
            self.critical.append(critical)
        }
        rows.reserveCapacity(rows.count + part.rows.count)
        for var row in part.rows {
            row.slice = map[Int(row.slice)]
            rows.append(row)
        }
        for (reason, count) in part.excluded { excluded[reason, default: 0] += count }
    }

    /// The standing edit of each edited row (the latest), read back from the log: the index
    /// keeps which decision stands, the log keeps the new row.
    static func edits(index: RowIndex, logPath: String, displayLog: String) throws -> [Int64: (row: JSONValue, reviewer: String, seq: Int)] {
        let wanted = try index.standingEdits()
        guard !wanted.isEmpty else { return [:] }
        var bySeq: [Int: Int64] = [:]
        for w in wanted { bySeq[w.seq] = w.n }
        var result: [Int64: (row: JSONValue, reviewer: String, seq: Int)] = [:]
        let reader = try LogReader(path: logPath, displayPath: displayLog)
        while let entry = try reader.next() {
            guard let n = bySeq[entry.seq] else { continue }
            let payload = try entry.payload(DecisionPayload.self)
            if let newRow = payload.newRow { result[n] = (newRow, entry.actor.user, entry.seq) }
            if result.count == bySeq.count { break }
        }
        return result
    }
}

/// Copies per row from the spec's weights, capped by `max_repeats`.
struct MixWeighting {
    let origins: [Origin: Double]
    let sources: [Int32: Double]
    let maxRepeats: Int
    let generationDecay: Double?

    init(spec: MixSpec, index: RowIndex) throws {
        origins = spec.weights.origins
        generationDecay = spec.weights.generationDecay
        maxRepeats = spec.weights.maxRepeats
        let known = try index.sources()
        var sources: [Int32: Double] = [:]
        for (key, weight) in spec.weights.sources {
            let matches = known.filter { s in
                (key.count >= 8 && s.sha.hasPrefix(key)) || s.file == key || (s.file as NSString).lastPathComponent == key
            }
            guard !matches.isEmpty else {
                throw MixError.spec(spec.weights.sourceLocations[key] ?? SourceLocation(file: spec.path),
                                    "[weights.source] \"\(key)\" names no imported source (give a file name or 8+ hex digits of its SHA-256)")
            }
            for m in matches { sources[m.id] = weight }
        }
        self.sources = sources
    }

    func copies(id: String, origin: Origin, source: Int32, generation: Int = 0, seed: String) -> Int {
        var weight = (origins[origin] ?? 1) * (sources[source] ?? 1)
        if generation > 0, let decay = generationDecay { weight *= pow(decay, Double(generation)) }
        if weight == 1 { return 1 }
        let whole = Int(weight.rounded(.down))
        let extra = MixHash.unit(seed: seed, id: id, salt: "weight") < weight - Double(whole) ? 1 : 0
        return min(maxRepeats, whole + extra)
    }
}

