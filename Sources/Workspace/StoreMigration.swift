import Foundation
import PostgresStore
import ProvenanceLog
import WinnowCore

/// Moving a file workspace's log into a PostgreSQL store (`winnow store migrate --to URL`), and
/// attaching a new workspace to one (`winnow init --store URL`).
///
/// A migration loses nothing and changes no byte: the log is proved first (every hash, the
/// chain, every payload), every file an entry pins is stored in the server, the entries are
/// adopted as they are in one transaction (`winnow_adopt`: their actors, times and hashes are
/// the file's), and the store's log is read back and compared with the file line for line
/// before `winnow.toml` is changed to name the store. From then on the file is the store's
/// replica. A migration stopped part-way is finished by running it again: a store that already
/// holds exactly this log is accepted as it is; one that holds anything else is refused.
public enum StoreMigration {
    public struct Summary: Sendable {
        public var entries: Int
        public var files: Int
        public var head: LogHead
        /// Whether this run created the winnow store in the database.
        public var installed: Bool
        /// Whether the store held this log already (a migration run again).
        public var alreadyThere: Bool
    }

    /// Connects to `url`, creating the winnow store there when the database has none (which
    /// takes an admin role: a reviewer's is refused with the server's message). Returns whether
    /// it created it.
    public static func attach(_ url: StoreURL) throws -> Bool {
        let server = ServerLog(try ServerConnection.connect(url))
        defer { server.connection.close() }
        if try server.installedVersion() != nil {
            try server.requireInstalled()
            return false
        }
        do {
            try server.install()
        } catch let error as StoreError where error.isPermissionDenied {
            guard case let .refused(url, doing, state, message, _) = error else { throw error }
            throw StoreError.refused(url: url, doing: doing, sqlState: state, message: message,
                                     detail: "the database has no winnow store yet, and this role may not create one:"
                                        + " an admin runs `winnow store init URL` once (see README, \"The PostgreSQL store\")")
        }
        return true
    }

    public static func migrate(_ paths: WorkspacePaths, to url: StoreURL) throws -> Summary {
        let config = try WorkspaceConfig.load(path: paths.config)
        if let current = config.store {
            throw WorkspaceError.migration(reason: "the workspace's log already lives in the store at \(current.text)")
        }
        // An open session repairs a torn tail and brings the index up to date; nothing after
        // this writes to the file log.
        let session = try WorkspaceSession.open(paths)
        try session.verifyWholeLog()
        let lines = try logLines(paths)
        let pinned = try pinnedFiles(paths)
        let installed = try attach(url)
        let server = ServerLog(try ServerConnection.connect(url))
        defer { server.connection.close() }
        let files = ServerFiles(server.connection)
        let storeHead = try server.head()
        let alreadyThere = storeHead.seq > 0
        if alreadyThere {
            guard storeHead.seq == lines.count, try storedLines(server) == lines else {
                throw WorkspaceError.migration(
                    reason: "the store at \(url.text) already holds a log of \(storeHead.seq) entries that is not this workspace's;"
                        + " migrate into a database with an empty store")
            }
        }
        for file in pinned { try files.put(file.sha, from: file.path) }
        if !alreadyThere {
            try server.adopt(lines: lines)
            guard try storedLines(server) == lines else {
                throw WorkspaceError.migration(reason: "the store's log read back differs from \(paths.display(paths.log)); winnow.toml is unchanged")
            }
        }
        try setStore(url, in: paths)
        let head = try server.head()
        return Summary(entries: lines.count, files: pinned.count, head: head, installed: installed, alreadyThere: alreadyThere)
    }

    /// The log file's lines, without their newlines.
    static func logLines(_ paths: WorkspacePaths) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: paths.log), let text = String(data: data, encoding: .utf8) else {
            throw WorkspaceError.io(path: paths.display(paths.log), action: "read it", errno: errno == 0 ? EIO : errno)
        }
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    /// Every line of the store's log, each checked and chained.
    static func storedLines(_ server: ServerLog) throws -> [String] {
        var lines: [String] = []
        try server.forEachEntry(after: .empty) { _, line in lines.append(line) }
        return lines
    }

    /// Every file an entry of the log pins, each present on this box and of its hash (the
    /// store must never hold an entry whose file no box can get).
    static func pinnedFiles(_ paths: WorkspacePaths) throws -> [(sha: String, path: String)] {
        var files: [(sha: String, path: String)] = []
        var seen = Set<String>()
        let reader = try LogReader(path: paths.log, displayPath: paths.display(paths.log))
        while let entry = try reader.next() {
            let payload: (any LogPayload)?
            switch entry.knownKind {
            case .import: payload = try entry.payload(ImportPayload.self)
            case .reread: payload = try entry.payload(RereadPayload.self)
            case .gateRun: payload = try entry.payload(GateRunPayload.self)
            default: payload = nil
            }
            for file in payload.map(paths.pinnedFiles(of:)) ?? [] where seen.insert(file.sha).inserted {
                guard FileManager.default.fileExists(atPath: file.path) else {
                    throw WorkspaceError.migration(reason: "\(paths.display(file.path)), which entry \(entry.seq) pins, is missing")
                }
                files.append(file)
            }
        }
        return files
    }

    /// Names the store in `winnow.toml`: the template's commented `url` line, else a `[store]`
    /// table's first line, else a new table at the end. The new text must read back with this
    /// URL before it replaces the old (same mode, renamed over it).
    static func setStore(_ url: StoreURL, in paths: WorkspacePaths) throws {
        guard let data = FileManager.default.contents(atPath: paths.config), let text = String(data: data, encoding: .utf8) else {
            throw WorkspaceError.io(path: paths.display(paths.config), action: "read it", errno: errno == 0 ? EIO : errno)
        }
        let line = "url = \"\(WorkspaceCreator.tomlEscaped(url.text))\""
        var updated: String
        if text.contains(WorkspaceConfig.storePlaceholder) {
            updated = text.replacingOccurrences(of: WorkspaceConfig.storePlaceholder, with: line)
        } else if let header = text.range(of: "\n[store]\n") {
            updated = text
            updated.insert(contentsOf: line + "\n", at: header.upperBound)
        } else {
            updated = text + (text.hasSuffix("\n") ? "" : "\n") + "\n[store]\n" + line + "\n"
        }
        let check = try WorkspaceConfig.parse(text: updated, path: paths.display(paths.config))
        guard check.store?.text == url.text else {
            throw WorkspaceError.migration(reason: "\(paths.display(paths.config)) could not be set to name the store (it has a [store] table winnow cannot extend); set url = \"\(url.text)\" in it by hand")
        }
        var info = stat()
        let mode = stat(paths.config, &info) == 0 ? info.st_mode & 0o7777 : 0o660
        let temporary = paths.config + ".migrating-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(updated.utf8), attributes: [.posixPermissions: Int(mode)]) else {
            throw WorkspaceError.io(path: paths.display(temporary), action: "write it", errno: errno)
        }
        guard rename(temporary, paths.config) == 0 else {
            let code = errno
            unlink(temporary)
            throw WorkspaceError.io(path: paths.display(paths.config), action: "replace it", errno: code)
        }
    }
}
