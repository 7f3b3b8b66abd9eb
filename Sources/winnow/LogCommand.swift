import ArgumentParser
import Foundation
import ProvenanceLog
import WinnowCore
import Workspace

struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log", abstract: "Prove or read the provenance log.",
        subcommands: [LogVerifyCommand.self, LogShowCommand.self, LogExportCommand.self])
}

struct LogVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every entry's hash and the chain; exit 0 with the count and head, else name the first bad line.")

    @OptionGroup var workspace: WorkspaceOption
    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() throws {
        // Verification reads the file as it is: no open (which would repair a torn tail first).
        // A store's replica is the exception: it is first checked against the store and brought
        // up to date (only from the store, never repaired), so what is proved is the store's log.
        let paths = try WorkspacePaths.locate(explicit: workspace.workspace)
        let store = try WorkspaceConfig.load(path: paths.config).store == nil ? nil : try workspace.open(access: .readOnly).store
        let result = try LogVerifier.verify(path: paths.log, displayPath: paths.display(paths.log))
        switch result {
        case let .ok(count, headSeq, headHash):
            if let store {
                // The store may have moved on while the copy was proved: what must hold is that
                // the copy's last entry is the store's entry of that seq.
                guard try store.server.hash(ofEntry: headSeq) == headHash || headSeq == 0 else {
                    let reason = "\(paths.display(paths.log)) is not the store's log: its entry \(headSeq) is not the store's"
                        + " (\(store.server.connection.url)): not proved"
                    if json {
                        Output.json(.object([("ok", .bool(false)), ("reason", .string(reason))]))
                    } else {
                        Output.error("winnow: " + Output.safe(reason))
                    }
                    throw CommandExit(status: ExitStatus.failure)
                }
            }
            // The chain holds; now the verdict files its gate-run entries pin.
            let files: Int
            do { files = try WorkspaceSession.verifyVerdictFiles(paths) } catch let error as UserFacingError {
                if json {
                    Output.json(.object([("ok", .bool(false)), ("reason", .string(error.message))]))
                } else {
                    Output.error("winnow: " + Output.safe(error.message))
                }
                throw CommandExit(status: ExitStatus.failure)
            }
            if json {
                Output.json(.object([("ok", .bool(true)), ("entries", .int(count)), ("head_seq", .int(headSeq)),
                                     ("head", .string(headHash)), ("verdict_files", .int(files))]))
            } else {
                Output.line("ok: \(count) entries, head #\(headSeq) \(headHash)" + (files > 0 ? "; \(files) gate verdict files match" : "")
                    + (try store.map { store in
                        let behind = try store.behind()
                        return "; the store at \(Output.safe(store.server.connection.url.text)) holds the same entries"
                            + (behind > 0 ? " and \(behind) more since" : "")
                    } ?? ""))
            }
        case let .failed(failure):
            if json {
                Output.json(.object([("ok", .bool(false)), ("line", .int(failure.line)), ("reason", .string(failure.problem.description))]))
            } else {
                Output.error("winnow: " + Output.safe(failure.description))
            }
            throw CommandExit(status: ExitStatus.failure)
        }
    }
}

struct LogShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Print log entries, oldest first.")

    @OptionGroup var workspace: WorkspaceOption
    @Option(help: "Only the last N entries.")
    var tail: Int?
    @Flag(help: "Print the entries as JSON lines as stored (characters unsafe on a terminal escaped as \\uXXXX: the same JSON).")
    var json = false

    func validate() throws {
        if let tail, tail < 0 { throw ValidationError("--tail takes a number of entries, 0 or more") }
    }

    func run() throws {
        let session = try workspace.open(access: .readOnly)
        let shown = session.paths.display(session.paths.log)
        let print = { (entry: LogEntry) in
            if json { Output.json(entry.raw) } else { Output.line(LogLine.describe(entry)) }
        }
        if let tail {
            try LogReader.tail(tail, path: session.paths.log, displayPath: shown).forEach(print)
        } else {
            try LogReader(path: session.paths.log, displayPath: shown).forEach(print)
        }
    }
}

/// `winnow log export --out FILE`: the log as a JSONL file, proved before it takes its name.
struct LogExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Write the log (from the store, for a store workspace) to a JSONL file anyone can verify.")

    @OptionGroup var workspace: WorkspaceOption
    @Option(help: ArgumentHelp("The file to write (refused if it exists).", valueName: "FILE"))
    var out: String

    func run() throws {
        guard !FileManager.default.fileExists(atPath: out) else {
            throw ValidationError("\(Output.safe(out)) exists: name a new file")
        }
        let session = try workspace.open(access: .readOnly)
        let summary = try LogExport.write(session, to: out)
        let from = summary.store.map { "the store at \(Output.safe($0))" } ?? Output.safe(session.paths.display(session.paths.log))
        Output.line("wrote \(summary.entries) entries from \(from) to \(Output.safe(out)); verified: head #\(summary.head.seq) \(summary.head.hash)")
    }
}

/// One readable line per entry, sanitised for the terminal.
enum LogLine {
    static func describe(_ entry: LogEntry) -> String { Output.safe(entry.summary) }
}
