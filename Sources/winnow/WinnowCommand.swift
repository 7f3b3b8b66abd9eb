import ArgumentParser
import Foundation
import ProvenanceLog
import WinnowCore
import Workspace

/// winnow's command line. `main` is written out so that every error, from any command, goes
/// through `ErrorReport` and leaves with a meaningful exit status instead of a stack trace.
@main
struct Winnow: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "winnow",
        abstract: "Review synthetic training data at the terminal, with a provenance log you can prove.",
        version: version,
        subcommands: [
            InitCommand.self, ImportCommand.self, QuarantineCommand.self, ReindexCommand.self,
            LogCommand.self, DemoCommand.self, QueueCommand.self, NextCommand.self, DecideCommand.self, StatsCommand.self, GatesCommand.self, RollbackCommand.self,
            ReviewCommand.self, KeysCommand.self, MixCommand.self, LineageCommand.self, DoctorCommand.self, StoreCommand.self,
        ])

    static func main() {
        // The one place the umask is set, for every command, before anything is created: 007,
        // so what winnow does not chmod itself (SQLite's -wal/-shm, temporary files) is never
        // world-accessible and keeps the group bits winnow asks for (a shared workspace needs
        // them: see WorkspaceSharing). Not in a library: a library changing a process-wide
        // setting behind its caller's back would surprise the bench and test programs.
        _ = FilePermissions.restrictUmask()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let exit as CommandExit {
            Foundation.exit(exit.status)
        } catch let error as UserFacingError {
            Output.error(ErrorReport.render(error))
            Foundation.exit(ExitStatus.failure)
        } catch let error as CocoaError {
            Output.error(ErrorReport.render(error))
            Foundation.exit(ExitStatus.failure)
        } catch {
            Winnow.exit(withError: error)
        }
    }
}

/// `--workspace DIR`, shared by every command that works in a workspace.
struct WorkspaceOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The workspace folder (default: $WINNOW_WORKSPACE, else the nearest winnow.toml above here).",
        valueName: "DIR"))
    var workspace: String?

    /// Opens the workspace and prints what the person should hear about it: notices (a repaired
    /// or kept torn tail, an index rebuilt or caught up in memory) and, unless this command is
    /// about to run them (`finishesGates`), gates an import asked for and never got.
    /// `access: .readOnly` for commands that only read (see WorkspaceSession+Access).
    func open(access: RowIndex.Access = .readWrite, finishesGates: Bool = false, rebuildingMissingIndex: Bool = true) throws -> WorkspaceSession {
        let session = try WorkspaceSession.open(try WorkspacePaths.locate(explicit: workspace), access: access,
                                                rebuildingMissingIndex: rebuildingMissingIndex)
        for notice in session.notices { Output.error("winnow: " + Output.safe(notice)) }
        if !finishesGates {
            let pending = try session.index.pendingGateRows()
            if pending > 0 { Output.error("winnow: warning: " + WorkspaceError.pendingGatesWarning(pending)) }
        }
        return session
    }
}

struct ReindexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reindex", abstract: "Rebuild index.sqlite from sources/ and the log.")

    @OptionGroup var workspace: WorkspaceOption

    func run() throws {
        let session: WorkspaceSession
        do {
            // A missing index is built once, below (the log proved first), not also on open.
            session = try workspace.open(finishesGates: true, rebuildingMissingIndex: false)
        } catch WorkspaceError.indexUnusable(_, let failure, let detail) where failure == .damaged || failure == .cannotOpen {
            // The index is derived: a damaged one (or a folder in its place) is moved aside,
            // never deleted, and rebuilt below from the log, which reindex proves first.
            let paths = try WorkspacePaths.locate(explicit: workspace.workspace)
            guard let aside = try WorkspaceSession.moveIndexAside(paths) else { throw WorkspaceError.indexUnusable(
                path: paths.display(paths.index), failure: failure, detail: detail) }
            Output.error("winnow: \(Output.safe(paths.display(paths.index))) could not be used (\(Output.safe(detail))); "
                + "moved it to \(Output.safe(paths.display(aside))) and rebuilding it (claims it held are gone)")
            session = try workspace.open(finishesGates: true, rebuildingMissingIndex: false)
        }
        let start = Date()
        let rows = try session.reindex()
        Output.line(String(format: "Reindexed %d rows from %d log entries in %.2f s",
                           rows, try session.index.logPosition().seq, Date().timeIntervalSince(start)))
        // A workspace whose last gate runs were not logged (runs that found nothing, before
        // every run over new rows was) counts their rows as pending: said now, not only by the
        // next command.
        let pending = try session.index.pendingGateRows()
        if pending > 0 { Output.error("winnow: warning: " + WorkspaceError.pendingGatesWarning(pending)) }
    }
}
