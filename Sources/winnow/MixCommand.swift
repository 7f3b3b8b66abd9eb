import ArgumentParser
import Foundation
import Mixer
import WinnowCore
import Workspace

/// `winnow mix SPEC.toml` builds a training mix; `winnow mix verify DIR` proves one.
struct MixCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mix", abstract: "Build a training mix from a spec (per-slice human/synthetic bounds), or verify one.",
        subcommands: [MixBuildCommand.self, MixVerifyCommand.self], defaultSubcommand: MixBuildCommand.self)
}

struct MixBuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build", abstract: "Build the mix a spec describes into mixes/NAME (data.jsonl, manifest.json, report.md) and log it.")

    @OptionGroup var workspace: WorkspaceOption
    @Argument(help: "The mix spec (TOML).")
    var spec: String
    @Option(help: ArgumentHelp("Write the mix here instead of mixes/NAME.", valueName: "DIR"))
    var out: String?
    @Flag(help: "When the constraints cannot all hold, build the largest mix that satisfies them and say what bound it.")
    var bestEffort = false
    @Flag(help: "Leave each row's provenance out of data.jsonl (the manifest and log still record it).")
    var stripProvenance = false
    @Option(help: ArgumentHelp("Show what changed against an earlier mix folder.", valueName: "DIR"))
    var against: String?
    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let builder = MixBuilder(session: try workspace.open())
        let spec = try builder.spec(at: spec)
        let outcome = try builder.build(spec, options: MixOptions(bestEffort: bestEffort, stripProvenance: stripProvenance, output: out))
        let diff = try against.map {
            try MixDiff.compare(earlier: $0, later: outcome.directory,
                                lineage: try MixLineage.read(config: builder.session.config, root: builder.session.paths.root))
        }
        if json {
            return Output.json(.object([
                ("directory", .string(outcome.directory)), ("log_seq", .int(outcome.logSeq)),
                ("outputs", .object(outcome.manifest.outputs.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
                ("report", outcome.report.json), ("against", diff?.json ?? .null),
            ]))
        }
        for line in outcome.report.lines { Output.line(Output.safe(line)) }
        if let diff {
            Output.line()
            for line in diff.lines { Output.line(Output.safe(line)) }
        }
        Output.line()
        let files = outcome.manifest.outputs.keys.sorted() + ["manifest.json", "report.md"]
        Output.line("Wrote \(Output.safe(builder.session.paths.display(outcome.directory)))/ (\(files.joined(separator: ", "))); logged as #\(outcome.logSeq)")
    }
}

struct MixVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Rebuild a mix from its manifest: is the output identical, does the log still hold its head?")

    @OptionGroup var workspace: WorkspaceOption
    @Argument(help: "The mix folder.")
    var directory: String
    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let result = try MixBuilder(session: try workspace.open(access: .readOnly)).verify(directory: directory)
        if json { Output.json(result.json) } else { for line in result.lines { Output.line(Output.safe(line)) } }
        if !result.ok { throw CommandExit(status: ExitStatus.failure) }
    }
}
