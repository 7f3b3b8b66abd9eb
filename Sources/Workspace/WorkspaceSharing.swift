import Foundation

/// `winnow init --group NAME`: a workspace a team shares through one Unix group.
///
/// What makes sharing work on Unix: every folder and file belongs to the group; folders are
/// setgid (`2770`), so a file any member creates joins the group instead of the member's own;
/// files winnow keeps writing (the log, its lock, the index and SQLite's `-wal`/`-shm`) are
/// group-writable, and nothing is world-writable. winnow creates its files with those modes
/// itself (FilePermissions) and the command line sets umask 007 once, at start, for files made
/// by other means: SQLite gives `-wal` and `-shm` the index's own mode, and the umask only ever
/// removes bits, so neither can end up group-writable unless the index is. `winnow doctor`
/// checks all of this on an existing workspace.
public enum WorkspaceSharing {
    /// Folders: owner and group may list, create and remove; setgid.
    static let folderMode: mode_t = 0o2770

    /// Refuses a group this process cannot give files to, before anything is created.
    static func check(_ group: UnixGroup, for root: String) throws {
        guard group.includesThisProcess else {
            throw WorkspaceError.input(path: root, reason: "you are not a member of group '\(group.name)', so winnow cannot "
                + "give the workspace to it ('id -Gn' lists your groups; a member, or root, can run winnow init --group \(group.name))")
        }
    }

    /// Gives `root` itself to the group, setgid, before anything is made in it: then
    /// everything created inside joins the group from the start.
    static func prepare(root: String, for group: UnixGroup) throws {
        try give(root, to: group, mode: folderMode)
    }

    /// Gives every folder and file of the workspace to the group: folders `2770`; files keep
    /// their owner's bits and the group gets the same (a read-only source, `0440`, stays
    /// read-only; the log, `0660`, stays writable), others get nothing. Symbolic links are left
    /// alone. Called by `init` after the log and index exist.
    public static func share(_ paths: WorkspacePaths, with group: UnixGroup) throws {
        let (entries, unreadable) = WorkspaceTree.walk(paths.root)
        if let first = unreadable.first {
            throw WorkspaceError.io(path: paths.display(first.path), action: "give it to group '\(group.name)'", errno: first.errno)
        }
        for entry in entries where !entry.isLink {
            let owner = entry.mode & 0o700
            let mode = entry.isFolder ? folderMode : owner | (owner >> 3) & 0o070
            try give(entry.path, to: group, mode: mode)
        }
    }

    private static func give(_ path: String, to group: UnixGroup, mode: mode_t) throws {
        guard lchown(path, uid_t.max, group.gid) == 0 else {  // uid_t.max is -1: keep the owner
            throw WorkspaceError.io(path: path, action: "give it to group '\(group.name)'", errno: errno)
        }
        guard chmod(path, mode) == 0 else {
            throw WorkspaceError.io(path: path, action: "set its mode to \(String(mode, radix: 8))", errno: errno)
        }
    }
}
