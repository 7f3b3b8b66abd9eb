import ArgumentParser
import Foundation
import WinnowCore
import Workspace

/// `winnow demo`: a throwaway workspace filled from SampleData, so a newcomer sees winnow work
/// with one command: on a terminal it opens straight into review; elsewhere (CI, a pipe) it
/// prints what it built and how to go on.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Create a throwaway workspace from SampleData and open it in the review workbench.")

    @Option(help: "Where to create the demo workspace (default: a new temporary folder).")
    var dir: String?
    @Option(help: "The SampleData folder (default: ./SampleData, else the one beside the winnow build).")
    var sampleData: String?
    @Flag(help: "Only build the workspace; do not open the review screen.")
    var noReview = false
    @Option(help: ArgumentHelp("A keymap by name or file for the review screen.", valueName: "NAME|FILE"))
    var keymap: String?

    static let files = ["support-chat.jsonl", "instructions-alpaca.jsonl", "preferences.jsonl", "malformed.jsonl"]

    func run() throws {
        let data = try locateSampleData()
        let root = try dir ?? Self.temporaryFolder()
        let paths = try WorkspaceCreator.create(at: root)
        try Self.addEvalSet(from: data, to: paths)
        let session = try WorkspaceSession.open(paths)
        Output.line("Demo workspace: \(Output.safe(paths.root))")
        Output.line()
        var options = ImportOptions()
        options.gates = true  // they run below
        for file in Self.files {
            let summary = try session.importFile(data + "/" + file, options: options, progress: nil)
            ImportReport.print(summary, session: session)
            Output.line()
        }
        GatesReport.print(try session.runGates())
        Output.line()
        let total = try session.index.rowCount()
        Output.line("\(total) rows in the index; the log holds \(try session.log.head().seq) entries.")
        Output.line("malformed.jsonl is meant to fail in places: its quarantined lines show what import refuses and why.")
        let ws = Output.safe(paths.root)
        Output.line("Try:  winnow review --workspace \(ws)    (the workbench; ? lists the keys)")
        Output.line("      winnow queue --workspace \(ws)")
        Output.line("      winnow next --workspace \(ws)          (claims a row; then winnow decide ID --accept)")
        Output.line("      winnow gates --rows --workspace \(ws)")
        Output.line("      winnow stats --workspace \(ws)   |   winnow log verify --workspace \(ws)")
        guard !noReview, isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { return }
        try ReviewSession.run(session: session, slice: nil, keymapName: keymap, home: false)
    }

    /// The sample's held-out eval set goes into the workspace and into `[gates] eval_files`, so
    /// the contamination gate has something to guard.
    static func addEvalSet(from data: String, to paths: WorkspacePaths) throws {
        let source = data + "/eval/heldout-eval.jsonl"
        guard FileManager.default.fileExists(atPath: source) else { return }
        try FileManager.default.createDirectory(atPath: paths.root + "/eval", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: source, toPath: paths.root + "/eval/heldout-eval.jsonl")
        let config = try String(contentsOfFile: paths.config, encoding: .utf8)
            .replacingOccurrences(of: "eval_files = []", with: "eval_files = [\"eval/heldout-eval.jsonl\"]")
        try config.write(toFile: paths.config, atomically: true, encoding: .utf8)
    }

    func locateSampleData() throws -> String {
        var candidates: [String] = []
        if let sampleData { candidates.append(sampleData) }
        candidates.append(FileManager.default.currentDirectoryPath + "/SampleData")
        // .build/<triple>/debug/winnow → the package root is three folders up.
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = executable.deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(dir.appendingPathComponent("SampleData").path)
            dir = dir.deletingLastPathComponent()
        }
        for candidate in candidates where FileManager.default.fileExists(atPath: candidate + "/" + Self.files[0]) {
            return candidate
        }
        throw ValidationError("could not find SampleData/ (looked in \(candidates.prefix(3).joined(separator: ", "))); pass --sample-data DIR")
    }

    static func temporaryFolder() throws -> String {
        let base = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((base + "/winnow-demo-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw WorkspaceError.io(path: base, action: "create a temporary folder", errno: errno)
        }
        return String(cString: made)
    }
}
