import ArgumentParser
import Foundation
import Workspace

/// `winnow init [DIR] [--group NAME]`: a new workspace; with `--group`, one a team shares
/// (see WorkspaceSharing), checked by the same code as `winnow doctor` before it says done.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Create a workspace with a commented winnow.toml.",
        discussion: """
            With --group NAME the workspace is set up for a team in that Unix group: every folder and file \
            belongs to the group, folders are setgid (new files join the group) and group-writable, the log \
            and index group-writable, nothing world-writable; the group is recorded in winnow.toml for \
            winnow doctor. You must be in the group (or root).
            """)

    @Argument(help: "Where to create it (default: the current folder).")
    var directory: String = "."
    @Option(help: ArgumentHelp("Share the workspace with this Unix group.", valueName: "NAME"))
    var group: String?

    func run() throws {
        let shared = try group.map { name -> UnixGroup in
            guard let found = UnixGroup.named(name) else {
                throw ValidationError("no group '\(name)' on this machine (not in /etc/group; 'getent group \(name)' finds nothing): "
                    + "create it first (groupadd \(name)) and add the team to it")
            }
            return found
        }
        let paths = try WorkspaceCreator.create(at: directory, group: shared)
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
        Output.line("  log     \(Output.safe(paths.display(session.paths.log)))")
        Output.line("Next: winnow import FILE.jsonl --origin synthetic --generator NAME")
    }
}
