import Foundation
import WinnowCore

/// An incomplete last line a read-only open found and left in place.
public struct LogTornTail: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    /// Bytes after the last newline.
    public var bytes: Int

    /// What the command line prints: the entries before it are used, the bytes are kept.
    public var message: String {
        "\(file): the last line (\(bytes) bytes) is incomplete, from an interrupted write or one still under way; "
            + "left as it is (this command only reads): the entries before it are used, and the next command "
            + "that writes moves it to \(file).broken"
    }

    public var description: String { message }
}

/// The log opened by a command that only reads (`queue`, `stats`, `log show`, ...), so that it
/// works for a reviewer who may read the workspace but not write it, and on a read-only mount.
///
/// It opens the log `O_RDONLY` and creates nothing: not the log, not its folder, not the lock
/// file. The lock file is taken shared when it can be opened for reading, so a writer's append
/// is never seen half-way; when it cannot be (missing, or not readable by this user) the log is
/// read without a lock, and an append under way in another process then looks like a torn tail.
/// A torn tail is never repaired here (that would be a write, and a read-only user cannot make
/// it anyway): it is kept, reported through `keptTornTail`, and left out of the head, exactly as
/// `LogReader` leaves it out. Everything else is checked as `open` checks it: a bad complete
/// last line fails closed. Appends throw `LogError.readOnly`.
extension LogFile {
    /// Opens an existing log for reading. A missing log throws `.io` (ENOENT): a workspace always
    /// has one, and a read-only command cannot create it.
    public static func openReadOnly(at path: String, displayPath: String? = nil) throws(LogError) -> LogFile {
        let shown = displayPath ?? path
        let fd = openForReading(path)
        guard fd >= 0 else { throw .lastIO(shown, "open") }
        let lockFD = openForReading(path + ".lock")
        let file = LogFile(
            path: path, displayPath: shown, tool: defaultTool, fd: fd, lockFD: lockFD,
            identity: FileIdentity(fd: fd), io: .system, readOnly: true)
        _ = try file.head()
        return file
    }

    /// The incomplete last line this read-only log left in place, if it found one.
    public var tornTailKept: LogTornTail? {
        mutex.lock()
        defer { mutex.unlock() }
        return keptTornTail
    }
}

/// `open(2)` for reading (inside `LogFile`, `open` names its own static method).
private func openForReading(_ path: String) -> Int32 {
    open(path, O_RDONLY | O_CLOEXEC)
}
