import Foundation
import GRDB

/// The index opened by a command that only reads, for a reviewer who may read the workspace but
/// not write it, and for a workspace on a read-only mount.
///
/// A reader who can write the index (and its folder) opens it read-write like any command:
/// `SQLITE_OPEN_READONLY` there would buy nothing and cost something, since such a connection
/// creates the `-wal` and `-shm` files, cannot checkpoint, and so leaves them behind, and a
/// `-wal` the next reader without write access cannot open sends that reader to step 3 below.
/// The ladder is for the reader who cannot write:
///
/// The index is in WAL mode, and SQLite reads a WAL database only with its `-wal` and `-shm`
/// files: when they exist (a writer has the index open) or can be created (the folder is
/// writable) a read-only connection works as any other, locks included. Between commands they
/// do not exist (the last connection to close removes them), so in a folder this user cannot
/// write, or on a read-only mount, that connection fails. The ladder, first that works:
///
/// 1. The file, `SQLITE_OPEN_READONLY`: locks as usual, sees what writers commit.
/// 2. The file as `immutable` (a URI parameter: no locks, no `-wal` or `-shm`): only when the
///    mount is read-only (then nothing can change it) or no `-wal` exists (no write under way:
///    the file holds everything committed). A writer with more rights can still start while this
///    command reads, and its checkpoint rewrites pages of the file under a reader that holds no
///    lock, so every read checks the file's identity, size and times afterwards and stops with
///    `IndexFailure.changed` ("run it again") when they moved; a stale but intact file is no
///    danger, since the session checks the index's log position against the log anyway.
/// 3. An empty index in memory, the whole log replayed into it (`unreadable` says why): the index
///    is derived, so this is always right, only slower.
///
/// Whatever the session must write (catching up with entries the file has not applied, the
/// queue plan) is derived data: it goes to the file when this user can write the file and its
/// folder (the index is reopened read-write, as any command would open it, so the next command
/// does not redo the work), and otherwise to a copy of the index in memory, never to the file.
extension RowIndex {
    public enum Access: Sendable {
        case readWrite, readOnly
    }

    /// What `db` is.
    enum Backing: Equatable {
        /// The file, read-write (every index opened `.readWrite`).
        case writable
        /// The file, read-only.
        case file
        /// The file, read-only and immutable (no locks).
        case immutable(FileStamp)
        /// A private index in memory.
        case memory
    }

    /// The index is a copy in memory: nothing this command does reaches the file.
    public var isInMemory: Bool { backing == .memory }

    /// The index is its file, open read-write (a read-only command's too, when this user can
    /// write it: see the type's comment).
    public var writesItsFile: Bool { backing == .writable }

    /// Whether this user can write the index at `path` (or create it), its folder, and the
    /// `-wal` and `-shm` files beside it when they exist (`access(2)`, for the real user; a
    /// read-only mount answers EROFS even to root).
    static func writableHere(_ path: String) -> Bool {
        let folder = (path as NSString).deletingLastPathComponent
        return mayWrite(path, orMissing: true) && mayWrite(folder) && mayWrite(path + "-wal", orMissing: true)
            && mayWrite(path + "-shm", orMissing: true)
    }

    static func openReadOnly(_ path: String) throws -> (db: DatabaseQueue, backing: Backing, unreadable: String?) {
        guard FileManager.default.fileExists(atPath: path) else {
            return (try memoryQueue(), .memory, "it is missing")
        }
        var failure: DatabaseError
        do {
            let db = try DatabaseQueue(path: path, configuration: readOnlyConfiguration())
            if let stale = try schemaProblem(db) { return (try memoryQueue(), .memory, stale) }
            return (db, .file, nil)
        } catch let error as DatabaseError {
            failure = error
        }
        let code = failure.resultCode.primaryResultCode
        // Damage is damage however the file is opened: said as such, never papered over.
        guard code == .SQLITE_READONLY || code == .SQLITE_CANTOPEN || code == .SQLITE_PERM else {
            throw unusable(path, failure)
        }
        // `immutable` reads the main file alone: right only when no writer left anything beside
        // it. A `-journal` is a transaction cut short (a killed bulk import writes pages into the
        // file under one), a `-wal` holds commits the file does not have yet: either way the
        // file alone is not the index, so the log is replayed instead (below).
        let besides = ["-journal", "-wal"].filter { FileManager.default.fileExists(atPath: path + $0) }
        if ProcessSettings.sqliteURIs, besides.isEmpty, let stamp = FileStamp(path: path) {
            do {
                let db = try DatabaseQueue(path: immutableURI(path), configuration: readOnlyConfiguration())
                if let stale = try schemaProblem(db) { return (try memoryQueue(), .memory, stale) }
                guard FileStamp(path: path) == stamp else { throw changed(path) }
                return (db, .immutable(stamp), nil)
            } catch let error as DatabaseError {
                failure = error
                guard error.resultCode.primaryResultCode != .SQLITE_CORRUPT, error.resultCode.primaryResultCode != .SQLITE_NOTADB
                else { throw unusable(path, error) }
            }
        }
        return (try memoryQueue(), .memory, "it cannot be read here (\(failure.message ?? "\(failure)"))")
    }

    /// The schema version's problem, or nil when this version can read the index.
    private static func schemaProblem(_ db: DatabaseQueue) throws -> String? {
        let version = try db.read { db -> String? in
            guard try db.tableExists("meta") else { return nil }
            return try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'schema'")
        }
        return version == "\(schemaVersion)" ? nil : "it was made by another version of winnow"
    }

    private static func readOnlyConfiguration() -> Configuration {
        var config = Configuration()
        config.label = "winnow-index-readonly"
        config.readonly = true
        config.busyMode = .callback(RowIndex.waitWhileBusy)
        return config
    }

    private static func memoryQueue() throws -> DatabaseQueue {
        var config = Configuration()
        config.label = "winnow-index-memory"
        return try DatabaseQueue(configuration: config)
    }

    /// `file:` URI of an absolute path, with the characters a URI gives meaning escaped.
    static func immutableURI(_ path: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        return "file:" + (path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path) + "?immutable=1"
    }

    static func changed(_ path: String) -> WorkspaceError {
        .indexUnusable(path: path, failure: .changed, detail: "it was rewritten while this command read it without a lock")
    }

    /// After every read of an immutable index: the file must be the one that was opened.
    func checkUnchanged() throws {
        guard case .immutable(let stamp) = backing else { return }
        if FileStamp(path: path) != stamp { throw Self.changed(path) }
    }

    /// Before the first write to a read-only index: reopens the file read-write when this user
    /// can write it and its folder (and any `-wal` and `-shm` beside it), else copies it into
    /// memory.
    func prepareToWrite() throws {
        if backing == .file && Self.writableHere(path) {
            do {
                db = try Self.openReadWrite(path)
                backing = .writable
                return
            } catch let error as DatabaseError {
                throw Self.unusable(path, error)
            }
        }
        try copyIntoMemory()
    }

    /// Moves a read-only index into memory, for a session that must write derived data.
    func copyIntoMemory() throws {
        let memory = try Self.memoryQueue()
        do { try db.backup(to: memory) } catch let error as DatabaseError {
            throw Self.unusable(path, error)
        }
        try checkUnchanged()
        db = memory
        backing = .memory
    }

    /// Another connection to the index for a reader on another thread (the mix reads in
    /// parallel), or nil when the index is a copy in memory: then the caller uses `read`.
    func openReader() throws -> DatabaseQueue? {
        var config = Self.readOnlyConfiguration()
        config.label = "winnow-index-reader"
        switch backing {
        case .memory: return nil
        case .immutable: return try DatabaseQueue(path: Self.immutableURI(path), configuration: config)
        case .file, .writable: return try DatabaseQueue(path: path, configuration: config)
        }
    }
}

/// Whether this user may write `path` (`access(2)`; inside `RowIndex`, `access` names a property).
private func mayWrite(_ path: String, orMissing: Bool = false) -> Bool {
    access(path, W_OK) == 0 || (orMissing && errno == ENOENT)
}

/// What identifies a file's content without reading it: device, inode, size, modification and
/// change times (nanoseconds). A rewrite in place changes the times.
struct FileStamp: Equatable {
    var device: UInt64, inode: UInt64, size: Int64
    var modified: timespec, changed: timespec
    var onReadOnlyMount: Bool

    init?(path: String) {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        device = UInt64(st.st_dev)
        inode = UInt64(st.st_ino)
        size = Int64(st.st_size)
        modified = st.st_mtim
        changed = st.st_ctim
        var fs = statvfs()
        onReadOnlyMount = statvfs(path, &fs) == 0 && (fs.f_flag & UInt(ST_RDONLY)) != 0
    }

    static func == (a: FileStamp, b: FileStamp) -> Bool {
        a.device == b.device && a.inode == b.inode && a.size == b.size
            && a.modified.tv_sec == b.modified.tv_sec && a.modified.tv_nsec == b.modified.tv_nsec
            && a.changed.tv_sec == b.changed.tv_sec && a.changed.tv_nsec == b.changed.tv_nsec
    }
}
