import Foundation
import ProvenanceLog
import WinnowCore

/// `winnow doctor`: checks an existing workspace for what stops a team from sharing it, and
/// says exactly what is wrong, one finding per path, with the command that fixes it.
///
/// It only looks: no session is opened (that would create folders, repair a torn log tail,
/// take the lock), nothing is changed. What it checks, against the group in `winnow.toml`
/// (`[workspace] group`, see WorkspaceSharing) or, when none is recorded, the folder's own:
///
/// - the group exists on this machine;
/// - every folder and file belongs to the group, folders are setgid and group-writable,
///   files group-readable, and the files winnow keeps writing (the log, its lock, the index and
///   SQLite's `-wal`, `-shm` and `-journal`) group-writable; nothing is world-writable;
/// - the folders above the workspace let a member through;
/// - the log's hash chain verifies (what `winnow log verify` checks), so the next append
///   extends a chain that holds, and the gate verdict files match the log.
///
/// A doctor run by someone who cannot see everything says which paths it could not examine
/// rather than calling them fine.
public enum WorkspaceDoctor {
    public struct Finding: Sendable, Equatable, CustomStringConvertible {
        /// As the person should read it: relative to the workspace inside it.
        public let path: String
        public let problem: String
        /// A command that fixes it, when there is one.
        public let fix: String?

        public var description: String { "\(path): \(problem)" + (fix.map { " (fix: \($0))" } ?? "") }
    }

    public struct Report: Sendable {
        public var problems: [Finding] = []
        /// Worth knowing, not wrong: no group recorded, a symbolic link not followed, the
        /// person running doctor not being in the group.
        public var notes: [Finding] = []
        /// What ownership was checked against (nil when even that could not be found).
        public var group: UnixGroup?
        /// Files and folders examined.
        public var examined = 0
        /// Entries in a log that verified.
        public var logEntries: Int?

        public var isHealthy: Bool { problems.isEmpty }
    }

    /// The files a member's command writes after they exist, so members must be able to write
    /// them (the rest need only be readable: sources and verdict files are read-only by design).
    static func keptWriting(_ paths: WorkspacePaths) -> Set<String> {
        [paths.log, paths.log + ".lock", paths.index, paths.index + "-wal", paths.index + "-shm", paths.index + "-journal"]
    }

    public static func examine(_ paths: WorkspacePaths) -> Report {
        var report = Report()
        let expected = expectedGroup(paths, into: &report)
        report.group = expected.group
        if let group = expected.group, !group.includesThisProcess {
            report.notes.append(Finding(path: paths.root, problem: "you are not in group '\(group.name)', so this "
                + "is what the group may do, not what you may do", fix: nil))
        }
        checkAncestors(of: paths.root, gid: expected.gid, name: expected.name, into: &report)
        let (entries, unreadable) = WorkspaceTree.walk(paths.root)
        report.examined = entries.count
        let writing = keptWriting(paths)
        for entry in entries {
            check(entry, shown: paths.display(entry.path), mustWrite: writing.contains(entry.path),
                  gid: expected.gid, name: expected.name, into: &report)
        }
        for item in unreadable {
            report.problems.append(Finding(path: paths.display(item.path),
                                           problem: "cannot be examined (\(String(cString: strerror(item.errno)))): "
                                               + "doctor sees only what you may see", fix: "run winnow doctor as a member of the group, or as root"))
        }
        checkLog(paths, into: &report)
        return report
    }

    /// The group named in `winnow.toml`, else the folder's; what to call it in messages.
    static func expectedGroup(_ paths: WorkspacePaths, into report: inout Report) -> (group: UnixGroup?, gid: gid_t?, name: String) {
        var root = stat()
        let rootGid: gid_t? = lstat(paths.root, &root) == 0 ? root.st_gid : nil
        let fallback = rootGid.map { UnixGroup.withID($0) ?? UnixGroup(name: "\($0)", gid: $0) }
        let config: WorkspaceConfig
        do {
            config = try WorkspaceConfig.load(path: paths.config)
        } catch {
            let message = (error as? UserFacingError)?.message ?? "\(error)"
            report.problems.append(Finding(path: paths.display(paths.config), problem: "cannot be read as a configuration: \(message)", fix: nil))
            return (fallback, rootGid, fallback?.name ?? "the folder's group")
        }
        guard let name = config.group else {
            report.notes.append(Finding(path: paths.display(paths.config), problem: "no [workspace] group recorded: checked "
                + "against the folder's group '\(fallback?.name ?? "?")' (winnow init --group NAME records one for a team)", fix: nil))
            return (fallback, rootGid, fallback?.name ?? "the folder's group")
        }
        guard let group = UnixGroup.named(name) else {
            // The rest is checked against the folder's group, so files that differ from it are
            // still found; chgrp to the recorded group is impossible until it exists.
            report.problems.append(Finding(
                path: paths.display(paths.config),
                problem: "[workspace] group '\(name)' does not exist on this machine (not in /etc/group; 'getent group \(name)' "
                    + "finds nothing); the rest is checked against the folder's group '\(fallback?.name ?? "?")'",
                fix: "groupadd \(name) and add the team to it, or set group to the team's group"))
            return (nil, rootGid, fallback?.name ?? "the folder's group")
        }
        return (group, group.gid, group.name)
    }

    /// A member must be able to pass through every folder above the workspace.
    static func checkAncestors(of root: String, gid: gid_t?, name: String, into report: inout Report) {
        var folder = FilePermissions.parentPath(of: root)
        while true {
            var status = stat()
            if stat(folder, &status) == 0 {
                let passes = status.st_mode & 0o001 != 0 || (status.st_gid == gid && status.st_mode & 0o010 != 0)
                if !passes {
                    report.problems.append(Finding(
                        path: folder, problem: "members of '\(name)' cannot pass through this folder to the workspace "
                            + "(mode \(octal(status.st_mode & 0o7777)), group \(UnixGroup.describe(status.st_gid)))",
                        fix: "chmod o+x \(folder)"))
                }
            }
            if folder == "/" || folder == "." { break }
            folder = FilePermissions.parentPath(of: folder)
        }
    }

    static func checkLog(_ paths: WorkspacePaths, into report: inout Report) {
        let shown = paths.display(paths.log)
        guard FileManager.default.fileExists(atPath: paths.log) else {
            report.problems.append(Finding(path: shown, problem: "the provenance log is missing", fix: nil))
            return
        }
        do {
            switch try LogVerifier.verify(path: paths.log, displayPath: shown) {
            case .ok(let count, _, _):
                report.logEntries = count
            case .failed(let failure):
                report.problems.append(Finding(path: shown, problem: "the log does not verify, so nothing can be appended "
                    + "to it safely: \(failure.description)", fix: "see winnow log verify"))
                return
            }
            _ = try WorkspaceSession.verifyVerdictFiles(paths)
        } catch {
            let message = (error as? UserFacingError)?.message ?? "\(error)"
            report.problems.append(Finding(path: shown, problem: "cannot be verified: \(message)", fix: nil))
        }
    }

    static func octal(_ mode: mode_t) -> String {
        let digits = String(mode, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
