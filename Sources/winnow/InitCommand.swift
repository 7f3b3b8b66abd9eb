import ArgumentParser
import Foundation
import PostgresStore
import ProvenanceLog
import Workspace

/// `winnow init [DIR] [--group NAME] [--store URL]`: a new workspace; with `--group`, one a team
/// shares (see WorkspaceSharing), checked by the same code as `winnow doctor` before it says
/// done; with `--store`, one whose log lives in a PostgreSQL store (created there if the
/// database has none, which takes an admin role), its log folder a replica brought up to date.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Create a workspace with a commented winnow.toml.",
        discussion: """
            With --group NAME the workspace is set up for a team in that Unix group: every folder and file \
            belongs to the group, folders are setgid (new files join the group) and group-writable, the log \
            and index group-writable, nothing world-writable; the group is recorded in winnow.toml for \
            winnow doctor. You must be in the group (or root).

            With --store URL (postgresql:///DB, or postgresql://HOST:PORT/DB) the log lives in that \
            PostgreSQL database: the server writes every entry and names its author as it authenticated \
            them. A database without a winnow store gets one (an admin role is needed for that); one with \
            a store is joined, and its log and files are copied to this box.
            """)

    @Argument(help: "Where to create it (default: the current folder).")
    var directory: String = "."
    @Option(help: ArgumentHelp("Share the workspace with this Unix group.", valueName: "NAME"))
    var group: String?
    @Option(help: ArgumentHelp("Keep the log in this PostgreSQL database (a libpq URL).", valueName: "URL"))
    var store: String?

    func run() throws {
        let storeURL = try store.map { try StoreURL($0, operatingSystemUser: LogActor.current.user) }
        try WorkspaceCreator.checkAbsent(at: directory)
        let installed = try storeURL.map(StoreMigration.attach) ?? false
        let shared = try group.map { name -> UnixGroup in
            guard let found = UnixGroup.named(name) else {
                throw ValidationError("no group '\(name)' on this machine (not in /etc/group; 'getent group \(name)' finds nothing): "
                    + "create it first (groupadd \(name)) and add the team to it")
            }
            return found
        }
        let paths = try WorkspaceCreator.create(at: directory, group: shared, store: storeURL)
        let session = try WorkspaceSession.open(paths)
        if let shared {
            try WorkspaceSharing.share(paths, with: shared)
            let report = WorkspaceDoctor.examine(paths)
            guard report.isHealthy else {
                DoctorCommand.print(report, paths: paths)
                throw CommandExit(status: ExitStatus.failure)
            }
        }
        Output.line("Created a winnow workspace in \(Output.safe(paths.root))")
        if let shared {
            Output.line("  shared  with group '\(Output.safe(shared.name))': setgid folders, group-writable log and index (winnow doctor checks it)")
        }
        Output.line("  config  \(Output.safe(paths.display(paths.config)))  (slices, reasons, gates, mix defaults)")
        if let store = session.store {
            let what = installed ? "created the winnow store in" : "joined the winnow store in"
            Output.line("  store   \(what) \(Output.safe(store.server.connection.url.text)), as role \(Output.safe(store.identity.user))")
            Output.line("  log     \(Output.safe(paths.display(session.paths.log)))  (this box's copy: \(try session.log.head().seq) entries)")
        } else {
            Output.line("  log     \(Output.safe(paths.display(session.paths.log)))")
        }
        Output.line("Next: winnow import FILE.jsonl --origin synthetic --generator NAME")
    }
}
