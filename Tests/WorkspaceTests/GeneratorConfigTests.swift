import Foundation
import Testing
import WinnowCore
@testable import Workspace

/// `[generators.NAME] trained_on`: read, checked, and kept out of what the gates depend on.
struct GeneratorConfigTests {
    @Test func trainedOnIsReadWithItsLine() throws {
        let config = try WorkspaceConfig.parse(
            text: "[generators.teacher-b]\ntrained_on = [\"mixes/round-1\", \"/data/mixes/round-0\"]\n\n[generators.teacher-a]\ntrained_on = []\n",
            path: "w.toml")
        #expect(config.generators.map(\.name) == ["teacher-a", "teacher-b"])
        #expect(config.generators[1].trainedOn == ["mixes/round-1", "/data/mixes/round-0"])
        #expect(config.generators[1].location.description == "w.toml:2")
        #expect(config.generators[0].trainedOn.isEmpty)
    }

    @Test(arguments: [
        ("[generators.a]\ntrained_onn = [\"m\"]\n", "w.toml:2: unknown setting 'trained_onn' (did you mean 'trained_on'?)"),
        ("[generators.a]\ntrained_on = 3\n", "w.toml:2: [generators.a] trained_on: expected a list of strings, found"),
        ("[generators.a]\ntrained_on = [\"m\", \"m\"]\n", "w.toml:2: [generators.a] trained_on: 'm' is listed twice"),
        ("[generators.a]\ntrained_on = [\"\"]\n", "w.toml:2: [generators.a] trained_on: a mix folder must not be empty"),
        ("generators = 1\n", "w.toml:1: generators: expected tables [generators.NAME]"),
    ])
    func mistakesNameTheLine(_ text: String, _ expected: String) throws {
        try expectConfigError(text, expected)
    }

    /// A lineage says what models were trained on, after every round: declaring one (or the
    /// mixer's fresh floor) must not send every row through the gates again. Without either,
    /// the gates' hash is the config's, as it was before there were lineages: an existing
    /// workspace's gates stand.
    @Test func theGatesHashIgnoresTheLineageAndTheFreshFloor() throws {
        let template = try WorkspaceConfig.parse(text: WorkspaceConfig.template, path: "w.toml")
        let older = WorkspaceConfig.template.replacingOccurrences(of: "fresh_human_floor = 0.2\n", with: "")
        #expect(older != WorkspaceConfig.template)
        let before = try WorkspaceConfig.parse(text: older, path: "w.toml")
        #expect(before.gatesConfigHash == before.configHash)
        #expect(template.gatesConfigHash == before.configHash && template.configHash != before.configHash)
        let declared = try WorkspaceConfig.parse(text: WorkspaceConfig.template + "\n[generators.x]\ntrained_on = [\"mixes/m\"]\n", path: "w.toml")
        #expect(declared.gatesConfigHash == template.gatesConfigHash)
        #expect(declared.configHash != template.configHash)
        #expect(template.mix.freshHumanFloor == 0.2 && before.mix.freshHumanFloor == nil)
    }

    @Test func aGeneratorDeclaredTwiceIsRefused() throws {
        // "é" precomposed and decomposed: two TOML keys, one name.
        try expectConfigError("[generators.\"\u{E9}\"]\ntrained_on = []\n[generators.\"e\u{301}\"]\ntrained_on = []\n",
                              "w.toml:")
        do {
            _ = try WorkspaceConfig.parse(text: "[generators.\"\u{E9}\"]\ntrained_on = []\n[generators.\"e\u{301}\"]\ntrained_on = []\n", path: "w.toml")
        } catch let error as WorkspaceError {
            #expect(error.message.contains("declared twice"), "\(error.message)")
        }
    }
}
