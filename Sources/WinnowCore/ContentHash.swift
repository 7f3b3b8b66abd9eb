import Crypto
import Foundation

/// SHA-256, written as 64 lowercase hex digits everywhere winnow stores or prints one: content
/// hashes of rows, names of source files, links of the provenance log's chain.
public enum ContentHash {
    public static func hex<D: DataProtocol>(_ data: D) -> String {
        hexString(SHA256.hash(data: data))
    }

    public static func hex(_ buffer: UnsafeBufferPointer<UInt8>) -> String {
        hexString(SHA256.hash(data: UnsafeRawBufferPointer(buffer)))
    }

    /// Hash of a value's canonical form.
    public static func of(_ value: JSONValue) -> String {
        hex(CanonicalJSON.bytes(value))
    }

    static func hexString(_ digest: SHA256.Digest) -> String {
        var out = [UInt8]()
        out.reserveCapacity(64)
        for byte in digest {
            out.append(CanonicalJSON.hexDigits[Int(byte >> 4)])
            out.append(CanonicalJSON.hexDigits[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func isValidHex(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { hexValue($0) != nil && !($0 >= 65 && $0 <= 70) }
    }
}

extension ContentHash {
    /// SHA-256 of a file's bytes, read 4 MB at a time; nil when it cannot be opened or read.
    public static func file(at path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        var hash = StreamingHash()
        do {
            while let chunk = try handle.read(upToCount: 1 << 22), !chunk.isEmpty { hash.update(Array(chunk)) }
        } catch { return nil }
        return hash.finalizeHex()
    }
}

/// Incremental SHA-256 for streams (a source file copied while it is read).
public struct StreamingHash {
    private var hasher = SHA256()
    public init() {}
    public mutating func update(_ buffer: UnsafeRawBufferPointer) { hasher.update(bufferPointer: buffer) }
    public mutating func update(_ bytes: [UInt8]) { hasher.update(data: bytes) }
    public func finalizeHex() -> String { ContentHash.hexString(hasher.finalize()) }
}
