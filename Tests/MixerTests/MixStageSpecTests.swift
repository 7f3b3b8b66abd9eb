import Foundation
@testable import Mixer
import ReviewQueue
import TestSupport
import Testing
import WinnowCore
import Workspace

/// What a staged spec may say, and the errors naming the line for what it may not.
@Suite struct MixStageSpecTests {
    static let defaults = WorkspaceConfig().mix

    static func parse(_ text: String) throws -> MixSpec {
        try MixSpec.parse(text: text, path: "spec.toml", defaults: defaults)
    }

    static func refused(_ text: String) -> String {
        do {
            _ = try parse(text)
            return "accepted"
        } catch {
            return (error as? UserFacingError)?.message ?? "\(error)"
        }
    }

    @Test func aStageLaysItsSettingsOverTheTopOfTheSpec() throws {
        let spec = try Self.parse("""
            name = "m"
            seed = 1
            format = "alpaca"
            [constraints]
            human_min_fraction = 0.25
            max_generation = 2
            [slices.billing]
            human_min_fraction = 0.6
            [stages.zeta]
            total = 10
            [stages.zeta.constraints]
            human_min_fraction = 0.5
            max_generation = 1
            [stages.zeta.slices.medical]
            synthetic_max_fraction = 0.2
            [stages.alpha]
            format = "preference"
            rows = "pairs"
            [stages.rft]
            rows = "judge-kept"
            """)
        #expect(spec.stages.map(\.name) == ["zeta", "alpha", "rft"], "in the order written, not by name")
        let (zeta, alpha, rft) = (spec.stages[0].spec, spec.stages[1].spec, spec.stages[2].spec)
        #expect(zeta.format == .alpaca && zeta.total == 10 && zeta.humanMinFraction == 0.5 && zeta.maxGeneration == 1)
        #expect(zeta.slices["billing"]?.humanMinFraction == 0.6 && zeta.slices["medical"]?.syntheticMaxFraction == 0.2)
        #expect(alpha.format == .preference && alpha.rows == .pairs && alpha.humanMinFraction == 0.25 && alpha.total == nil)
        #expect(alpha.maxGeneration == 2 && alpha.slices["medical"] == nil && alpha.stages.isEmpty)
        #expect(rft.rows == .judgeKept && rft.humanMinFraction == 0 && rft.slices.isEmpty && rft.freshHumanMinFraction == nil)
        #expect(rft.humanFloor(slice: "billing", critical: true) == 0)
        #expect(spec.stages[0].location.line == 9)
    }

    @Test func whatOnlyTheWholeMixMaySetIsRefusedInAStage() {
        let top = "name = \"m\"\nseed = 1\n"
        #expect(Self.refused(top + "[stages.a]\neval_fraction = 0.1\n")
                == "spec.toml:4: [stages.a] eval_fraction: is set once for the whole mix, at the top of the spec: every stage shares one pool, one seed and one train/eval split")
        #expect(Self.refused(top + "[stages.a]\nseed = 2\n").contains("[stages.a] seed: is set once for the whole mix"))
        #expect(Self.refused(top + "[stages.a.weights]\nmax_repeats = 2\n").contains("[stages.a] weights: is set once for the whole mix"))
        #expect(Self.refused(top + "[stages.a.constraints]\nunreviewed_max_reject_rate = 0.1\n")
                    .contains("spec.toml:4: [stages.a.constraints] unreviewed_max_reject_rate: is set once for the whole mix"))
        #expect(Self.refused(top + "[stages.a]\nformt = \"chat\"\n") == "spec.toml:4: unknown stage setting 'formt' (did you mean 'format'?)")
        #expect(Self.refused(top + "total = 5\n[stages.a]\n").contains("spec.toml:3: total: a staged mix sets total in each [stages.NAME]"))
        #expect(Self.refused(top + "[stages.SFT]\n").contains("a stage's name is its folder's"))
        #expect(Self.refused(top + "stages = 3\n").contains("stages: expected one or more tables"))
        #expect(Self.refused(top + "[constraints]\nmax_generation = 1\n[stages.a.constraints]\nmax_generation = 2\n")
                    .contains("spec.toml:6: [stages.a.constraints] max_generation: 2 is above the whole mix's max_generation = 1"))
        #expect(Self.refused(top + "[stages.a]\nformat = \"preference\"\nrows = \"non-pairs\"\n").contains("leaves a preference output nothing to write"))
        #expect(Self.refused(top + "[stages.a]\nrows = \"some\"\n").contains("must be one of any, pairs, non-pairs, judge-kept"))
        #expect(Self.refused(top + "rows = \"judge-kept\"\n[stages.a]\n").contains("\"judge-kept\" at the top would take the human rows out of every stage"))
    }

    /// A stage's slice rule keeps what it does not set; a stage's constraints or slices must be tables.
    @Test func aStageSliceRuleIsLaidOverTheTopsKeyByKey() throws {
        let spec = try Self.parse("""
            name = "m"
            seed = 1
            [slices.billing]
            synthetic_max_fraction = 0.1
            [stages.sft.slices.billing]
            human_min_fraction = 0.3
            """)
        let rule = spec.stages[0].spec.slices["billing"]
        #expect(rule?.humanMinFraction == 0.3 && rule?.syntheticMaxFraction == 0.1)
        #expect(spec.stages[0].spec.humanFloor(slice: "billing", critical: true) == 0.9)
        let top = "name = \"m\"\nseed = 1\n"
        #expect(Self.refused(top + "[stages.sft]\nconstraints = 0.4\n").contains("[stages.sft] constraints: expected a table [stages.sft.constraints]"))
        #expect(Self.refused(top + "[stages.sft]\nslices = 1\n").contains("[stages.sft] slices: expected a table [stages.sft.slices]"))
        #expect(Self.refused(top + "slices = 1\n").contains("slices: expected tables [slices.NAME]"))
    }

    /// A judge-kept output holds no human row: a human bound written for it could never hold.
    @Test func aHumanBoundInAJudgeKeptOutputIsRefused() {
        let top = "name = \"m\"\nseed = 1\n"
        #expect(Self.refused(top + "[stages.rft]\nrows = \"judge-kept\"\n[stages.rft.constraints]\nhuman_min_fraction = 0.3\n")
                    .contains("spec.toml:6: [stages.rft.constraints] human_min_fraction: rows = \"judge-kept\" takes synthetic rows only"))
        #expect(Self.refused(top + "[stages.rft]\nrows = \"judge-kept\"\n[stages.rft.slices.billing]\nsynthetic_max_fraction = 0.3\n")
                    .contains("[stages.rft.slices.billing]: rows = \"judge-kept\" takes synthetic rows only"))
        #expect(Self.refused(top + "rows = \"judge-kept\"\n[constraints]\nfresh_human_min_fraction = 0.2\n")
                    .hasSuffix("spec.toml:5: [constraints] fresh_human_min_fraction: rows = \"judge-kept\" takes synthetic rows only, so a bound on the human share cannot hold here"))
        // The top's bounds are the other stages': inherited, they are dropped, not refused.
        #expect(Self.refused(top + "[constraints]\nhuman_min_fraction = 0.4\n[stages.sft]\n[stages.rft]\nrows = \"judge-kept\"\n") == "accepted")
    }
}
