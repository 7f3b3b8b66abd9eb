import WinnowCore

/// What one file's import did, for the summary table, `--json`, and the log entry.
public struct ImportSummary: Sendable {
    public var file: String
    public var source = ""
    public var format = "jsonl"
    public var bytes: Int64 = 0
    public var rows = 0
    public var quarantined = 0
    public var blankLines = 0
    public var alreadyImported = false
    /// A source read again with other options (`import --reread`), not a new one.
    public var reread = false
    /// For a reread: decided rows whose text the new options changed, back in review (their
    /// decisions no longer stand).
    public var decisionsSetAside = 0
    public var byShape: [String: Int] = [:]
    public var byOrigin: [String: Int] = [:]
    public var bySlice: [String: Int] = [:]
    public var byGenerator: [String: Int] = [:]
    public var quarantineReasons: [String: Int] = [:]
    /// Fields where a row's own value overrode a different flag value, and how often.
    public var conflicts: [String: Int] = [:]
    /// Rows whose id was taken already and got a `~N` suffix.
    public var renamedIDs = 0
    /// Slice names rows carry that the config does not define.
    public var unknownSlices: [String: Int] = [:]
    /// Members of rows that import did not read (not rendered, not provenance, not the id), by
    /// dotted path ("input", "meta.notes", "instances.0.input"), with how many rows have one:
    /// kept in the stored source, but no reviewer, gate or mix sees them.
    public var unusedMembers: [String: Int] = [:]
    /// For a file that was expanded into rows (OpenAssistant message trees): the original's
    /// SHA-256 (`source`, stored in sources/ beside the derived rows this summary's `source`
    /// names), the format, and how many trees, conversations and pairs it gave.
    public var expandedFrom: JSONValue?
    /// Set when reading stopped early (a corrupt gzip stream): what was read before it stands.
    public var readError: String?
    public var logSeq: Int?

    public init(file: String) { self.file = file }

    /// Groups reasons by their stable part ("invalid JSON", "'output' is empty") for the summary.
    static func reasonKind(_ reason: String) -> String {
        if reason.hasPrefix("invalid JSON") {
            if reason.contains("invalid UTF-8") { return "invalid UTF-8" }
            if reason.contains("NUL byte") { return "NUL byte" }
            return "invalid JSON"
        }
        if reason.hasPrefix("record is ") { return "over the line size limit" }
        if reason.hasPrefix("no known row shape") { return "no known row shape" }
        if reason.hasPrefix("the line holds") { return "not a JSON object" }
        return reason.count > 60 ? String(reason.prefix(57)) + "..." : reason
    }

    /// The summary as it goes into the log entry and `--json`.
    public var json: JSONValue {
        func counts(_ d: [String: Int]) -> JSONValue { .object(d.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) }) }
        var fields: [(String, JSONValue)] = [
            ("file", .string(file)), ("source", .string(source)), ("format", .string(format)),
            ("bytes", .int(Int(bytes))), ("rows", .int(rows)), ("quarantined", .int(quarantined)),
            ("blank_lines", .int(blankLines)), ("already_imported", .bool(alreadyImported)),
            ("shapes", counts(byShape)), ("origins", counts(byOrigin)), ("slices", counts(bySlice)),
            ("generators", counts(byGenerator)), ("quarantine_reasons", counts(quarantineReasons)),
            ("conflicts", counts(conflicts)), ("renamed_ids", .int(renamedIDs)),
            ("unknown_slices", counts(unknownSlices)), ("unused_members", counts(unusedMembers)),
        ]
        if reread { fields.append(("reread", .bool(true))) }
        if decisionsSetAside > 0 { fields.append(("decisions_set_aside", .int(decisionsSetAside))) }
        if let expandedFrom { fields.append(("expanded_from", expandedFrom)) }
        if let readError { fields.append(("read_error", .string(readError))) }
        if let logSeq { fields.append(("log_seq", .int(logSeq))) }
        return .object(fields)
    }
}
