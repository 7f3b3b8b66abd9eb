import ArgumentParser
import Foundation
import ProvenanceLog
import WinnowCore
import Workspace

struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log", abstract: "Prove or read the provenance log.",
        subcommands: [LogVerifyCommand.self, LogShowCommand.self])
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
        let paths = try WorkspacePaths.locate(explicit: workspace.workspace)
        let result = try LogVerifier.verify(path: paths.log, displayPath: paths.display(paths.log))
        switch result {
        case let .ok(count, headSeq, headHash):
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
                Output.line("ok: \(count) entries, head #\(headSeq) \(headHash)" + (files > 0 ? "; \(files) gate verdict files match" : ""))
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

/// One readable line per entry, sanitised for the terminal.
enum LogLine {
    static func describe(_ entry: LogEntry) -> String { Output.safe(entry.summary) }
}
