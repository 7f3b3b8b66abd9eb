import Foundation

/// Every folder and file of a workspace, as `lstat` sees them: what `winnow init --group`
/// gives to the group and `winnow doctor` checks. Symbolic links are listed, never followed:
/// what they point to is outside the workspace's permissions, and a loop would never end.
enum WorkspaceTree {
    struct Entry {
        let path: String
        let status: stat

        var isFolder: Bool { status.st_mode & S_IFMT == S_IFDIR }
        var isFile: Bool { status.st_mode & S_IFMT == S_IFREG }
        var isLink: Bool { status.st_mode & S_IFMT == S_IFLNK }
        var mode: mode_t { status.st_mode & 0o7777 }
    }

    /// A path that could not be examined, and why (`errno`).
    struct Unreadable {
        let path: String
        let errno: Int32
    }

    /// The root first, then each folder's entries in name order, depth first.
    static func walk(_ root: String) -> (entries: [Entry], unreadable: [Unreadable]) {
        var entries: [Entry] = []
        var unreadable: [Unreadable] = []
        var pending = [root]
        while let path = pending.popLast() {
            var status = stat()
            guard lstat(path, &status) == 0 else {
                unreadable.append(Unreadable(path: path, errno: errno))
                continue
            }
            let entry = Entry(path: path, status: status)
            entries.append(entry)
            guard entry.isFolder else { continue }
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else {
                unreadable.append(Unreadable(path: path, errno: access(path, R_OK | X_OK) == 0 ? EIO : errno))
                continue
            }
            // Reversed, so popping from the end visits them in name order.
            pending.append(contentsOf: names.sorted().reversed().map { path + "/" + $0 })
        }
        return (entries, unreadable)
    }
}
