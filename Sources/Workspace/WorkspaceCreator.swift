import Foundation
import PostgresStore

/// `winnow init`: lays out a new workspace with the commented default config. Refuses to touch
/// a folder that already holds one, so an init typed in the wrong place never costs a log.
public enum WorkspaceCreator {
    /// With a `group`, the folder is given to it (setgid) before anything is made inside, and
    /// the group is recorded in `winnow.toml`; the caller finishes with
    /// `WorkspaceSharing.share` once the log and index exist (see WorkspaceSharing).
    /// With a `store`, `winnow.toml` is the store's newest configuration naming it (`[store]
    /// url`); the caller has checked it.
    public static func create(at dir: String, group: UnixGroup? = nil, store: StoreURL? = nil) throws -> WorkspacePaths {
        let paths = try checkAbsent(at: dir)
        let fm = FileManager.default
        if let group { try WorkspaceSharing.check(group, for: paths.root) }
        try makeDirectory(paths.root)
        if let group { try WorkspaceSharing.prepare(root: paths.root, for: group) }
        for folder in [paths.sources, paths.logDirectory, paths.quarantine, paths.mixes, paths.gates] {
            try makeDirectory(folder)
        }
        var config = WorkspaceConfig.template
        if let store {
            let connection = try ServerConnection.connect(store)
            defer { connection.close() }
            guard let latest = try ServerConfig(connection).latest() else {
                throw WorkspaceError.storeConfig(reason: "the store at \(store.text) holds no configuration yet: its owner pushes one with `winnow store config push`")
            }
            config = StoreConfiguration.text(latest.text, withStore: store)
        }
        if let group {
            config = config.replacingOccurrences(of: WorkspaceConfig.groupPlaceholder, with: "group = \"\(tomlEscaped(group.name))\"")
        }
        let created = fm.createFile(
            atPath: paths.config, contents: Data(config.utf8),
            attributes: [.posixPermissions: 0o660])
        guard created else { throw WorkspaceError.io(path: paths.config, action: "write it", errno: errno) }
        return paths
    }

    /// Throws when `dir` already holds a workspace (checked before anything else is touched,
    /// a store included).
    @discardableResult
    public static func checkAbsent(at dir: String) throws -> WorkspacePaths {
        let paths = WorkspacePaths(root: dir)
        if FileManager.default.fileExists(atPath: paths.config) || FileManager.default.fileExists(atPath: paths.log) {
            throw WorkspaceError.alreadyExists(paths.root)
        }
        return paths
    }

    /// A group name as a TOML basic string's contents (names come from the group database,
    /// where a quote or backslash is legal if unusual).
    static func tomlEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }

    /// Directories are group-writable and setgid, so files made in them belong to the
    /// workspace's group and every reviewer in that group can append.
    static func makeDirectory(_ path: String) throws {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir) {
            guard isDir.boolValue else {
                throw WorkspaceError.input(path: path, reason: "exists and is not a folder")
            }
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw WorkspaceError.io(path: path, action: "create the folder", errno: errno == 0 ? EACCES : errno)
        }
        chmod(path, 0o2770)
    }
}
