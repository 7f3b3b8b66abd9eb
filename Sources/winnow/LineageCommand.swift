import ArgumentParser
import Foundation
import Mixer
import WinnowCore
import Workspace

/// `winnow lineage`: which generation each declared generator writes, and why (the mixes it was
/// trained on and the newest synthetic rows they held). The lineage itself is declared in
/// winnow.toml (`[generators.NAME] trained_on`), where a change is reviewed like any setting.
struct LineageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lineage",
        abstract: "Show each generator's generation, from [generators.NAME] trained_on in winnow.toml and the mixes it names.")

    @OptionGroup var workspace: WorkspaceOption
    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let session = try workspace.open(access: .readOnly)
        let lineage = try MixLineage.read(config: session.config, root: session.paths.root)
        let generators = lineage.generators.values.sorted { ($0.generation, $0.name) < ($1.generation, $1.name) }
        if json {
            return Output.json(.object([
                ("deepest", .int(lineage.deepest)),
                ("generators", .array(generators.map { g in
                    .object([("name", .string(g.name)), ("generation", .int(g.generation)),
                             ("trained_on", .array(g.trainedOn.map { p in
                                 .object([("mix", .string(p.mix)), ("human_rows", .int(p.humanRows)),
                                          ("synthetic_rows", .int(p.syntheticRows)),
                                          ("newest_generation", p.newestGeneration.map(JSONValue.int) ?? .null)])
                             }))])
                })),
            ]))
        }
        guard !generators.isEmpty else {
            Output.line("No lineage declared: every generator writes generation 0.")
            Output.line("Declare one in winnow.toml:  [generators.NAME]  trained_on = [\"mixes/MIX\"]")
            return
        }
        for g in generators {
            Output.line("\(Output.safe(g.name)): generation \(g.generation)")
            if g.trainedOn.isEmpty { Output.line("  trained on no winnow mix") }
            for p in g.trainedOn {
                let newest = p.newestGeneration.map { "newest synthetic generation \($0)" } ?? "no synthetic rows"
                Output.line("  trained on \(Output.safe(p.mix)): \(p.humanRows) human, \(p.syntheticRows) synthetic rows (\(newest))")
            }
        }
    }
}
