/// An in-memory JSON value that keeps object members in the order they were written.
///
/// Log entries and edited rows are built and read through this type; the hot import path works on
/// `JSONTape` instead and never materialises a whole row. Both produce the same canonical bytes.
public enum JSONValue: Sendable, Equatable, Hashable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.number(a), .number(b)): return a == b
        // Strings compare by code points, not by Swift's canonical equivalence: "é" and "e\u0301"
        // have different canonical bytes and so different content hashes.
        case let (.string(a), .string(b)): return a.utf8.elementsEqual(b.utf8)
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.0.utf8.elementsEqual($1.0.utf8) && $0.1 == $1.1 }
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(canonicalString)
    }

    public static func int(_ value: Int) -> JSONValue { .number(JSONNumber(value)) }
    public static func double(_ value: Double) -> JSONValue { .number(JSONNumber(value)) }

    /// The member named `key` of an object (the last one, as most parsers resolve duplicates).
    public subscript(key: String) -> JSONValue? {
        guard case let .object(members) = self else { return nil }
        return members.last(where: { $0.0.utf8.elementsEqual(key.utf8) })?.1
    }

    public var stringValue: String? {
        if case let .string(s) = self { return s }
        return nil
    }

    public var intValue: Int? {
        if case let .number(n) = self { return n.intValue }
        return nil
    }

    public var doubleValue: Double? {
        if case let .number(n) = self { return n.doubleValue }
        return nil
    }

    public var boolValue: Bool? {
        if case let .bool(b) = self { return b }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case let .array(a) = self { return a }
        return nil
    }

    public var objectValue: [(String, JSONValue)]? {
        if case let .object(o) = self { return o }
        return nil
    }

    /// A copy with `key` set (replacing an existing member in place, else appended).
    public func setting(_ key: String, to value: JSONValue) -> JSONValue {
        guard case var .object(members) = self else { return self }
        if let i = members.firstIndex(where: { $0.0.utf8.elementsEqual(key.utf8) }) {
            members[i].1 = value
        } else {
            members.append((key, value))
        }
        return .object(members)
    }

    /// A copy without `key`.
    public func removing(_ key: String) -> JSONValue {
        guard case let .object(members) = self else { return self }
        return .object(members.filter { !$0.0.utf8.elementsEqual(key.utf8) })
    }

    /// Short name of the JSON type, for error messages ("expected a string, found a number").
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// A JSON number kept as its canonical text, so integers of any size survive a round trip and
/// hashing never depends on how a platform prints floating point.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    /// Canonical text: an integer's digits, or a float in Python `repr` style (see `CanonicalJSON`).
    public let text: String

    public init(_ value: Int) { text = String(value) }

    public init(_ value: Double) { text = CanonicalJSON.formatDouble(value) }

    /// Trusted canonical text (from the parser, which canonicalises before calling this).
    init(canonicalText: String) { text = canonicalText }

    public var intValue: Int? { Int(text) }
    public var doubleValue: Double? { Double(text) }
    public var description: String { text }
}
