import Foundation
@testable import Mixer
import Testing
import WinnowCore

/// Each constraint alone and all together, checked from the rows' own provenance; infeasible
/// specs fail naming the binding constraint; --best-effort builds the largest mix that fits;
/// upweighting respects the repetition cap.
@Suite(.serialized) struct MixConstraintTests {
    /// 20 human and 200 accepted synthetic general rows; 10 human and 40 accepted synthetic billing rows.
    func fixture() throws -> MixFixture {
        let f = try MixFixture([
            .init(slice: "general", origin: "human", count: 20), .init(slice: "general", origin: "synthetic", count: 200),
            .init(slice: "billing", origin: "human", count: 10), .init(slice: "billing", origin: "synthetic", count: 40),
        ])
        try f.decide(f.ids("general-s", 0..<200) + f.ids("billing-s", 0..<40), .accept)
        return f
    }

    static let loose = """
        name = "m"
        seed = 1
        [constraints]
        human_min_fraction = 0
        synthetic_max_per_human = 1000
        critical_synthetic_max = 1
        """

    @Test func humanMinFractionAlone() throws {
        let f = try fixture()
        let out = try f.build(Self.loose.replacingOccurrences(of: "human_min_fraction = 0", with: "human_min_fraction = 0.25"))
        let c = CompositionCheck(try MixFixture.metadata(out.directory))
        #expect(c.violations(humanMin: 0.25, perHuman: 1000, sliceHumanMin: [:]).isEmpty)
        #expect(c.humanTotal == 30 && c.syntheticTotal == 90, "30 humans allow exactly 90 synthetic rows at 25 %: \(c)")
        #expect(out.report.binding.contains { $0.contains("human_min_fraction") })
    }

    @Test func syntheticMaxPerHumanAlone() throws {
        let f = try fixture()
        let out = try f.build(Self.loose.replacingOccurrences(of: "synthetic_max_per_human = 1000", with: "synthetic_max_per_human = 2"))
        let c = CompositionCheck(try MixFixture.metadata(out.directory))
        #expect(c.syntheticTotal == 60 && c.humanTotal == 30)
        #expect(out.report.binding.contains { $0.contains("synthetic_max_per_human = 2") })
    }

    @Test func criticalSlicesDefaultToHalfSynthetic() throws {
        let f = try fixture()
        let out = try f.build(Self.loose.replacingOccurrences(of: "critical_synthetic_max = 1", with: ""))
        let c = CompositionCheck(try MixFixture.metadata(out.directory))
        #expect(c.synthetic["billing"] == 10 && c.humans["billing"] == 10, "billing is critical: at most 50 % synthetic: \(c)")
        #expect(c.synthetic["general"] == 200)
    }

    @Test func perSliceBoundsAlone() throws {
        let f = try fixture()
        let out = try f.build(Self.loose + "\n[slices.general]\nhuman_min_fraction = 0.5\n[slices.billing]\nsynthetic_max_fraction = 0.2\n")
        let c = CompositionCheck(try MixFixture.metadata(out.directory))
        #expect(c.violations(humanMin: 0, perHuman: 1000, sliceHumanMin: ["general": 0.5, "billing": 0.8]).isEmpty, "\(c)")
        #expect(c.synthetic["general"] == 20 && c.synthetic["billing"] == 2)
    }

    /// The independent check: every constraint of a spec with all of them set, and a total.
    @Test func everyConstraintTogetherHoldsInTheRowsProvenance() throws {
        let f = try fixture()
        let toml = """
            name = "all"
            seed = 99
            total = 70
            [constraints]
            human_min_fraction = 0.35
            synthetic_max_per_human = 3
            [slices.general]
            human_min_fraction = 0.3
            [slices.billing]
            synthetic_max_fraction = 0.4
            """
        let out = try f.build(toml)
        let c = CompositionCheck(try MixFixture.metadata(out.directory))
        let problems = c.violations(humanMin: 0.35, perHuman: 3, sliceHumanMin: ["general": 0.3, "billing": 0.6], total: 70)
        #expect(problems.isEmpty, "\(problems)")
        #expect(c.syntheticTotal > 0 && c.humanTotal > 0)
    }

    @Test func anUnreachableTotalFailsNamingTheBindingConstraint() throws {
        let f = try fixture()
        let toml = Self.loose.replacingOccurrences(of: "synthetic_max_per_human = 1000", with: "synthetic_max_per_human = 2")
            .replacingOccurrences(of: "seed = 1", with: "seed = 1\ntotal = 100")
        #expect {
            _ = try f.build(toml)
        } throws: { error in
            let message = (error as? MixError)?.message ?? ""
            return message.contains("synthetic_max_per_human = 2") && message.contains("10 rows short") && message.contains("--best-effort")
        }
        let out = try f.build(toml, bestEffort: true)
        #expect(out.report.rows == 90)
        #expect(out.report.binding.contains { $0.contains("total = 100 not reachable") && $0.contains("10 short") })
        #expect(!FileManager.default.fileExists(atPath: f.tmp.file("ws/mixes/m")), "a failed mix leaves nothing behind")
    }

    @Test func noHumanRowsMeansNoMix() throws {
        let f = try MixFixture([.init(slice: "general", origin: "synthetic", count: 10)])
        try f.decide(f.ids("general-s", 0..<10), .accept)
        #expect(throws: MixError.self) { _ = try f.build("name = \"x\"\nseed = 1\n") }
    }

    @Test func upweightingRespectsTheRepetitionCap() throws {
        let f = try fixture()
        let capped = try f.build(Self.loose + "\n[weights]\nmax_repeats = 2\n[weights.origin]\nhuman = 5\n")
        var copies: [String: Int] = [:]
        for m in try MixFixture.metadata(capped.directory) where m["origin"] as? String == "human" {
            copies[m["row"] as! String, default: 0] += 1
        }
        #expect(copies.count == 30 && copies.values.allSatisfy { $0 == 2 }, "weight 5 capped at 2 copies: \(copies)")
        let fractional = try f.build(Self.loose + "\n[weights.origin]\nhuman = 1.5\n")
        copies = [:]
        for m in try MixFixture.metadata(fractional.directory) where m["origin"] as? String == "human" {
            copies[m["row"] as! String, default: 0] += 1
        }
        let twice = copies.values.filter { $0 == 2 }.count
        #expect(copies.values.allSatisfy { $0 == 1 || $0 == 2 } && twice > 5 && twice < 25, "weight 1.5: about half twice: \(twice)")
    }

    @Test func upweightedHumansLetMoreSyntheticRowsIn() throws {
        let f = try fixture()
        let toml = Self.loose.replacingOccurrences(of: "synthetic_max_per_human = 1000", with: "synthetic_max_per_human = 2")
        let plain = try f.build(toml)
        let weighted = try f.build(toml + "\n[weights.origin]\nhuman = 2\n")
        let a = CompositionCheck(try MixFixture.metadata(plain.directory)), b = CompositionCheck(try MixFixture.metadata(weighted.directory))
        #expect(b.humanTotal == 2 * a.humanTotal && b.syntheticTotal == 2 * a.syntheticTotal)
    }
}
