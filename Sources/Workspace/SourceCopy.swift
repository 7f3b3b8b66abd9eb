import Foundation

/// The copy of an input file being written into `sources/`: a temporary name until the import
/// commits, then renamed to its SHA-256 and made read-only, so a source is never seen half
/// written and never modified.
final class SourceCopy {
    let path: String
    private var fd: Int32
    private(set) var bytesWritten: Int64 = 0
    private var committed = false

    init(path: String) throws {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw WorkspaceError.io(path: path, action: "create it", errno: errno) }
    }

    func write(_ chunk: UnsafeRawBufferPointer) throws {
        var done = 0
        while done < chunk.count {
            let n = Foundation.write(fd, chunk.baseAddress! + done, chunk.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw WorkspaceError.io(path: path, action: "write the source copy", errno: errno)
            }
            done += n
        }
        bytesWritten += Int64(chunk.count)
    }

    /// Flushes the copy to disk and gives it its final name.
    func commit(to final: String) throws {
        guard fdatasync(fd) == 0 else { throw WorkspaceError.io(path: path, action: "flush the source copy", errno: errno) }
        close(fd)
        fd = -1
        fchmodat(AT_FDCWD, path, 0o440, 0)
        guard rename(path, final) == 0 else { throw WorkspaceError.io(path: final, action: "store the source", errno: errno) }
        committed = true
        let dir = open((final as NSString).deletingLastPathComponent, O_RDONLY | O_DIRECTORY)
        if dir >= 0 { fsync(dir); close(dir) }
    }

    func discard() {
        if fd >= 0 { close(fd); fd = -1 }
        if !committed { unlink(path) }
    }
}
