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

extension JSONValue {
    /// A parse failure of `JSONValue.parse` in words, for messages that name a file and line:
    /// where and why for a syntax error, the reason for a duplicate member or a number out of
    /// range (never a Swift type's dump).
    public static func describe(_ error: any Error) -> String {
        switch error {
        case let error as JSONSyntaxError: return "byte \(error.offset + 1): \(error.reason)"
        case let error as CanonicalizationError: return error.reason
        default: return "\(error)"
        }
    }
}
