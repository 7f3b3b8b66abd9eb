import Foundation

/// Positioned reads from an open file: byte ranges, the newline before an offset, the line
/// number of an offset. `pread` leaves the descriptor's offset alone, which matters because the
/// log is open with O_APPEND and another thread may be about to write.
struct DescriptorReader {
    let fd: Int32
    /// For messages.
    let file: String

    static let blockSize = 1 << 16

    /// The size of the file at `fd`, taken under a shared lock on `lockPath`, so no append is
    /// half-way through it. The log only grows under the exclusive lock, so everything before
    /// that size is stable while others go on appending. Without a lock file (a copied log) it
    /// takes no lock.
    static func snapshotSize(fd: Int32, lockPath: String, file: String) throws(LogError) -> Int {
        let lockFD = open(lockPath, O_RDONLY | O_CLOEXEC)
        if lockFD >= 0 {
            while flock(lockFD, LOCK_SH) != 0 && errno == EINTR {}
        }
        defer {
            if lockFD >= 0 {
                flock(lockFD, LOCK_UN)
                closeDescriptor(lockFD)
            }
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .lastIO(file, "stat") }
        return Int(st.st_size)
    }

    /// Exactly the bytes in `range` (short only if the file is shorter).
    func read(_ range: Range<Int>) throws(LogError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: range.count)
        let got = bytes.withUnsafeMutableBytes { buffer in
            Result { () throws(LogError) in try read(into: buffer, at: range.lowerBound) }
        }
        let count = try got.get()
        if count < bytes.count { bytes.removeLast(bytes.count - count) }
        return bytes
    }

    /// Fills `buffer` from `offset`, looping on short reads; returns the bytes read (fewer only
    /// at end of file).
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(LogError) -> Int {
        var done = 0
        while done < buffer.count {
            let n = pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done))
            if n > 0 {
                done += n
            } else if n == 0 {
                break
            } else if errno != EINTR {
                throw .lastIO(file, "read")
            }
        }
        return done
    }

    /// Offset of the last newline before `end`, or -1 if there is none.
    func lastNewline(before end: Int) throws(LogError) -> Int {
        var blockEnd = end
        while blockEnd > 0 {
            let blockStart = max(0, blockEnd - DescriptorReader.blockSize)
            let block = try read(blockStart..<blockEnd)
            let count = block.count
            guard count == blockEnd - blockStart else { throw .io(file: file, operation: "read", errno: EIO) }
            var i = count - 1
            while i >= 0 {
                if block[i] == 0x0A { return blockStart + i }
                i -= 1
            }
            blockEnd = blockStart
        }
        return -1
    }

    /// The 1-based number of the line starting at `offset` (1 + newlines before it). Reads the
    /// file up to there; only error messages need it.
    func lineNumber(at offset: Int) throws(LogError) -> Int {
        var line = 1
        var position = 0
        let size = 1 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
        defer { buffer.deallocate() }
        while position < offset {
            let want = min(size, offset - position)
            let got = try read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<want]), at: position)
            guard got > 0 else { break }
            line += countNewlines(UnsafeRawBufferPointer(rebasing: buffer[0..<got]))
            position += got
        }
        return line
    }
}

/// Newlines in a buffer, using memchr (vectorised in libc).
func countNewlines(_ buffer: UnsafeRawBufferPointer) -> Int {
    guard var cursor = buffer.baseAddress, buffer.count > 0 else { return 0 }
    let end = cursor + buffer.count
    var count = 0
    while cursor < end, let hit = memchr(cursor, 0x0A, end - cursor) {
        count += 1
        cursor = UnsafeRawPointer(hit) + 1
    }
    return count
}

/// close(2), named so it does not clash with the methods called close.
@discardableResult
func closeDescriptor(_ fd: Int32) -> Int32 {
    close(fd)
}

#if canImport(Darwin)
/// macOS's fsync does not reach the disk's platters; F_FULLFSYNC does.
func fdatasync(_ fd: Int32) -> Int32 {
    fcntl(fd, F_FULLFSYNC)
}
#endif
