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
        /// Entries this run added (fewer than `entries` when an earlier run moved the rest).
        public var adopted: Int
        public var files: Int
        public var head: LogHead
        /// Whether this run created the winnow store in the database.
        public var installed: Bool
    }

    /// Creates the store in a database that has none (`winnow store init`), with the default
    /// configuration as its version 1; refused where one exists.
    public static func create(_ url: StoreURL) throws {
        let server = ServerLog(try ServerConnection.connect(url))
        defer { server.connection.close() }
        try install(server)
    }

    /// Connects to `url`, creating the winnow store there when the database has none (which
    /// takes an admin role: a reviewer's is refused with the server's message and what to do).
    /// Returns whether it created it.
    public static func attach(_ url: StoreURL) throws -> Bool {
        let server = ServerLog(try ServerConnection.connect(url))
        defer { server.connection.close() }
        if let version = try server.installedVersion() {
            try server.requireVersion(version)
            return false
        }
        do {
            try install(server)
        } catch let error as StoreError where error.isPermissionDenied {
            guard case let .refused(url, doing, state, message, _) = error else { throw error }
            throw StoreError.refused(url: url, doing: doing, sqlState: state, message: message,
                                     detail: "the database has no winnow store yet, and this role may not create one:"
                                        + " an admin runs `winnow store init URL` once (see README, \"The PostgreSQL store\")")
        }
        return true
    }

    /// The store's schema, then `winnow init`'s settings as its version 1.
    static func install(_ server: ServerLog) throws {
        try server.install()
        _ = try StoreConfiguration.push(text: WorkspaceConfig.template, to: server.connection)
    }

    /// Moves the log: see the type's comment. Also finishes a migration whose `winnow.toml`
    /// already names this store but whose file holds entries the store lacks (a process that
    /// kept appending to the file during the move): they are adopted too.
    public static func migrate(_ paths: WorkspacePaths, to url: StoreURL) throws -> Summary {
        let config = try WorkspaceConfig.load(path: paths.config)
        if let current = config.store, current.text != url.text {
            throw WorkspaceError.migration(reason: "the workspace's log already lives in the store at \(current.text)")
        }
        // A file workspace is opened first: a torn tail repaired, the index up to date.
        if config.store == nil { _ = try WorkspaceSession.open(paths) }
        // What is proved is what moves: the lines are read once, proved, and moved; the file
        // must still be those bytes when winnow.toml is switched over (checked under the log's
        // lock, so no append slips in between). A log that grew meanwhile is moved by the next run.
        if case .failed(let failure) = try LogVerifier.verify(path: paths.log, displayPath: paths.display(paths.log)) {
            throw WorkspaceError.logDisagrees(log: failure.file, line: failure.line, reason: failure.problem.description)
        }
        let lines = try logLines(paths)
        let bytes = lines.reduce(0) { $0 + $1.utf8.count + 1 }
        let pinned = try pinnedFiles(paths)
        let installed = try attach(url)
        let server = ServerLog(try ServerConnection.connect(url))
        defer { server.connection.close() }
        let stored = try storedLines(server)
        if config.store != nil, stored.count >= lines.count, Array(stored.prefix(lines.count)) == lines {
            // Already moved, and the store has gone on: nothing of this file is missing there.
            return Summary(entries: lines.count, adopted: 0, files: 0, head: try server.head(), installed: installed)
        }
        guard stored.count <= lines.count, Array(lines.prefix(stored.count)) == stored else {
            throw WorkspaceError.migration(
                reason: "the store at \(url.text) already holds a log of \(stored.count) entries that is not the start of this"
                    + " workspace's; migrate into a database with an empty store")
        }
        let files = ServerFiles(server.connection)
        for file in pinned { try files.put(file.sha, from: file.path) }
        let rest = Array(lines[stored.count...])
        if !rest.isEmpty { try server.adopt(lines: rest, expecting: lines) }
        // The workspace's settings become the store's newest version, then the file names the store.
        if try ServerConfig(server.connection).latest()?.sha != config.sharedSettingsHash {
            _ = try StoreConfiguration.push(text: try StoreConfiguration.read(paths), to: server.connection)
        }
        try LogFile.open(at: paths.log, displayPath: paths.display(paths.log)).holdingLock {
            let size = (try? FileManager.default.attributesOfItem(atPath: paths.log)[.size] as? Int) ?? nil
            guard size == bytes else {
                throw WorkspaceError.migration(reason: "\(paths.display(paths.log)) grew while it was moved (a command appended to it):"
                    + " \(rest.count) entries were moved, winnow.toml is unchanged; run `winnow store migrate` again to move the rest")
            }
            if config.store == nil {
                try StoreConfiguration.write(StoreConfiguration.text(try StoreConfiguration.read(paths), withStore: url),
                                             to: paths, expecting: url)
            }
        }
        return Summary(entries: lines.count, adopted: rest.count, files: pinned.count, head: try server.head(), installed: installed)
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
}
