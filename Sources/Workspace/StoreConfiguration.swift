import Foundation
import PostgresStore
import WinnowCore

/// A store workspace's settings: the store's, not the box's.
///
/// In a file workspace any member of the group can edit `winnow.toml` (drop a slice's `group`,
/// lower a review rate) and nothing notices. On a store the settings that grant power live in
/// the server, pushed by its owner as numbered versions; every box keeps them in its own
/// `winnow.toml` (where every command already reads them), and before anything is done the
/// file's settings must hash to the store's newest version (`sharedSettingsHash`: all but the
/// `[store]` table, which names the server as this box reaches it, and the box's own Unix group
/// and links). A file edited on a box stops every command there, naming the version it should
/// be; `winnow store config pull` makes it so.
public enum StoreConfiguration {
    /// The slices the configuration gives to a role (`group`): what the server enforces.
    static func sliceRoles(_ config: WorkspaceConfig) -> [String: String] {
        Dictionary(config.slices.compactMap { slice in slice.group.map { (slice.name, $0) } }, uniquingKeysWith: { first, _ in first })
    }

    /// Throws unless `config` is the store's newest configuration.
    static func check(_ config: WorkspaceConfig, paths: WorkspacePaths, store: ReplicatedLog) throws {
        let url = store.server.connection.url.text
        guard let latest = try store.config.latest() else {
            throw WorkspaceError.storeConfig(
                reason: "the store at \(url) holds no configuration yet: its owner pushes one with `winnow store config push`")
        }
        guard latest.sha == config.sharedSettingsHash else {
            throw WorkspaceError.storeConfig(
                reason: "\(paths.display(paths.config)) does not hold the store's settings (version \(latest.version), pushed by"
                    + " \(latest.pushedBy) at \(latest.pushedAt)): on a store they live in the server, so an edit here changes"
                    + " nothing; `winnow store config pull` rewrites this file from the store, and its owner changes them with"
                    + " `winnow store config push`")
        }
    }

    /// Pushes the workspace's `winnow.toml` as the store's next version (its owner only).
    public static func push(_ paths: WorkspacePaths, to url: StoreURL) throws -> Int {
        let text = try read(paths)
        let config = try WorkspaceConfig.parse(text: text, path: paths.display(paths.config))
        let connection = try ServerConnection.connect(url)
        defer { connection.close() }
        return try ServerConfig(connection).push(text: text, sha: config.sharedSettingsHash, sliceRoles: sliceRoles(config),
                                                 leaseSeconds: config.review.leaseMinutes * 60)
    }

    /// Pushes `text` (a configuration no workspace holds yet: the template, for a new store).
    static func push(text: String, to connection: ServerConnection) throws -> Int {
        let config = try WorkspaceConfig.parse(text: text, path: "winnow.toml")
        return try ServerConfig(connection).push(text: text, sha: config.sharedSettingsHash, sliceRoles: sliceRoles(config),
                                                 leaseSeconds: config.review.leaseMinutes * 60)
    }

    /// Rewrites `winnow.toml` as the store's newest version, naming the store as this box does.
    public static func pull(_ paths: WorkspacePaths, url: StoreURL) throws -> StoreConfigVersion {
        let connection = try ServerConnection.connect(url)
        defer { connection.close() }
        guard let latest = try ServerConfig(connection).latest() else {
            throw WorkspaceError.storeConfig(reason: "the store at \(url.text) holds no configuration yet: its owner pushes one with `winnow store config push`")
        }
        try write(text(latest.text, withStore: url), to: paths, expecting: url)
        return latest
    }

    /// `text` with its `[store] url` set to `url`: the template's commented line replaced, else
    /// the `url` line of a `[store]` table, else a line added under its header, else a new table.
    static func text(_ text: String, withStore url: StoreURL) -> String {
        let line = "url = \"\(WorkspaceCreator.tomlEscaped(url.text))\""
        if text.contains(WorkspaceConfig.storePlaceholder) {
            return text.replacingOccurrences(of: WorkspaceConfig.storePlaceholder, with: line)
        }
        var lines = text.components(separatedBy: "\n")
        if let header = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "[store]" }) {
            var end = header + 1
            while end < lines.count, !lines[end].trimmingCharacters(in: .whitespaces).hasPrefix("[") { end += 1 }
            if let existing = (header + 1..<end).first(where: {
                lines[$0].trimmingCharacters(in: .whitespaces).hasPrefix("url") && lines[$0].contains("=")
            }) {
                lines[existing] = line
            } else {
                lines.insert(line, at: header + 1)
            }
            return lines.joined(separator: "\n")
        }
        return text + (text.hasSuffix("\n") ? "" : "\n") + "\n[store]\n" + line + "\n"
    }

    static func read(_ paths: WorkspacePaths) throws -> String {
        guard let data = FileManager.default.contents(atPath: paths.config), let text = String(data: data, encoding: .utf8) else {
            throw WorkspaceError.io(path: paths.display(paths.config), action: "read it", errno: errno == 0 ? EIO : errno)
        }
        return text
    }

    /// Replaces `winnow.toml` with `text` (same mode, renamed over it) once it reads back naming
    /// `url` as its store.
    static func write(_ text: String, to paths: WorkspacePaths, expecting url: StoreURL) throws {
        let check = try WorkspaceConfig.parse(text: text, path: paths.display(paths.config))
        guard check.store?.text == url.text else {
            throw WorkspaceError.storeConfig(reason: "\(paths.display(paths.config)) could not be set to name the store"
                + " (its [store] table is not one winnow can extend); set url = \"\(url.text)\" under [store] by hand")
        }
        var info = stat()
        let mode = stat(paths.config, &info) == 0 ? info.st_mode & 0o7777 : 0o660
        let temporary = paths.config + ".writing-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8), attributes: [.posixPermissions: Int(mode)]) else {
            throw WorkspaceError.io(path: paths.display(temporary), action: "write it", errno: errno)
        }
        guard rename(temporary, paths.config) == 0 else {
            let code = errno
            unlink(temporary)
            throw WorkspaceError.io(path: paths.display(paths.config), action: "replace it", errno: code)
        }
    }
}
