import Foundation

/// How many human and synthetic rows (copies counted) each slice contributes, chosen so every
/// constraint of the spec holds exactly, and which constraints decided it.
///
/// The largest feasible mix keeps every eligible human row and as many synthetic rows as the
/// bounds allow: per slice, h/(h+s) >= the slice's human floor; overall, S <= H x
/// synthetic_max_per_human and H/(H+S) >= human_min_fraction. When the overall bound cuts,
/// slices give up synthetic rows in proportion to what they could have used. A `total` below
/// that scales every slice down alike, then fills the rounding gap with rows that break nothing.
struct MixSelection {
    struct Slice {
        var name: String
        var critical: Bool
        var floor: Double
        var humansEligible: Int
        var syntheticEligible: Int
        var humans = 0
        var synthetic = 0
    }

    var slices: [Slice]
    var binding: [String] = []
    var maximum = 0

    var humans: Int { slices.reduce(0) { $0 + $1.humans } }
    var synthetic: Int { slices.reduce(0) { $0 + $1.synthetic } }
    var total: Int { humans + synthetic }

    /// The most synthetic rows `humans` human rows allow at a human floor `floor`.
    static func cap(humans: Int, floor: Double) -> Int {
        guard floor > 0 else { return Int.max / 4 }
        guard floor < 1 else { return 0 }
        // A floor near 0 allows more than any mix holds (and more than an Int can count).
        let most = (Double(humans) * (1 - floor) / floor + 1e-9).rounded(.down)
        guard most < Double(Int.max / 4) else { return Int.max / 4 }
        var s = Int(most)
        while s > 0 && Double(humans) < floor * Double(humans + s) - 1e-9 { s -= 1 }
        return s
    }

    func overallCap(humans: Int, spec: MixSpec) -> Int {
        // An output of synthetic rows only (`judge-kept`) has no human share to bound.
        guard !spec.rows.syntheticOnly else { return Int.max / 4 }
        let ratio = Int((Double(humans) * spec.syntheticMaxPerHuman + 1e-9).rounded(.down))
        return min(ratio, Self.cap(humans: humans, floor: spec.humanMinFraction))
    }

    static func plan(_ slices: [Slice], spec: MixSpec, bestEffort: Bool) throws -> MixSelection {
        var selection = MixSelection(slices: slices)
        try selection.solve(spec: spec, bestEffort: bestEffort)
        return selection
    }

    mutating func solve(spec: MixSpec, bestEffort: Bool) throws {
        // 1. The largest feasible mix.
        var wanted: [Int] = []
        for i in slices.indices {
            slices[i].humans = slices[i].humansEligible
            let cap = Self.cap(humans: slices[i].humans, floor: slices[i].floor)
            wanted.append(min(slices[i].syntheticEligible, cap))
            if cap < slices[i].syntheticEligible {
                binding.append("slice \(slices[i].name): human share >= \(Self.percent(slices[i].floor)) "
                    + "(\(slices[i].humans) human rows allow \(cap) of \(slices[i].syntheticEligible) eligible synthetic rows)")
            }
        }
        let overall = overallCap(humans: humans, spec: spec)
        let sum = wanted.reduce(0, +)
        if sum > overall {
            let byRatio = Int((Double(humans) * spec.syntheticMaxPerHuman + 1e-9).rounded(.down))
            binding.append(byRatio <= Self.cap(humans: humans, floor: spec.humanMinFraction)
                ? "synthetic_max_per_human = \(Self.number(spec.syntheticMaxPerHuman)) (\(humans) human rows allow \(overall) of \(sum) synthetic rows)"
                : "human_min_fraction = \(Self.number(spec.humanMinFraction)) overall (\(humans) human rows allow \(overall) of \(sum) synthetic rows)")
            wanted = Self.apportion(overall, by: wanted)
        }
        for i in slices.indices { slices[i].synthetic = wanted[i] }
        maximum = total
        guard total > 0 else {
            throw MixError.infeasible(binding: binding.first ?? "eligibility", shortBy: spec.total ?? 1,
                                      detail: "no row is eligible and allowed (\(slices.reduce(0) { $0 + $1.humansEligible }) human, "
                                        + "\(slices.reduce(0) { $0 + $1.syntheticEligible }) synthetic rows eligible)")
        }
        guard let target = spec.total else { return }
        if target > maximum {
            let reason = binding.last ?? "eligible rows (all \(humans) human and \(synthetic) allowed synthetic rows are used)"
            if !bestEffort {
                throw MixError.infeasible(binding: reason, shortBy: target - maximum,
                                          detail: "total = \(target) asked for, at most \(maximum) rows satisfy every constraint")
            }
            binding.append("total = \(target) not reachable: built the largest mix that satisfies the constraints, \(maximum) rows (\(target - maximum) short)")
            return
        }
        if target < maximum {
            binding.append("total = \(target) (the constraints allow up to \(maximum))")
            scale(to: target, spec: spec)
        }
    }

    /// Shrinks every slice by target/maximum, then adds rows one at a time (synthetic where every
    /// bound still holds, else human, which never breaks one) until the total is exact.
    mutating func scale(to target: Int, spec: MixSpec) {
        let factor = Double(target) / Double(maximum)
        let ceilings = slices.map { ($0.humans, $0.synthetic) }
        for i in slices.indices {
            slices[i].humans = Int((Double(slices[i].humans) * factor).rounded(.down))
            slices[i].synthetic = min(Int((Double(slices[i].synthetic) * factor).rounded(.down)),
                                      Self.cap(humans: slices[i].humans, floor: slices[i].floor))
        }
        while synthetic > overallCap(humans: humans, spec: spec), let i = slices.indices.max(by: { slices[$0].synthetic < slices[$1].synthetic }) {
            slices[i].synthetic -= 1
        }
        while total < target {
            // Synthetic first where the slice is furthest below its scaled share.
            let order = slices.indices.sorted {
                (Double(ceilings[$0].1) * factor - Double(slices[$0].synthetic), slices[$1].name)
                    > (Double(ceilings[$1].1) * factor - Double(slices[$1].synthetic), slices[$0].name)
            }
            var added = false
            for i in order where total < target && slices[i].synthetic < ceilings[i].1
                && slices[i].synthetic < Self.cap(humans: slices[i].humans, floor: slices[i].floor)
                && synthetic < overallCap(humans: humans, spec: spec) {
                slices[i].synthetic += 1
                added = true
            }
            if added { continue }
            for i in order where total < target && slices[i].humans < ceilings[i].0 {
                slices[i].humans += 1
                added = true
            }
            if !added { return }
        }
    }

    /// Splits `amount` in proportion to `weights` (largest remainder; ties to the earlier slice).
    static func apportion(_ amount: Int, by weights: [Int]) -> [Int] {
        let sum = weights.reduce(0, +)
        guard sum > 0 else { return weights.map { _ in 0 } }
        let exact = weights.map { Double($0) * Double(amount) / Double(sum) }
        var parts = exact.map { Int($0.rounded(.down)) }
        let order = exact.indices.sorted { (exact[$0] - Double(parts[$0]), -$0) > (exact[$1] - Double(parts[$1]), -$1) }
        var left = amount - parts.reduce(0, +)
        for i in order where left > 0 && parts[i] < weights[i] {
            parts[i] += 1
            left -= 1
        }
        return parts
    }

    static func percent(_ v: Double) -> String { String(format: "%.0f%%", v * 100) }
    static func number(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(v) }
}
