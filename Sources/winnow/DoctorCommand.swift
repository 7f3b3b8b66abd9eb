import ArgumentParser
import Foundation
import Workspace

/// `winnow doctor [DIR]`: what stops a team from sharing this workspace, one line per problem
/// with the path and the fix; exit 1 when anything is wrong (see WorkspaceDoctor).
struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check a workspace's group, modes and log; name each problem and its fix, exit 1 if any.",
        discussion: """
            Checks, against the group in winnow.toml ([workspace] group) or else the folder's group: that the group \
            exists; that every file and folder belongs to it; that folders are setgid and group-writable, files \
            group-readable, and the log, its lock and the index (with SQLite's -wal and -shm) group-writable; that \
            nothing is world-writable; that members can reach the folder; and that the log verifies. Changes nothing.
            """)

    @Argument(help: "The workspace (default: $WINNOW_WORKSPACE, else the nearest winnow.toml above here).")
    var directory: String?

    func run() throws {
        let paths = try WorkspacePaths.locate(explicit: directory)
        let report = WorkspaceDoctor.examine(paths)
        Self.print(report, paths: paths)
        if !report.isHealthy { throw CommandExit(status: ExitStatus.failure) }
    }

    /// Problems first (stdout: they are the answer), then notes, then one summary line.
    static func print(_ report: WorkspaceDoctor.Report, paths: WorkspacePaths) {
        let group = report.group.map { "group '\($0.name)'" } ?? "no group"
        Output.line("winnow doctor: \(Output.safe(paths.root)) (\(Output.safe(group))); paths below are relative to it")
        for finding in report.problems { Output.line(Output.safe(finding.description)) }
        for note in report.notes { Output.line("note: " + Output.safe(note.description)) }
        if report.isHealthy {
            let log = report.logEntries.map { "; the log verifies (\($0) entries)" } ?? ""
            Output.line("OK: \(report.examined) files and folders\(log)")
        } else {
            let count = report.problems.count
            Output.line("\(count) problem\(count == 1 ? "" : "s") (of \(report.examined) files and folders examined)")
        }
    }
}
