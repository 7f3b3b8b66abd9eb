import Foundation
import WinnowCore

/// The last entry of a log: what the next entry chains to.
public struct LogHead: Sendable, Hashable {
    public var seq: Int
    public var hash: String

    public init(seq: Int, hash: String) {
        self.seq = seq
        self.hash = hash
    }

    /// The head of a log with no entries: entry 1 gets seq 1 and prev 64 zeros.
    public static let empty = LogHead(seq: 0, hash: LogEntry.genesisHash)
}

/// A torn tail that `open` (or an append that found one) moved aside.
public struct LogRepair: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var brokenFile: String
    /// Bytes moved from the end of the log to the .broken file.
    public var bytes: Int
    /// Lines they made up (the last one possibly without its newline).
    public var lines: Int

    /// What the command line prints.
    public var message: String {
        let what = lines == 1 ? "the last line (\(bytes) bytes) was" : "the last \(lines) lines (\(bytes) bytes) were"
        return "\(file): \(what) incomplete, probably from an interrupted write;"
            + " kept \(lines == 1 ? "it" : "them") in \(brokenFile) and truncated"
    }

    public var description: String { message }
}

/// The provenance log file, open for appending.
///
/// Any number of winnow processes (reviewers on one box) append to the same file. Each append
/// takes an exclusive `flock` on the lock file beside the log, reads the head the others may
/// have moved, writes its line(s) with one `write`, and returns only after `fdatasync`, so
/// "saved" on screen means on disk. A failed sync stops all further writes from this process:
/// after an fsync error the kernel may have dropped the data, and retrying would report
/// success for entries that are gone.
public final class LogFile: LogAppender, @unchecked Sendable {
    /// The tool field of entries written when the caller names none.
    public static let defaultTool = "winnow 0.1.0"

    public let path: String
    /// How messages name the log ("log/provenance.jsonl").
    public let displayPath: String
    public let lockPath: String
    public let brokenPath: String
    public let tool: String

    let fd: Int32
    /// The lock file, or -1 for a read-only log whose lock file could not be opened (see
    /// `openReadOnly`).
    let lockFD: Int32
    /// Opened by a command that only reads (`openReadOnly`): appends are refused and a torn
    /// tail is reported, not repaired.
    public let readOnly: Bool
    let identity: FileIdentity
    /// The log's path with symbolic links resolved: the key for stopping writes process-wide.
    let realPath: String
    let io: LogIO
    /// Serialises this process's threads; `flock` serialises processes.
    let mutex = NSLock()
    /// The head as of the file size it was read at: an unchanged size means nobody appended.
    var cached: (size: Int, head: LogHead)?
    var poison: PoisonRecord?
    private var repairLog: [LogRepair] = []
    /// The incomplete last line a read-only open found and left where it is.
    var keptTornTail: LogTornTail?

    /// Opens (creating it and its folder if missing) the log at `path`, checks its last entry and
    /// repairs a torn tail under the lock. A bad line before the tail throws `.corrupt` and
    /// nothing is changed. `displayPath` names the log in messages (default: `path`).
    public static func open(
        at path: String, displayPath: String? = nil, tool: String = LogFile.defaultTool
    ) throws(LogError) -> LogFile {
        try open(at: path, displayPath: displayPath, tool: tool, io: .system)
    }

    static func open(at path: String, displayPath: String?, tool: String, io: LogIO) throws(LogError) -> LogFile {
        let shown = displayPath ?? path
        let folder = FilePermissions.parentPath(of: path)
        try FilePermissions.createDirectory(folder)
        let (fd, created) = try FilePermissions.createFile(path, flags: O_RDWR | O_APPEND)
        let lockFD: Int32
        do throws(LogError) {
            lockFD = try FilePermissions.createFile(path + ".lock", flags: O_RDWR).fd
        } catch {
            closeDescriptor(fd)
            throw error
        }
        if created { FilePermissions.syncDirectory(folder) }
        let file = LogFile(
            path: path, displayPath: shown, tool: tool, fd: fd, lockFD: lockFD,
            identity: FileIdentity(fd: fd), io: io, readOnly: false)
        _ = try file.head()
        return file
    }

    init(
        path: String, displayPath: String, tool: String, fd: Int32, lockFD: Int32, identity: FileIdentity, io: LogIO,
        readOnly: Bool
    ) {
        self.path = path
        self.displayPath = displayPath
        self.lockPath = path + ".lock"
        self.brokenPath = path + ".broken"
        self.tool = tool
        self.fd = fd
        self.lockFD = lockFD
        self.identity = identity
        self.realPath = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        self.io = io
        self.readOnly = readOnly
    }

    deinit {
        closeDescriptor(fd)
        if lockFD >= 0 { closeDescriptor(lockFD) }
    }

    /// The current head, read under the lock (other processes may have appended).
    public func head() throws(LogError) -> LogHead {
        try locked { () throws(LogError) in try currentHead() }
    }

    /// Torn tails repaired by this instance so far (at open, or found by a later append after
    /// another process died mid-write), oldest first. The command line prints them.
    public var repairs: [LogRepair] {
        mutex.lock()
        defer { mutex.unlock() }
        return repairLog
    }

    func noteRepair(_ repair: LogRepair) { repairLog.append(repair) }

    /// Runs `body` holding this process's mutex and the exclusive lock on the lock file (a
    /// shared one for a read-only log, none when its lock file could not be opened).
    func locked<T>(_ body: () throws(LogError) -> T) throws(LogError) -> T {
        mutex.lock()
        defer { mutex.unlock() }
        if lockFD >= 0 {
            while flock(lockFD, readOnly ? LOCK_SH : LOCK_EX) != 0 {
                guard errno == EINTR else { throw .lastIO(displayPath + ".lock", "lock") }
            }
        }
        defer { if lockFD >= 0 { _ = flock(lockFD, LOCK_UN) } }
        guard FileIdentity(path: path) == identity else { throw .replaced(file: displayPath) }
        return try body()
    }

    /// The head under the lock: from the cache when the size has not changed, otherwise from
    /// the tail of the file (repairing a torn tail left by a writer that died).
    func currentHead() throws(LogError) -> LogHead {
        let size = try fileSize()
        if let cached, cached.size == size { return cached.head }
        let (head, end) = try inspectTail(size: size)
        cached = (end, head)
        return head
    }

    func fileSize() throws(LogError) -> Int {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .lastIO(displayPath, "stat") }
        return Int(st.st_size)
    }
}

/// Device and inode: which file a descriptor or path refers to.
struct FileIdentity: Hashable, Sendable {
    var device: UInt64
    var inode: UInt64

    init(fd: Int32) {
        var st = stat()
        _ = fstat(fd, &st)
        device = UInt64(st.st_dev)
        inode = UInt64(st.st_ino)
    }

    init?(path: String) {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        device = UInt64(st.st_dev)
        inode = UInt64(st.st_ino)
    }
}

/// The system calls an append depends on, replaceable in tests to simulate a full disk or a
/// failing device. Each returns 0 / a byte count, or a negated errno.
struct LogIO: Sendable {
    var write: @Sendable (Int32, UnsafeRawBufferPointer) -> Int
    var sync: @Sendable (Int32) -> Int32

    static let system = LogIO(
        write: { fd, bytes in
            let n = Foundation.write(fd, bytes.baseAddress, bytes.count)
            return n >= 0 ? n : -Int(errno)
        },
        sync: { fd in
            fdatasync(fd) == 0 ? 0 : -errno
        })

    /// Writes all of `bytes`, looping only on a short write or EINTR. Returns 0, or the errno
    /// of the call that failed (EIO for a write that wrote nothing without saying why).
    func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Int32 {
        bytes.withUnsafeBytes { buffer in
            var done = 0
            while done < buffer.count {
                let n = write(fd, UnsafeRawBufferPointer(rebasing: buffer[done...]))
                if n > 0 {
                    done += n
                } else if n != -Int(EINTR) {
                    return n == 0 ? EIO : Int32(-n)
                }
            }
            return 0
        }
    }
}
