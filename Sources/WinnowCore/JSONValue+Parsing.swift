import Foundation

extension JSONValue {
    /// Parses one JSON text (strictly: RFC 8259, UTF-8, no duplicate members).
    public static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        let tape = try JSONTape.parse(bytes)
        return try bytes.withUnsafeBufferPointer { try tape.value(0, source: $0) }
    }

    public static func parse(_ text: String) throws -> JSONValue {
        try parse(Array(text.utf8))
    }

    /// Canonical text (see `CanonicalJSON`).
    public var canonicalString: String { CanonicalJSON.string(self) }
    public var canonicalBytes: [UInt8] { CanonicalJSON.bytes(self) }
}
