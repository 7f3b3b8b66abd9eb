import Foundation

/// The copy of an input file being written into `sources/`: a temporary name until the import
/// commits, then renamed to its SHA-256 and made read-only, so a source is never seen half
/// written and never modified.
///
/// Large copies bypass the page cache (O_DIRECT from an aligned buffer): copying a gigabyte
/// into the cache was the largest single cost of a big import, and nothing reads the copy back
/// soon. Where O_DIRECT is refused (tmpfs, some network file systems) ordinary writes are used.
/// Public because the mixer writes its (equally large, equally write-once) data files this way.
public final class SourceCopy {
    public let path: String
    /// What the file is, for error messages ("source copy", "mix data file").
    let what: String
    private var fd: Int32
    private(set) var bytesWritten: Int64 = 0
    private var committed = false
    /// Aligned staging buffer for direct writes, nil when writing through the page cache.
    private var staging: UnsafeMutableRawPointer?
    private var staged = 0
    /// The write system call; a test hands in one that fails part-way.
    private let writeCall: (Int32, UnsafeRawPointer, Int) -> Int

    /// Whether whole blocks bypass the page cache (O_DIRECT was accepted at open).
    var writesDirectly: Bool { staging != nil }

    /// O_DIRECT on Linux x86_64 and arm64 (not exported to Swift: it needs _GNU_SOURCE).
    static let directFlag: Int32 = 0o40000
    static let alignment = 4096
    static let stagingSize = 8 << 20

    public convenience init(path: String, what: String = "source copy") throws {
        try self.init(path: path, what: what, writeCall: { Foundation.write($0, $1, $2) })
    }

    init(path: String, what: String, writeCall: @escaping (Int32, UnsafeRawPointer, Int) -> Int) throws {
        self.path = path
        self.what = what
        self.writeCall = writeCall
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | Self.directFlag, 0o640)
        if fd >= 0 {
            var buffer: UnsafeMutableRawPointer?
            if posix_memalign(&buffer, Self.alignment, Self.stagingSize) == 0 { staging = buffer }
        } else {
            fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640)
        }
        guard fd >= 0 else { throw WorkspaceError.io(path: path, action: "create it", errno: errno) }
        if staging == nil { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~Self.directFlag) }
    }

    deinit { free(staging) }

    public func write(_ chunk: UnsafeRawBufferPointer) throws {
        bytesWritten += Int64(chunk.count)
        guard let staging else { return try writeAll(chunk) }
        var offset = 0
        while offset < chunk.count {
            let n = min(Self.stagingSize - staged, chunk.count - offset)
            (staging + staged).copyMemory(from: chunk.baseAddress! + offset, byteCount: n)
            staged += n
            offset += n
            if staged == Self.stagingSize { try flushStaging(final: false) }
        }
    }

    /// Writes the staged bytes: whole aligned blocks directly; at the end the unaligned tail
    /// through the page cache (O_DIRECT needs block-sized writes).
    private func flushStaging(final: Bool) throws {
        guard let staging, staged > 0 else { return }
        let aligned = staged / Self.alignment * Self.alignment
        if aligned > 0 {
            let blocks = UnsafeRawBufferPointer(start: staging, count: aligned)
            var done = 0
            do { try writeAll(blocks, done: &done) } catch let WorkspaceError.io(_, _, code) where code == EINVAL {
                // A file system that accepted O_DIRECT at open but not for writes: fall back,
                // going on after what the direct writes did write (never the start again).
                guard fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~Self.directFlag) == 0 else {
                    throw WorkspaceError.io(path: path, action: "write the \(what)", errno: code)
                }
                try writeAll(blocks, done: &done)
            }
            (staging).copyMemory(from: staging + aligned, byteCount: staged - aligned)
            staged -= aligned
        }
        if final && staged > 0 {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~Self.directFlag)
            try writeAll(UnsafeRawBufferPointer(start: staging, count: staged))
            staged = 0
        }
    }

    private func writeAll(_ chunk: UnsafeRawBufferPointer) throws {
        var done = 0
        try writeAll(chunk, done: &done)
    }

    /// Writes `chunk` from byte `done` on, counting in `done` what reached the file: a caller
    /// that tries again after an error goes on from there.
    private func writeAll(_ chunk: UnsafeRawBufferPointer, done: inout Int) throws {
        while done < chunk.count {
            let n = writeCall(fd, chunk.baseAddress! + done, chunk.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw WorkspaceError.io(path: path, action: "write the \(what)", errno: errno)
            }
            done += n
        }
    }

    /// Flushes the copy to disk and gives it its final name.
    public func commit(to final: String) throws {
        try flushStaging(final: true)
        guard fdatasync(fd) == 0 else { throw WorkspaceError.io(path: path, action: "flush the \(what)", errno: errno) }
        close(fd)
        fd = -1
        fchmodat(AT_FDCWD, path, 0o440, 0)
        guard rename(path, final) == 0 else { throw WorkspaceError.io(path: final, action: "store the source", errno: errno) }
        committed = true
        let dir = open((final as NSString).deletingLastPathComponent, O_RDONLY | O_DIRECTORY)
        if dir >= 0 { fsync(dir); close(dir) }
    }

    public func discard() {
        if fd >= 0 { close(fd); fd = -1 }
        if !committed { unlink(path) }
    }
}
