import WinnowCore

/// `import`: a source file was added to the workspace.
///
/// The stored file is named by its hash, so `source` ties every later entry about its rows to
/// exact bytes; `options` is whatever the importer needs to replay the import identically
/// (format, field mapping, provenance flags), `summary` what it found (slices, formats).
public struct ImportPayload: LogPayload, Equatable {
    public static let kind = LogKind.import

    /// SHA-256 of the stored file (its name under sources/).
    public var source: String
    /// The path as the user gave it, for people reading the log.
    public var file: String
    public var bytes: Int
    public var rows: Int
    public var quarantined: Int
    /// An object: the importer's replay settings.
    public var options: JSONValue
    /// An object: counts and findings for `log show`.
    public var summary: JSONValue
    /// Whether the command promised a gate run over the rows after logging them (`false`:
    /// `import --no-gates`; absent in entries from before winnow recorded it). Until a gate run
    /// covers the rows of an import that promised one, its gates are pending: the import may
    /// have been killed between its entry and its gates, and every command says so (see
    /// `WorkspaceSession.pendingGates`). Written only when set, so older entries hash as before.
    public var gates: Bool?
    /// Fields this version does not know, kept as they were.
    public var extra: JSONValue

    public init(
        source: String, file: String, bytes: Int, rows: Int, quarantined: Int,
        options: JSONValue = .object([]), summary: JSONValue = .object([]), gates: Bool? = nil,
        extra: JSONValue = .object([])
    ) {
        self.source = source
        self.file = file
        self.bytes = bytes
        self.rows = rows
        self.quarantined = quarantined
        self.options = options
        self.summary = summary
        self.gates = gates
        self.extra = extra
    }

    public init(entry: LogEntry) throws(LogError) {
        try self.init(entry: entry, as: Self.kind)
    }

    /// Reads the import fields from an entry of `kind` (a `reread` carries the same ones).
    init(entry: LogEntry, as kind: LogKind) throws(LogError) {
        var reader = try PayloadReader(entry, kind: kind)
        source = try reader.hash("source")
        file = try reader.string("file")
        bytes = try reader.int("bytes")
        rows = try reader.int("rows")
        quarantined = try reader.int("quarantined")
        options = try reader.object("options")
        summary = try reader.object("summary")
        gates = try reader.optionalBool("gates")
        extra = reader.extra()
    }

    public func toFields() -> [(String, JSONValue)] {
        var out = FieldWriter()
        out.add("source", source)
        out.add("file", file)
        out.add("bytes", bytes)
        out.add("rows", rows)
        out.add("quarantined", quarantined)
        out.add("options", options)
        out.add("summary", summary)
        out.add("gates", gates)
        return out.finished(extra: extra)
    }

    public func validate() throws(LogError) {
        guard ContentHash.isValidHex(source) else {
            throw .invalidPayload(kind: Self.kind.rawValue, reason: "source is not a SHA-256 in lowercase hex")
        }
        guard options.objectValue != nil, summary.objectValue != nil else {
            throw .invalidPayload(kind: Self.kind.rawValue, reason: "options and summary must be objects")
        }
    }
}

/// `reread`: a source already in the workspace read again with other import options (a field
/// mapping that was missing, a forced format, provenance flags). It carries what an import
/// carries, the new options and the new counts. Its rows keep their ids; what they are (shape,
/// provenance, text) follows these options from this entry on, and a decided row whose text or
/// slice changes goes back to review (its decisions no longer stand).
public struct RereadPayload: LogPayload, Equatable {
    public static let kind = LogKind.reread

    public var read: ImportPayload

    public init(_ read: ImportPayload) { self.read = read }

    public init(entry: LogEntry) throws(LogError) {
        read = try ImportPayload(entry: entry, as: Self.kind)
    }

    public func toFields() -> [(String, JSONValue)] { read.toFields() }

    public func validate() throws(LogError) { try read.validate() }
}

/// `gate`: an automatic check flagged or rejected a row. The entry's actor carries the gate's
/// name beside the person whose command ran it.
public struct GatePayload: LogPayload, Equatable {
    public static let kind = LogKind.gate

    public enum Action: String, Sendable, CaseIterable {
        /// The row goes to a reviewer with the flag shown.
        case flag
        /// The row is out without review (schema failure, contamination, exact duplicate).
        case reject
        /// A rerun (after a config change) no longer finds what this gate flagged before.
        case clear
        /// The slice classifier tagged a row that arrived without a slice (detail: `slices`).
        case tag

        /// A gate's finding as its verdict records it.
        public init(_ action: GateAction) {
            switch action {
            case .flag: self = .flag
            case .reject: self = .reject
            }
        }

        /// The finding the verdict records: nil for a `clear` (none any more) and a `tag`
        /// (routing, not a finding).
        public var finding: GateAction? {
            switch self {
            case .flag: return .flag
            case .reject: return .reject
            case .clear, .tag: return nil
            }
        }
    }

    /// The gate's name ("near-duplicate", "blocklist", ...), stored as the actor's "gate".
    public var gate: String
    public var action: Action
    /// The row's id.
    public var row: String
    /// The source the row came from, when known.
    public var source: String?
    /// Reason code, from the workspace's configured reasons.
    public var reason: String
    /// What matched: a span, the row it duplicates and the similarity, the eval item.
    public var detail: JSONValue?
    /// Hash of the gate settings that produced the verdict, so a verdict can be traced to the
    /// configuration it was made under.
    public var config: String?
    public var extra: JSONValue

    public var gateName: String? { gate }

    public init(
        gate: String, action: Action, row: String, source: String? = nil, reason: String,
        detail: JSONValue? = nil, config: String? = nil, extra: JSONValue = .object([])
    ) {
        self.gate = gate
        self.action = action
        self.row = row
        self.source = source
        self.reason = reason
        self.detail = detail
        self.config = config
        self.extra = extra
    }

    public init(entry: LogEntry) throws(LogError) {
        var reader = try PayloadReader(entry, kind: Self.kind)
        guard let gate = entry.actor.gate else { throw reader.fail("actor.gate", "is missing") }
        self.gate = gate
        action = try reader.choice("action", Action.self)
        row = try reader.string("row")
        source = try reader.optionalString("source")
        reason = try reader.string("reason")
        detail = reader.value("detail")
        config = try reader.optionalString("config")
        extra = reader.extra()
    }

    public func toFields() -> [(String, JSONValue)] {
        var out = FieldWriter()
        out.add("action", action.rawValue)
        out.add("row", row)
        out.add("source", source)
        out.add("reason", reason)
        out.add("detail", detail)
        out.add("config", config)
        return out.finished(extra: extra)
    }

    public func validate() throws(LogError) {
        guard !gate.isEmpty else { throw .invalidPayload(kind: Self.kind.rawValue, reason: "the gate has no name") }
    }
}

/// `mix`: a training mix was built. The spec and output hashes let `winnow mix verify` prove
/// which spec produced which data; the head says which decisions it saw.
public struct MixPayload: LogPayload, Equatable {
    public static let kind = LogKind.mix

    public var name: String
    /// SHA-256 of the mix spec (canonical form of the parsed spec, or the file's bytes).
    public var spec: String
    /// SHA-256 of the output data file.
    public var output: String
    /// The log head the mix was computed from (seq and hash of that entry).
    public var headSeq: Int
    public var headHash: String
    public var rows: Int?
    public var extra: JSONValue

    public init(
        name: String, spec: String, output: String, headSeq: Int, headHash: String, rows: Int? = nil,
        extra: JSONValue = .object([])
    ) {
        self.name = name
        self.spec = spec
        self.output = output
        self.headSeq = headSeq
        self.headHash = headHash
        self.rows = rows
        self.extra = extra
    }

    public init(entry: LogEntry) throws(LogError) {
        var reader = try PayloadReader(entry, kind: Self.kind)
        name = try reader.string("name")
        spec = try reader.hash("spec")
        output = try reader.hash("output")
        headSeq = try reader.int("head_seq")
        headHash = try reader.hash("head_hash")
        rows = try reader.optionalInt("rows")
        extra = reader.extra()
    }

    public func toFields() -> [(String, JSONValue)] {
        var out = FieldWriter()
        out.add("name", name)
        out.add("spec", spec)
        out.add("output", output)
        out.add("head_seq", headSeq)
        out.add("head_hash", headHash)
        out.add("rows", rows)
        return out.finished(extra: extra)
    }

    public func validate() throws(LogError) {
        guard [spec, output, headHash].allSatisfy(ContentHash.isValidHex), headSeq >= 0 else {
            throw .invalidPayload(kind: Self.kind.rawValue, reason: "spec, output and head_hash must be SHA-256 hex")
        }
    }
}
