import Foundation

/// A fresh folder under the system's temporary directory, removed (with everything in it) when
/// the value is released. Tests keep one alive for as long as they use its files.
public final class TemporaryDirectory: @unchecked Sendable {
    public let path: String

    public init(prefix: String = "winnow-test") throws {
        var template = Array((NSTemporaryDirectory() + "/\(prefix)-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard let made else { throw CocoaError(.fileWriteUnknown) }
        path = String(cString: made)
    }

    /// `name` inside this folder.
    public func file(_ name: String) -> String { path + "/" + name }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

extension FileManager {
    /// The bytes of a file, or an empty array if it does not exist.
    public func bytes(at path: String) -> [UInt8] {
        guard let data = contents(atPath: path) else { return [] }
        return [UInt8](data)
    }
}

/// Writes `bytes` to `path`, replacing it.
public func writeBytes(_ bytes: [UInt8], to path: String) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}
