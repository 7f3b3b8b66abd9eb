#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How winnow creates files and folders in a workspace: group-readable and -writable, never
/// world-writable, with folders setgid so new files inherit the folder's group.
///
/// A workspace on a shared labelling box is worked on by a team in one Unix group. With the
/// usual umask 022 the second reviewer could not append to the log the first one created; with
/// 000 anyone on the box could. So the modes are set explicitly (chmod after create, because
/// umask only ever removes bits), and the command line narrows the umask to 007 at start for
/// anything created by other means (SQLite's journal, temporary files).
public enum FilePermissions {
    /// rw for owner and group.
    public static let fileMode: mode_t = 0o660
    /// rwx for owner and group, setgid so the group is inherited.
    public static let directoryMode: mode_t = 0o2770
    public static let processUmask: mode_t = 0o007

    /// Sets the process umask to 007 and returns the previous one. Call once at start.
    @discardableResult
    public static func restrictUmask() -> mode_t {
        umask(processUmask)
    }

    /// Creates `path` and any missing parents, each with `directoryMode`; existing folders are
    /// left as they are. Throws `LogError.io` naming the folder that could not be made.
    public static func createDirectory(_ path: String) throws(LogError) {
        var st = stat()
        if stat(path, &st) == 0 {
            guard st.st_mode & S_IFMT == S_IFDIR else {
                throw .io(file: path, operation: "create folder", errno: ENOTDIR)
            }
            return
        }
        let parent = parentPath(of: path)
        if parent != path && !parent.isEmpty { try createDirectory(parent) }
        if mkdir(path, directoryMode) != 0 {
            let code = errno
            if code == EEXIST { return }  // made by someone else meanwhile
            throw .io(file: path, operation: "create folder", errno: code)
        }
        // mkdir ignores the setgid bit and applies the umask: set the mode as meant.
        if chmod(path, directoryMode) != 0 {
            throw .lastIO(path, "set permissions of folder")
        }
    }

    /// Opens `path` with `flags`, creating it with `fileMode` when it does not exist. Returns the
    /// descriptor (close-on-exec) and whether this call created the file.
    public static func createFile(_ path: String, flags: Int32) throws(LogError) -> (fd: Int32, created: Bool) {
        for _ in 0..<8 {
            let fd = open(path, flags | O_CREAT | O_EXCL | O_CLOEXEC, fileMode)
            if fd >= 0 {
                if fchmod(fd, fileMode) != 0 {
                    let error = LogError.lastIO(path, "set permissions of file")
                    close(fd)
                    throw error
                }
                return (fd, true)
            }
            guard errno == EEXIST else { throw .lastIO(path, "create file") }
            let existing = open(path, flags | O_CLOEXEC)
            if existing >= 0 { return (existing, false) }
            guard errno == ENOENT else { throw .lastIO(path, "open file") }
            // Removed between the two opens: try again.
        }
        throw .io(file: path, operation: "create file", errno: EAGAIN)
    }

    /// Flushes a folder's entries, so a file just created in it survives a crash.
    public static func syncDirectory(_ path: String) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }

    /// The folder part of a path ("." for a bare name, "/" for a file at the root).
    public static func parentPath(of path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return "." }
        if slash == trimmed.startIndex { return "/" }
        return String(trimmed[..<slash])
    }
}
