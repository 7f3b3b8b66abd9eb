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
        #expect(Array(stored) == bytes)
        #expect(copy.bytesWritten == Int64(size))
    }
}
