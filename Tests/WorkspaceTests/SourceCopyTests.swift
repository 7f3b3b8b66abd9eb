import Foundation
import Testing
@testable import Workspace

/// The stored source is the input byte for byte, whether it went through the direct-I/O path
/// (whole 4 kB blocks) or the page cache (the tail), and whatever the chunk sizes.
struct SourceCopyTests {
    @Test(arguments: [0, 1, 4095, 4096, 4097, 8 << 20, (8 << 20) + 12345, 21_000_001])
    func theCopyIsTheInputByteForByte(_ size: Int) throws {
        let dir = NSTemporaryDirectory() + "/winnow-copy-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let copy = try SourceCopy(path: dir + "/tmp")
        var offset = 0
        var step = 1
        while offset < bytes.count {
            // Odd chunk sizes, as a gzip stream or a short read would hand them over.
            let n = min(bytes.count - offset, step * 7919 % 3_000_000 + 1)
            try bytes[offset..<(offset + n)].withUnsafeBytes { try copy.write($0) }
            offset += n
            step += 1
        }
        try copy.commit(to: dir + "/final")
        let stored = try Data(contentsOf: URL(fileURLWithPath: dir + "/final"))
        #expect(stored.count == size)
        #expect(stored == Data(bytes), "the copy differs from the input")  // Data prints its size, not its bytes
        #expect(copy.bytesWritten == Int64(size))
    }

    /// Whether this machine's temporary folder takes O_DIRECT (tmpfs does not).
    static let directIOWorks: Bool = {
        let path = NSTemporaryDirectory() + "/winnow-direct-\(UUID().uuidString)"
        defer { unlink(path) }
        return (try? SourceCopy(path: path))?.writesDirectly ?? false
    }()

    /// A file system that takes O_DIRECT at open but refuses a write part-way (EINVAL after a
    /// first write wrote some blocks): the copy goes on through the page cache from where the
    /// file ends. Before, the fallback wrote the whole staged buffer again, so the blocks
    /// already written were in the file twice, under the input's hash.
    @Test(.enabled(if: directIOWorks)) func aDirectWriteRefusedPartWayGoesOnWithoutRepeatingBytes() throws {
        let dir = NSTemporaryDirectory() + "/winnow-copy-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<((8 << 20) + 5000)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        nonisolated(unsafe) var calls = 0
        let copy = try SourceCopy(path: dir + "/tmp", what: "source copy") { fd, buffer, count in
            calls += 1
            switch calls {
            case 1: return Foundation.write(fd, buffer, min(count, 3 * 4096))  // a few blocks, then
            case 2: errno = EINVAL; return -1                                    // refused
            default: return Foundation.write(fd, buffer, count)
            }
        }
        #expect(copy.writesDirectly)
        try bytes.withUnsafeBytes { try copy.write($0) }
        try copy.commit(to: dir + "/final")
        let stored = try Data(contentsOf: URL(fileURLWithPath: dir + "/final"))
        #expect(calls > 2)
        #expect(stored.count == bytes.count)
        #expect(stored == Data(bytes), "the copy differs from the input")  // Data prints its size, not its bytes
    }
}
