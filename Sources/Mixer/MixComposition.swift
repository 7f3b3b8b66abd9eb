import Foundation
import ProvenanceLog
import WinnowCore
import Workspace

/// One row copy in the mix: which candidate, which copy of it (upweighted rows appear more than
/// once), its two hash draws, and whether it went to the eval side of the split.
struct MixUnit {
    var row: Int32
    var copy: UInt16
    var select: UInt64
    var order: UInt64
    var eval = false
}

/// What a mix contains before anything is written: the pool, the per-slice counts that satisfy
/// the spec, and the chosen row copies in output order. Pure function of (index, spec): this is
/// the part `mix verify` recomputes.
struct MixComposition {
    var spec: MixSpec
    var pool: MixPool
    var selection: MixSelection
    var units: [MixUnit]

    static func compose(index: RowIndex, config: WorkspaceConfig, spec: MixSpec, bestEffort: Bool,
                        logPath: String, displayLog: String) throws -> MixComposition {
        var timing = MixTiming()
        let pool = try MixPool.load(index: index, config: config, spec: spec, logPath: logPath, displayLog: displayLog)
        timing.mark("read the index")
        try checkSliceNames(spec: spec, config: config, pool: pool)
        var humans = Array(repeating: [MixUnit](), count: pool.sliceNames.count)
        var synthetic = humans
        // Fields read in place: copying a candidate would retain its five strings.
        for unit in keyedUnits(pool, seed: spec.seed) {
            let slice = Int(pool.rows[Int(unit.row)].slice)
            if pool.rows[Int(unit.row)].kind.isHuman { humans[slice].append(unit) } else { synthetic[slice].append(unit) }
        }
        // Reviewed synthetic rows before trusted unreviewed ones; within each, the hash order.
        let pools = ConcurrentSlots<[MixUnit]>(count: humans.count * 2)
        let shared = MixBox((pool, humans, synthetic))
        DispatchQueue.concurrentPerform(iterations: humans.count * 2) { k in
            let (pool, humans, synthetic) = shared.value
            let i = k / 2
            if k % 2 == 0 {
                pools.set(k, humans[i].sorted { ($0.select, $0.row, $0.copy) < ($1.select, $1.row, $1.copy) })
            } else {
                pools.set(k, synthetic[i].sorted {
                    let a = pool.rows[Int($0.row)].kind == .trusted, b = pool.rows[Int($1.row)].kind == .trusted
                    return (a ? 1 : 0, $0.select, $0.row, $0.copy) < (b ? 1 : 0, $1.select, $1.row, $1.copy)
                })
            }
        }
        for i in humans.indices {
            humans[i] = pools.get(2 * i) ?? []
            synthetic[i] = pools.get(2 * i + 1) ?? []
        }
        timing.mark("hash and sort the pools")
        let order = pool.sliceNames.indices.sorted { pool.sliceNames[$0] < pool.sliceNames[$1] }
        let slices = order.map { i in
            MixSelection.Slice(name: pool.sliceNames[i], critical: pool.critical[i],
                               floor: spec.humanFloor(slice: pool.sliceNames[i], critical: pool.critical[i]),
                               humansEligible: humans[i].count, syntheticEligible: synthetic[i].count)
        }
        let selection = try MixSelection.plan(slices, spec: spec, bestEffort: bestEffort)
        var units: [MixUnit] = []
        for (k, i) in order.enumerated() {
            units += humans[i].prefix(selection.slices[k].humans)
            units += synthetic[i].prefix(selection.slices[k].synthetic)
        }
        units.sort { ($0.order, $0.row, $0.copy) < ($1.order, $1.row, $1.copy) }
        if let fraction = spec.evalFraction {
            // A near-duplicate cluster goes wholly to one side: the draw is the cluster's.
            for i in units.indices {
                let r = Int(units[i].row)
                units[i].eval = MixHash.unit(seed: spec.seed, id: pool.rows[r].cluster ?? pool.rows[r].id, salt: "eval") < fraction
            }
        }
        timing.mark("select and order")
        return MixComposition(spec: spec, pool: pool, selection: selection, units: units)
    }

    /// Every copy of every candidate with its keys, hashed on all cores.
    static func keyedUnits(_ pool: MixPool, seed: String) -> [MixUnit] {
        let chunk = 8192
        let parts = (pool.rows.count + chunk - 1) / chunk
        let slots = ConcurrentSlots<[MixUnit]>(count: parts)
        let shared = MixBox(pool)
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let pool = shared.value
            var out: [MixUnit] = []
            for r in (part * chunk)..<min(pool.rows.count, (part + 1) * chunk) {
                let id = pool.rows[r].id
                for copy in 0..<pool.rows[r].copies {
                    let keys = MixHash.keys(seed: seed, id: id, copy: copy)
                    out.append(MixUnit(row: Int32(r), copy: UInt16(copy), select: keys.select, order: keys.order))
                }
            }
            slots.set(part, out)
        }
        return (0..<parts).flatMap { slots.get($0) ?? [] }
    }

    /// A `[slices.NAME]` the workspace has never heard of is a typo until shown otherwise.
    static func checkSliceNames(spec: MixSpec, config: WorkspaceConfig, pool: MixPool) throws {
        let known = Set(config.slices.map(\.name)).union(pool.sliceNames)
        for (name, rule) in spec.slices where !known.contains(name) {
            let near = Suggestion.nearest(to: name, in: Array(known)).map { " (did you mean '\($0)'?)" } ?? ""
            throw MixError.spec(rule.location, "[slices.\(name)]: no slice '\(name)' in the workspace\(near)")
        }
    }

    /// Selected copies per slice and kind, for the report and the manifest.
    func counts() -> [String: [MixKind: Int]] {
        let kinds = MixKind.allCases
        var tally = Array(repeating: Array(repeating: 0, count: kinds.count), count: pool.sliceNames.count)
        for unit in units {
            tally[Int(pool.rows[Int(unit.row)].slice)][kinds.firstIndex(of: pool.rows[Int(unit.row)].kind)!] += 1
        }
        var result: [String: [MixKind: Int]] = [:]
        for (i, name) in pool.sliceNames.enumerated() {
            result[name] = Dictionary(uniqueKeysWithValues: kinds.indices.filter { tally[i][$0] > 0 }.map { (kinds[$0], tally[i][$0]) })
        }
        return result
    }
}
