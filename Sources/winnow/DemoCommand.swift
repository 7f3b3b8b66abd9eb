import ArgumentParser
import Foundation
import ProvenanceLog
import ShippedFiles
import WinnowCore
import Workspace

/// `winnow demo`: a throwaway workspace filled from SampleData, so a newcomer sees winnow work
/// with one command: on a terminal it opens straight into review; elsewhere (CI, a pipe) it
/// prints what it built and how to go on.
///
/// The sample is compiled into winnow (ShippedFiles) and written into the workspace's
/// `sample-data/` before import, so the demo works from an installed binary in any folder;
/// `--sample-data DIR` imports another copy instead. Before, the demo looked for `SampleData/`
/// in the current folder and above the binary, and failed anywhere but a checkout.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Create a throwaway workspace from SampleData and open it in the review workbench.")

    @Option(help: "Where to create the demo workspace (default: a new temporary folder).")
    var dir: String?
    @Option(help: "Import the sample files from this folder (default: the copy built into winnow, written to the workspace's sample-data/).")
    var sampleData: String?
    @Flag(help: "Only build the workspace; do not open the review screen.")
    var noReview = false
    @Option(help: ArgumentHelp("A keymap by name or file for the review screen.", valueName: "NAME|FILE"))
    var keymap: String?

    static let files = ["support-chat.jsonl", "instructions-alpaca.jsonl", "preferences.jsonl", "malformed.jsonl"]

    func run() throws {
        if let sampleData { try Self.checkSampleFolder(sampleData) }
        let root = try dir ?? Self.temporaryFolder()
        let paths = try WorkspaceCreator.create(at: root)
        let data = try sampleData ?? Self.writeBuiltInSample(into: paths.root + "/sample-data")
        try Self.addEvalSet(from: data, to: paths)
        let session = try WorkspaceSession.open(paths)
        Output.line("Demo workspace: \(Output.safe(paths.root))")
        Output.line("Sample files:   \(Output.safe(data))" + (sampleData == nil ? " (the copy built into winnow)" : ""))
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

    /// `--sample-data DIR` must hold the sample's files: said before a workspace is made.
    static func checkSampleFolder(_ folder: String) throws {
        let missing = files.filter { !FileManager.default.fileExists(atPath: folder + "/" + $0) }
        guard missing.isEmpty else {
            throw ValidationError("--sample-data \(folder): no \(missing.joined(separator: ", ")) there "
                + "(leave --sample-data out to use the copy built into winnow)")
        }
    }

    /// Writes the compiled-in sample to `folder` (group-readable, as every workspace file) and
    /// returns it. The files are written exactly, byte for byte: malformed.jsonl's broken
    /// lines are the point of it.
    static func writeBuiltInSample(into folder: String) throws -> String {
        do {
            for file in ShippedFiles.sampleData {
                let path = folder + "/" + file.path
                try FilePermissions.createDirectory(FilePermissions.parentPath(of: path))
                guard FileManager.default.createFile(atPath: path, contents: Data(file.bytes),
                                                     attributes: [.posixPermissions: 0o640]) else {
                    throw WorkspaceError.io(path: path, action: "write the sample file", errno: errno == 0 ? EIO : errno)
                }
            }
        } catch let error as LogError {
            throw WorkspaceError.input(path: folder, reason: error.message)
        }
        return folder
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
