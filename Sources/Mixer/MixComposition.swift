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
    /// The training side (data.jsonl): every bound of the spec holds in it.
    var selection: MixSelection
    /// The held-out side (eval.jsonl), selected under the same bounds; nil without a split.
    var evalSelection: MixSelection?
    var units: [MixUnit]

    /// One output's composition from its rows (`MixPool.narrowed`): the stages of a staged mix
    /// each come here with their own.
    static func compose(pool: MixPool, config: WorkspaceConfig, spec: MixSpec, bestEffort: Bool) throws -> MixComposition {
        var timing = PhaseTiming.mix()
        try checkSliceNames(spec: spec, config: config, pool: pool)
        // The split comes first and each side is selected on its own, so every bound holds in
        // data.jsonl and in eval.jsonl as written. Selecting first and splitting after let the
        // hash draw tip a file below a floor the whole mix kept (29.98 % against 30 %).
        var sides: [[MixUnit]] = [keyedUnits(pool, seed: spec.seed), []]
        if let fraction = spec.evalFraction {
            // A near-duplicate cluster goes wholly to one side: the draw is the cluster's.
            var train: [MixUnit] = [], eval: [MixUnit] = []
            for var unit in sides[0] {
                let r = Int(unit.row)
                unit.eval = MixHash.unit(seed: spec.seed, id: pool.rows[r].cluster ?? pool.rows[r].id, salt: "eval") < fraction
                if unit.eval { eval.append(unit) } else { train.append(unit) }
            }
            sides = [train, eval]
        }
        timing.mark("hash and split")
        var trainSpec = spec, evalSpec = spec
        if let total = spec.total, let fraction = spec.evalFraction {
            evalSpec.total = Int((Double(total) * fraction).rounded())
            trainSpec.total = total - evalSpec.total!
        }
        var (selection, units) = try select(sides[0], pool: pool, spec: trainSpec, bestEffort: bestEffort)
        var evalSelection: MixSelection?
        if spec.evalFraction != nil {
            let (chosen, evalUnits) = try select(sides[1], pool: pool, spec: evalSpec, bestEffort: bestEffort, side: "eval.jsonl")
            evalSelection = chosen
            units += evalUnits
        }
        units.sort { ($0.order, $0.row, $0.copy) < ($1.order, $1.row, $1.copy) }
        timing.mark("select and order")
        if spec.evalFraction != nil { selection.binding = selection.binding.map { "data.jsonl: " + $0 } }
        return MixComposition(spec: spec, pool: pool, selection: selection, evalSelection: evalSelection, units: units)
    }

    /// Chooses one output file's rows: per slice, the human and synthetic copies the spec's
    /// bounds allow (`MixSelection`), reviewed synthetic rows before trusted unreviewed ones,
    /// each in hash order. An eval side with no eligible row at all is empty, not an error.
    static func select(_ keyed: [MixUnit], pool: MixPool, spec: MixSpec, bestEffort: Bool,
                       side: String? = nil) throws -> (MixSelection, [MixUnit]) {
        var humans = Array(repeating: [MixUnit](), count: pool.sliceNames.count)
        var synthetic = humans
        let (keyed, freshBinding) = capUsedHumans(keyed, pool: pool, spec: spec)
        // Fields read in place: copying a candidate would retain its five strings.
        for unit in keyed {
            let slice = Int(pool.rows[Int(unit.row)].slice)
            if pool.rows[Int(unit.row)].kind.isHuman { humans[slice].append(unit) } else { synthetic[slice].append(unit) }
        }
        let pools = ConcurrentSlots<[MixUnit]>(count: humans.count * 2)
        let shared = MixBox((pool, humans, synthetic))
        DispatchQueue.concurrentPerform(iterations: humans.count * 2) { k in
            let (pool, humans, synthetic) = shared.value
            let i = k / 2
            if k % 2 == 0 {
                // Under a fresh floor, fresh human rows first: a slice cut short keeps the rows no
                // earlier mix held. Without one, hash order alone, as mixes were always built.
                let freshFirst = spec.freshHumanMinFraction != nil
                pools.set(k, humans[i].sorted {
                    let a = freshFirst && pool.rows[Int($0.row)].usedBefore, b = freshFirst && pool.rows[Int($1.row)].usedBefore
                    return (a ? 1 : 0, $0.select, $0.row, $0.copy) < (b ? 1 : 0, $1.select, $1.row, $1.copy)
                })
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
        let order = pool.sliceNames.indices.sorted { pool.sliceNames[$0] < pool.sliceNames[$1] }
        let slices = order.map { i in
            MixSelection.Slice(name: pool.sliceNames[i], critical: pool.critical[i],
                               floor: spec.humanFloor(slice: pool.sliceNames[i], critical: pool.critical[i]),
                               humansEligible: humans[i].count, syntheticEligible: synthetic[i].count)
        }
        if let side, keyed.isEmpty, (spec.total ?? 0) == 0 || bestEffort {
            return (MixSelection(slices: slices, binding: ["\(side): no eligible row drew this side"]), [])
        }
        var selection: MixSelection
        do { selection = try MixSelection.plan(slices, spec: spec, bestEffort: bestEffort) } catch let MixError.infeasible(binding, short, detail) {
            // The fresh floor left rows out before the plan: when the plan then fails, that is
            // what bound it.
            let cause = freshBinding.map { "\($0), then \(binding)" } ?? binding
            throw MixError.infeasible(binding: side.map { "\($0): \(cause)" } ?? cause, shortBy: short, detail: detail)
        }
        if let freshBinding { selection.binding.insert(freshBinding, at: 0) }
        if let side { selection.binding = selection.binding.map { "\(side): " + $0 } }
        var units: [MixUnit] = []
        for (k, i) in order.enumerated() {
            units += humans[i].prefix(selection.slices[k].humans)
            units += synthetic[i].prefix(selection.slices[k].synthetic)
        }
        try checkFreshHumans(units, pool: pool, spec: spec, side: side ?? "data.jsonl")
        return (selection, units)
    }

    /// With `fresh_human_min_fraction`, leaves out the human copies earlier mixes held beyond
    /// what the fresh ones allow (the last in hash order), like the synthetic caps leave out
    /// synthetic rows; and the binding line that says so.
    static func capUsedHumans(_ keyed: [MixUnit], pool: MixPool, spec: MixSpec) -> ([MixUnit], String?) {
        guard let floor = spec.freshHumanMinFraction else { return (keyed, nil) }
        var fresh = 0, used: [MixUnit] = []
        for unit in keyed where pool.rows[Int(unit.row)].kind.isHuman {
            if pool.rows[Int(unit.row)].usedBefore { used.append(unit) } else { fresh += 1 }
        }
        let allowed = MixSelection.cap(humans: fresh, floor: floor)
        guard used.count > allowed else { return (keyed, nil) }
        used.sort { ($0.select, $0.row, $0.copy) < ($1.select, $1.row, $1.copy) }
        let dropped = Set(used[allowed...].map { UInt64(UInt32(bitPattern: $0.row)) << 16 | UInt64($0.copy) })
        let kept = keyed.filter { !dropped.contains(UInt64(UInt32(bitPattern: $0.row)) << 16 | UInt64($0.copy)) }
        return (kept, "fresh_human_min_fraction = \(MixSelection.number(floor)) (\(fresh) fresh human rows allow \(allowed) "
            + "of the \(used.count) human rows an earlier mix in the lineage held)")
    }

    /// A bound that must hold in the file as written: checked on the chosen copies, never
    /// assumed from the plan (a mix that breaks it is refused, not written).
    static func checkFreshHumans(_ units: [MixUnit], pool: MixPool, spec: MixSpec, side: String) throws {
        guard let floor = spec.freshHumanMinFraction else { return }
        var fresh = 0, humans = 0
        for unit in units where pool.rows[Int(unit.row)].kind.isHuman {
            humans += 1
            if !pool.rows[Int(unit.row)].usedBefore { fresh += 1 }
        }
        guard humans > 0, Double(fresh) < floor * Double(humans) - 1e-9 else { return }
        throw MixError.infeasible(
            binding: "\(side): fresh_human_min_fraction = \(MixSelection.number(floor))",
            shortBy: Int((floor * Double(humans) - 1e-9).rounded(.up)) - fresh,
            detail: "\(fresh) of \(humans) human rows are fresh (no earlier mix in the lineage held them)")
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
    /// `eval`: only the copies on that side of the split (nil: the whole mix).
    func counts(eval: Bool? = nil) -> [String: [MixKind: Int]] {
        let kinds = MixKind.allCases
        var tally = Array(repeating: Array(repeating: 0, count: kinds.count), count: pool.sliceNames.count)
        for unit in units where eval == nil || unit.eval == eval {
            tally[Int(pool.rows[Int(unit.row)].slice)][kinds.firstIndex(of: pool.rows[Int(unit.row)].kind)!] += 1
        }
        var result: [String: [MixKind: Int]] = [:]
        for (i, name) in pool.sliceNames.enumerated() {
            result[name] = Dictionary(uniqueKeysWithValues: kinds.indices.filter { tally[i][$0] > 0 }.map { (kinds[$0], tally[i][$0]) })
        }
        return result
    }
}
