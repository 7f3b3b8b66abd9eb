import Foundation
@testable import Mixer
import Testing
import WinnowCore
import Workspace

/// Specs are read like winnow.toml: defaults from the workspace, and every mistake named with
/// the file and line.
@Suite struct MixSpecTests {
    let defaults = WorkspaceConfig.defaults.mix

    func refused(_ toml: String) -> String {
        do {
            _ = try MixSpec.parse(text: toml, path: "spec.toml", defaults: defaults)
            return "accepted"
        } catch let error as UserFacingError {
            return error.message
        } catch {
            return "\(error)"
        }
    }

    @Test func theSampleSpecParses() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("SampleData/mix-spec.toml").path
        let spec = try MixSpec.load(path: path, defaults: defaults)
        #expect(spec.name == "support-v1" && spec.seed == "7" && spec.format == .chat)
        #expect(spec.slices["billing"]?.syntheticMaxFraction == 0.5)
        #expect(spec.weights.origins[.human] == 2 && spec.weights.maxRepeats == 3)
        #expect(spec.unreviewedMaxRejectRate == 0.15 && spec.evalFraction == 0.1)
    }

    @Test func defaultsComeFromTheWorkspace() throws {
        let spec = try MixSpec.parse(text: "name = \"a\"\nseed = \"s\"\n", path: "spec.toml", defaults: defaults)
        #expect(spec.humanMinFraction == 0.3 && spec.syntheticMaxPerHuman == 10 && spec.criticalSyntheticMax == 0.5)
        #expect(spec.humanFloor(slice: "billing", critical: true) == 0.5)
        #expect(spec.humanFloor(slice: "general", critical: false) == 0)
        #expect(spec.unreviewedMaxRejectRate == nil && spec.total == nil)
    }

    @Test func mistakesNameTheFileAndLine() {
        #expect(refused("name = \"a\"\nseed = 1\n[constraints]\nhuman_min_fractoin = 0.3\n")
            == "spec.toml:4: unknown setting 'human_min_fractoin' (did you mean 'human_min_fraction'?)")
        #expect(refused("name = \"a\"\nseed = 1\n[constraints]\nhuman_min_fraction = 2\n")
            == "spec.toml:4: [constraints] human_min_fraction: must be between 0.0 and 1.0, found 2.0")
        #expect(refused("name = \"a\"\nseed = 1\nformat = \"sharegpt\"\n").hasPrefix("spec.toml:3: format: must be one of chat, preference, alpaca"))
        #expect(refused("seed = 1\n").contains("name: is missing"))
        #expect(refused("name = \"a\"\n").contains("seed: is missing"))
        #expect(refused("name = \"a\"\nseed = 1\ntotl = 5\n").contains("did you mean 'total'"))
        #expect(refused("name = \"a\"\nseed = 1\n[slices.billing]\nsynthetic_max = 0.4\n").hasPrefix("spec.toml:4: unknown slice setting"))
        #expect(refused("name = \"a\"\nseed = 1\n[weights.origin]\nrobot = 2\n").contains("unknown origin 'robot'"))
        #expect(refused("name = \"a\"\nseed = 1\ntotal = 0\n").contains("must be at least 1"))
        #expect(refused("name = \"a b\"\nseed = 1\n").contains("lowercase letters"))
        #expect(refused("name = \"a\"\nseed = 1\n[constraints\n").hasPrefix("spec.toml:3"))
    }

    @Test func anUnknownSliceOrSourceIsRefusedAtBuildTime() throws {
        let f = try MixFixture([.init(slice: "general", origin: "human", count: 3)])
        #expect(throws: MixError.self) { _ = try f.build("name = \"a\"\nseed = 1\n[slices.biling]\nhuman_min_fraction = 0.5\n") }
        do {
            _ = try f.build("name = \"a\"\nseed = 1\n[weights.source]\n\"nope.jsonl\" = 2\n")
            Issue.record("an unknown source was accepted")
        } catch let error as MixError {
            #expect(error.message.contains("spec.toml:4") && error.message.contains("names no imported source"), "\(error.message)")
        }
        let ok = try f.build("name = \"a\"\nseed = 1\n[weights.source]\n\"rows.jsonl\" = 2\n")
        #expect(ok.report.rows == 6)
    }
}
