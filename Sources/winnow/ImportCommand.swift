import ArgumentParser
import Foundation
import WinnowCore
import Workspace

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import JSON Lines (or a JSON array, or gzip of either) into the workspace.",
        discussion: """
            Each row's shape is recognised on its own (chat, alpaca, prompt-response, preference,
            hh, dolly). Provenance comes from the row's own metadata (see [import.paths] in
            winnow.toml); the flags fill in what a row does not say. Lines that cannot be imported
            go to quarantine/ with file, line and reason; the exit status is 3 when any did.
            """)

    @OptionGroup var workspace: WorkspaceOption

    @Argument(help: "Files to import.")
    var files: [String]

    @Option(help: "human or synthetic, for rows that do not say.")
    var origin: String?
    @Option(help: "Generator model and version, for rows that do not say.")
    var generator: String?
    @Option(help: "Prompt template id, for rows that do not say.")
    var template: String?
    @Option(help: "Seed id the rows grew from, for rows that do not say.")
    var seed: String?
    @Option(help: "Slice, for rows that do not say.")
    var slice: String?
    @Option(help: "auto, chat, alpaca, prompt-response, preference, hh or dolly.")
    var format: String = "auto"
    @Option(name: .customLong("map"), help: ArgumentHelp(
        "Read FIELD from PATH in each row, e.g. output=instances.0.output (repeatable).", valueName: "FIELD=PATH"))
    var mappings: [String] = []
    @Flag(help: "Print the summary as JSON.")
    var json = false
    @Flag(help: "Do not run the gates after importing (run 'winnow gates --rerun' later).")
    var noGates = false
    @Flag(help: ArgumentHelp(
        "Read files imported before again with these options (they replace the old ones); rows keep their ids and decisions.",
        discussion: "Refused, with nothing changed, if the new options would leave an imported row unreadable or change its id."))
    var reread = false

    func validate() throws {
        if let origin, origin != "human" && origin != "synthetic" {
            throw ValidationError("--origin must be human or synthetic, not '\(Output.safe(origin))'")
        }
        if RowShape.parseFormat(format) == nil {
            throw ValidationError("--format must be one of \(RowShape.formatNames.joined(separator: ", "))")
        }
        _ = try parsedMap()
    }

    func parsedMap() throws -> [RowField: FieldPath] {
        var map: [RowField: FieldPath] = [:]
        for mapping in mappings {
            let parts = mapping.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw ValidationError("--map takes FIELD=PATH, not '\(Output.safe(mapping))'") }
            guard let field = RowField(rawValue: parts[0]) else {
                let hint = Suggestion.nearest(to: parts[0], in: RowField.allCases.map(\.rawValue)).map { " (did you mean '\($0)'?)" } ?? ""
                throw ValidationError("--map: unknown field '\(Output.safe(parts[0]))'\(hint); fields: \(RowField.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard let path = FieldPath(parts[1]) else {
                throw ValidationError("--map: '\(Output.safe(parts[1]))' is not a dotted path like meta.generator")
            }
            map[field] = path
        }
        return map
    }

    func options() throws -> ImportOptions {
        var options = ImportOptions()
        options.format = RowShape.parseFormat(format) ?? nil
        options.defaults.origin = origin.flatMap(Origin.init) ?? .unknown
        options.defaults.generator = generator
        options.defaults.template = template
        options.defaults.seed = seed
        options.defaults.slices = slice.map { [$0] } ?? []
        options.map = try parsedMap()
        return options
    }

    func run() throws {
        // An import with gates finishes any an earlier import left pending (below).
        let session = try workspace.open(finishesGates: !noGates)
        var options = try options()
        options.gates = !noGates
        // The gates (eval files read) are built before the first file is touched: a bad eval
        // file stops here, naming the file, with nothing imported or logged.
        let gates = noGates ? nil : try session.prepareGates()
        var failed = false, quarantined = false
        var summaries: [ImportSummary] = []
        for file in files {
            do {
                let progress = ProgressBar.ifTerminal(label: Output.safe((file as NSString).lastPathComponent))
                let summary = reread ? try session.rereadFile(file, options: options)
                    : try session.importFile(file, options: options, progress: progress)
                summaries.append(summary)
                if summary.quarantined > 0 || summary.readError != nil { quarantined = true }
                if !json { ImportReport.print(summary, session: session) }
            } catch let error as UserFacingError {
                // One unreadable file does not stop the others; it does decide the exit status.
                Output.error(ErrorReport.render(error))
                failed = true
            }
        }
        TestKillPoint.reached("import-before-gates")
        // New rows, or rows an earlier import logged and never gated (it was killed, say): a
        // re-import that finds nothing new still finishes those.
        if let gates, try summaries.contains(where: { !$0.alreadyImported }) || session.index.pendingGateRows() > 0 {
            let summary = try session.runGates(gates)
            if !json { GatesReport.print(summary) }
        }
        if json { Output.json(.array(summaries.map(\.json))) }
        if failed { throw CommandExit(status: ExitStatus.failure) }
        if quarantined { throw CommandExit(status: ExitStatus.quarantined) }
    }
}
