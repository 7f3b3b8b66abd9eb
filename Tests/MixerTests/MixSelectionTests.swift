import Foundation
@testable import Mixer
import Testing
import WinnowCore

/// The constraint arithmetic on its own, over many random pools and specs: whatever the
/// inputs, a plan that is returned satisfies every bound exactly, hits the total when it asks
/// for one, and never uses more rows than are eligible; a plan that is refused names a
/// constraint and a shortfall.
@Suite struct MixSelectionTests {
    /// A small deterministic generator (the same cases on every run).
    struct LCG {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(max(1, bound)))
        }
    }

    @Test func randomPoolsAndSpecsAlwaysSatisfyEveryBound() throws {
        var random = LCG(state: 42)
        var built = 0, refused = 0
        for _ in 0..<3000 {
            var spec = MixSpec(name: "p", seed: "1")
            spec.humanMinFraction = Double(random.next(60)) / 100
            spec.syntheticMaxPerHuman = Double(random.next(12))
            if random.next(3) == 0 { spec.total = 1 + random.next(400) }
            let slices = (0..<(1 + random.next(5))).map { i in
                MixSelection.Slice(name: "s\(i)", critical: random.next(2) == 0, floor: Double(random.next(90)) / 100,
                                   humansEligible: random.next(3) == 0 ? 0 : random.next(120), syntheticEligible: random.next(400))
            }
            do {
                let plan = try MixSelection.plan(slices, spec: spec, bestEffort: random.next(2) == 0)
                built += 1
                let h = plan.humans, s = plan.synthetic
                #expect(h + s > 0)
                #expect(Double(h) >= spec.humanMinFraction * Double(h + s) - 1e-9, "overall floor: \(plan.slices)")
                #expect(Double(s) <= spec.syntheticMaxPerHuman * Double(h) + 1e-9, "per human: \(plan.slices)")
                for slice in plan.slices {
                    #expect(slice.humans <= slice.humansEligible && slice.synthetic <= slice.syntheticEligible)
                    if slice.humans + slice.synthetic > 0 {
                        #expect(Double(slice.humans) >= slice.floor * Double(slice.humans + slice.synthetic) - 1e-9, "\(slice)")
                    }
                }
                if let total = spec.total, total <= plan.maximum { #expect(plan.total == total, "\(plan.slices) for \(total)") }
                if let total = spec.total, total > plan.maximum { #expect(plan.total == plan.maximum) }
            } catch let error as MixError {
                refused += 1
                #expect(error.message.contains("cannot be met") && error.message.contains("short"))
            }
        }
        #expect(built > 1000 && refused > 50, "both paths exercised: \(built) built, \(refused) refused")
    }

    @Test func theOverallCapIsSharedInProportion() throws {
        var spec = MixSpec(name: "p", seed: "1")
        spec.humanMinFraction = 0
        spec.syntheticMaxPerHuman = 1
        let plan = try MixSelection.plan([
            .init(name: "a", critical: false, floor: 0, humansEligible: 10, syntheticEligible: 30),
            .init(name: "b", critical: false, floor: 0, humansEligible: 10, syntheticEligible: 10),
        ], spec: spec, bestEffort: false)
        #expect(plan.slices.map(\.synthetic) == [15, 5])
        #expect(plan.binding.contains { $0.contains("synthetic_max_per_human = 1") })
    }
}
