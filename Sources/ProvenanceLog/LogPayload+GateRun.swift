import WinnowCore

/// `gate-run`: one run of the automatic gates. Its verdicts (one `gate` verdict per changed
/// (row, gate), the same fields a `gate` entry has) are in a content-addressed file beside the
/// sources, `gates/<verdicts>.jsonl`; the entry pins that file by its SHA-256.
///
/// Why a file and not an entry per verdict: a million-row import found 340k verdicts, and as
/// entries they added 187 MB to the log and most of the import's time (each one sealed, hashed
/// and applied on its own). The chain stays tamper-evident: the entry's hash covers the file's
/// hash, and every reader (apply, replay, reindex, `log verify`) checks the file against it
/// before using a byte of it, failing with the file's name when it is missing or altered.
public struct GateRunPayload: LogPayload, Equatable {
    public static let kind = LogKind.gateRun

    /// What the run covered.
    public enum Scope: String, Sendable, CaseIterable {
        /// Every row against every row (`gates --rerun`, a changed config, a rebuilt index).
        case all
        /// The rows imported since the last run, against the existing ones.
        case new
    }

    /// SHA-256 of the verdict file (its name under gates/).
    public var verdicts: String
    /// Verdicts in the file.
    public var count: Int
    /// Hash of the gate settings the verdicts were made under.
    public var config: String
    public var scope: Scope
    /// Rows the run gated (the new rows for scope `new`).
    public var rows: Int
    /// The id of the last row (in import order) the run saw: the next run's new rows are the
    /// ones after it. Absent when the workspace had no rows.
    public var through: String?
    public var extra: JSONValue

    public init(
        verdicts: String, count: Int, config: String, scope: Scope, rows: Int, through: String?,
        extra: JSONValue = .object([])
    ) {
        self.verdicts = verdicts
        self.count = count
        self.config = config
        self.scope = scope
        self.rows = rows
        self.through = through
        self.extra = extra
    }

    public init(entry: LogEntry) throws(LogError) {
        var reader = try PayloadReader(entry, kind: Self.kind)
        verdicts = try reader.hash("verdicts")
        count = try reader.int("count")
        config = try reader.string("config")
        scope = try reader.choice("scope", Scope.self)
        rows = try reader.int("rows")
        through = try reader.optionalString("through")
        extra = reader.extra()
        guard count >= 0 else { throw reader.fail("count", "is negative") }
        guard rows >= 0 else { throw reader.fail("rows", "is negative") }
    }

    public func toFields() -> [(String, JSONValue)] {
        var out = FieldWriter()
        out.add("verdicts", verdicts)
        out.add("count", count)
        out.add("config", config)
        out.add("scope", scope.rawValue)
        out.add("rows", rows)
        out.add("through", through)
        return out.finished(extra: extra)
    }

    public func validate() throws(LogError) {
        guard ContentHash.isValidHex(verdicts) else {
            throw .invalidPayload(kind: Self.kind.rawValue, reason: "verdicts is not a SHA-256 in lowercase hex")
        }
        guard count >= 0, rows >= 0 else { throw .invalidPayload(kind: Self.kind.rawValue, reason: "count and rows must be 0 or more") }
    }
}

extension GatePayload {
    /// The verdict as one line of a gate-run file: the `gate` entry's fields plus the gate's
    /// name (an entry keeps that in its actor), canonical JSON. The run's config hash is in the
    /// `gate-run` entry, not repeated on every line.
    public var verdictLine: [UInt8] {
        var fields = toFields().filter { $0.0 != "config" }
        fields.append(("gate", .string(gate)))
        return JSONValue.object(fields).canonicalBytes
    }

    /// Reads one verdict line of the file that `gate-run` entry `seq` pins; `config` is the
    /// run's. Every problem names the file, the line and the field, like a bad log entry.
    public init(verdictLine bytes: [UInt8], config: String, seq: Int, file: String, line: Int) throws(LogError) {
        let location = SourceLocation(file: file, line: line)
        func fail(_ field: String, _ problem: String) -> LogError {
            .badPayload(location: location, seq: seq, kind: "gate-run verdict", field: field, problem: problem)
        }
        let value: JSONValue
        do { value = try JSONValue.parse(bytes) } catch { throw fail("line", "is not valid JSON (\(error))") }
        guard value.objectValue != nil else { throw fail("line", "is not a JSON object (found \(value.typeName))") }
        guard value.canonicalBytes == bytes else { throw fail("line", "is not in canonical form") }
        func string(_ name: String) throws(LogError) -> String {
            guard let found = value[name], found != .null else { throw fail(name, "is missing") }
            guard let text = found.stringValue else { throw fail(name, "is not a string (found \(found.typeName))") }
            return text
        }
        let gate = try string("gate")
        guard !gate.isEmpty else { throw fail("gate", "is empty") }
        let actionText = try string("action")
        guard let action = Action(rawValue: actionText) else {
            throw fail("action", "is \"\(actionText)\", expected one of \(Action.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))")
        }
        let row = try string("row"), reason = try string("reason")
        var source: String?
        if let found = value["source"], found != .null {
            guard let text = found.stringValue else { throw fail("source", "is not a string (found \(found.typeName))") }
            source = text
        }
        let detail = value["detail"].flatMap { $0 == .null ? nil : $0 }
        let known: Set<String> = ["gate", "action", "row", "reason", "source", "detail"]
        let extra = JSONValue.object((value.objectValue ?? []).filter { !known.contains($0.0) })
        self.init(gate: gate, action: action, row: row, source: source, reason: reason, detail: detail, config: config, extra: extra)
    }
}
