import WinnowCore

/// The kind-specific part of an entry, as a typed value.
///
/// Writers build a payload and hand it to `LogFile.append`, which adds the envelope; readers get
/// it back with `entry.payload(DecisionPayload.self)`. Every payload keeps the members it does
/// not know in `extra` and writes them back out, so an entry written by a newer winnow loses
/// nothing when an older one reads it, and the importer can add what it needs to replay without
/// changing this module.
public protocol LogPayload: Sendable {
    static var kind: LogKind { get }
    /// The kind's fields, `extra` included. Never envelope names.
    func toFields() -> [(String, JSONValue)]
    /// Reads the payload from an entry of this kind; a missing or mistyped field is a
    /// `LogError.badPayload` naming it.
    init(entry: LogEntry) throws(LogError)
    /// Gate entries act as the gate: its name goes into the entry's actor. nil for people.
    var gateName: String? { get }
    /// Checks what the types cannot express (an edit carries its new row's hash, a retraction
    /// names at least one criterion); `append` refuses a payload that fails, before writing.
    func validate() throws(LogError)
}

extension LogPayload {
    public var gateName: String? { nil }
    public func validate() throws(LogError) {}
}

extension LogEntry {
    /// This entry's payload as `type`; throws if the kind differs or a field is wrong.
    public func payload<P: LogPayload>(_ type: P.Type) throws(LogError) -> P {
        try P(entry: self)
    }
}

/// Reads an entry's fields one at a time with errors that name the field, and remembers which
/// were taken so the rest can be kept as the payload's `extra`.
public struct PayloadReader {
    public let entry: LogEntry
    private var taken: Set<String> = []

    public init(_ entry: LogEntry, kind: LogKind) throws(LogError) {
        self.entry = entry
        guard entry.kind == kind.rawValue else {
            throw fail("kind", "is \"\(entry.kind)\", not \"\(kind.rawValue)\"")
        }
    }

    public func fail(_ field: String, _ problem: String) -> LogError {
        .badPayload(location: entry.location, seq: entry.seq, kind: entry.kind, field: field, problem: problem)
    }

    /// The field's value, or nil when absent (null counts as absent).
    public mutating func value(_ name: String) -> JSONValue? {
        taken.insert(name)
        guard let value = entry[name], value != .null else { return nil }
        return value
    }

    public mutating func required(_ name: String) throws(LogError) -> JSONValue {
        guard let value = value(name) else { throw fail(name, "is missing") }
        return value
    }

    public mutating func string(_ name: String) throws(LogError) -> String {
        let found = try required(name)
        guard let text = found.stringValue else { throw fail(name, "is not a string (found \(found.typeName))") }
        return text
    }

    public mutating func optionalString(_ name: String) throws(LogError) -> String? {
        guard value(name) != nil else { return nil }
        return try string(name)
    }

    public mutating func int(_ name: String) throws(LogError) -> Int {
        let found = try required(name)
        guard let number = found.intValue else { throw fail(name, "is not an integer (found \(found.typeName))") }
        return number
    }

    public mutating func optionalInt(_ name: String) throws(LogError) -> Int? {
        guard value(name) != nil else { return nil }
        return try int(name)
    }

    public mutating func optionalBool(_ name: String) throws(LogError) -> Bool? {
        guard let found = value(name) else { return nil }
        guard case .bool(let flag) = found else { throw fail(name, "is not true or false (found \(found.typeName))") }
        return flag
    }

    public mutating func object(_ name: String) throws(LogError) -> JSONValue {
        let found = try required(name)
        guard found.objectValue != nil else { throw fail(name, "is not an object (found \(found.typeName))") }
        return found
    }

    /// A SHA-256 in 64 lowercase hex digits.
    public mutating func hash(_ name: String) throws(LogError) -> String {
        let text = try string(name)
        guard ContentHash.isValidHex(text) else { throw fail(name, "is not 64 lowercase hex digits") }
        return text
    }

    public mutating func optionalHash(_ name: String) throws(LogError) -> String? {
        guard value(name) != nil else { return nil }
        return try hash(name)
    }

    /// A string that must be one of `T`'s raw values.
    public mutating func choice<T: RawRepresentable & CaseIterable>(_ name: String, _ type: T.Type)
        throws(LogError) -> T where T.RawValue == String
    {
        let text = try string(name)
        guard let picked = T(rawValue: text) else {
            let allowed = T.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            throw fail(name, "is \"\(text)\", expected one of \(allowed)")
        }
        return picked
    }

    /// Every kind field not read so far, as an object: what a newer writer added.
    public func extra() -> JSONValue {
        .object(entry.fields.filter { !taken.contains($0.0) })
    }
}

/// Builds a payload's field list, leaving out absent optionals and appending the extras.
struct FieldWriter {
    private(set) var fields: [(String, JSONValue)] = []

    mutating func add(_ name: String, _ value: JSONValue?) {
        if let value { fields.append((name, value)) }
    }

    mutating func add(_ name: String, _ value: String?) { add(name, value.map(JSONValue.string)) }
    mutating func add(_ name: String, _ value: Int?) { add(name, value.map(JSONValue.int)) }
    mutating func add(_ name: String, _ value: Bool?) { add(name, value.map(JSONValue.bool)) }

    /// Extras last; a name the payload already wrote wins over an extra of the same name.
    func finished(extra: JSONValue) -> [(String, JSONValue)] {
        let written = Set(fields.map(\.0))
        return fields + (extra.objectValue ?? []).filter { !written.contains($0.0) }
    }
}
