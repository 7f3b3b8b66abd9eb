import WinnowCore

/// The kinds of entry winnow writes. An entry's `kind` is kept as text so that a log written by
/// a newer winnow still reads and verifies; `LogEntry.knownKind` says whether this one knows it.
public enum LogKind: String, Sendable, CaseIterable {
    case `import`, gate, decision, revert, retract, mix
    /// A source already imported, read again with other import options (`winnow import --reread`).
    case reread
    /// One gate run: its verdicts live in a content-addressed file the entry pins by hash.
    case gateRun = "gate-run"
}

/// One line of the provenance log: the envelope every entry shares, plus the whole object.
///
/// The envelope (v, seq, prev, ts, actor, tool, kind, hash) is decoded into properties because
/// replay and `log show` need it for every entry; everything else stays in `raw`, so fields
/// this version does not know survive reading and rewriting untouched.
public struct LogEntry: Sendable, Equatable {
    public static let version = 1
    /// The prev of entry 1.
    public static let genesisHash = String(repeating: "0", count: 64)
    /// Member names the envelope owns; a payload may not use them.
    public static let envelopeNames: Set<String> = Set(LineChecker.envelopeNames)

    /// The whole entry, hash included.
    public let raw: JSONValue
    public let seq: Int
    public let prev: String
    public let ts: String
    public let actor: LogActor
    public let tool: String
    public let kind: String
    public let hash: String
    /// Where the entry was read from, when it was read from a file.
    public var location: SourceLocation?

    public static func == (lhs: LogEntry, rhs: LogEntry) -> Bool { lhs.raw == rhs.raw }

    public var knownKind: LogKind? { LogKind(rawValue: kind) }

    /// The kind's own fields: every member but the envelope, in stored order.
    public var fields: [(String, JSONValue)] {
        (raw.objectValue ?? []).filter { !LogEntry.envelopeNames.contains($0.0) }
    }

    public subscript(field: String) -> JSONValue? { raw[field] }

    /// The bytes of the entry's line: canonical JSON and a newline.
    public var line: [UInt8] { raw.canonicalBytes + [0x0A] }

    private init(raw: JSONValue, seq: Int, actor: LogActor, location: SourceLocation?) {
        self.raw = raw
        self.seq = seq
        self.prev = raw["prev"]?.stringValue ?? ""
        self.ts = raw["ts"]?.stringValue ?? ""
        self.actor = actor
        self.tool = raw["tool"]?.stringValue ?? ""
        self.kind = raw["kind"]?.stringValue ?? ""
        self.hash = raw["hash"]?.stringValue ?? ""
        self.location = location
    }

    /// The entry a checker has just accepted (its tape holds `line`), for the verifier's payload
    /// check; nil if the tape does not decode (the checker would have said so first).
    static func checked(_ line: UnsafeBufferPointer<UInt8>, checker: LineChecker, seq: Int) -> LogEntry? {
        guard let raw = try? checker.tape.value(0, source: line) else { return nil }
        return LogEntry(raw: raw, seq: seq, actor: LogActor(json: raw["actor"] ?? .null) ?? LogActor(uid: 0, user: "", host: ""),
                        location: nil)
    }

    /// What a reader of this entry's kind would refuse it for, if anything: the payload read as
    /// its type and validated. Kinds this version does not know pass (a newer winnow wrote them).
    public var payloadProblem: LogProblem? {
        do throws(LogError) {
            switch knownKind {
            case .import: try payload(ImportPayload.self).validate()
            case .reread: try payload(RereadPayload.self).validate()
            case .gate: try payload(GatePayload.self).validate()
            case .decision: try payload(DecisionPayload.self).validate()
            case .revert: try payload(RevertPayload.self).validate()
            case .retract: try payload(RetractPayload.self).validate()
            case .mix: try payload(MixPayload.self).validate()
            case .gateRun: try payload(GateRunPayload.self).validate()
            case nil: break
            }
            return nil
        } catch {
            switch error {
            case let .badPayload(_, _, kind, field, problem): return .badPayload(kind: kind, field: field, problem: problem)
            case let .invalidPayload(kind, reason): return .badPayload(kind: kind, field: "", problem: reason)
            default: return .badPayload(kind: kind, field: "", problem: error.message)
            }
        }
    }

    /// Reads one line (without its newline) and checks it completely: JSON, canonical form,
    /// envelope and hash. Chain and sequence need the line before; `LogVerifier` checks those.
    public init(parsing line: [UInt8], location: SourceLocation? = nil) throws(LogError) {
        var checker = LineChecker()
        var result: Result<LogEntry, LogProblem>!
        line.withUnsafeBufferPointer { buffer in
            do throws(LogProblem) {
                result = .success(try LogEntry.decode(buffer, checker: &checker, full: true, location: location))
            } catch {
                result = .failure(error)
            }
        }
        switch result! {
        case .success(let entry): self = entry
        case .failure(let problem):
            throw .corrupt(LogFailure(file: location?.file ?? "entry", line: location?.line ?? 0, problem: problem))
        }
    }

    /// Decodes a line the checker accepts. `full` also checks canonical form and hash.
    static func decode(
        _ line: UnsafeBufferPointer<UInt8>, checker: inout LineChecker, full: Bool, location: SourceLocation?
    ) throws(LogProblem) -> LogEntry {
        let fields = try checker.check(line, full: full)
        if let problem = fields.hashProblem { throw problem }
        let raw: JSONValue
        do throws(CanonicalizationError) {
            raw = try checker.tape.value(0, source: line)
        } catch {
            throw .badJSON(reason: error.reason, column: 1)
        }
        // The checker has already confirmed the actor's shape.
        let actor = LogActor(json: raw["actor"] ?? .null) ?? LogActor(uid: 0, user: "", host: "")
        return LogEntry(raw: raw, seq: fields.seq, actor: actor, location: location)
    }

    /// Builds an entry and its line: the envelope, the payload's fields, and the hash of the
    /// canonical form without "hash".
    ///
    /// Used by `LogFile.append` under the lock; public so benchmarks and test fixtures can build
    /// a valid chain quickly without fsyncing each entry.
    public static func seal(
        seq: Int, prev: String, ts: String, actor: LogActor, tool: String, kind: String,
        fields: [(String, JSONValue)]
    ) throws(LogError) -> (entry: LogEntry, line: [UInt8]) {
        var seen = Set<String>()
        for (name, _) in fields {
            guard !envelopeNames.contains(name) else {
                throw .invalidPayload(kind: kind, reason: "field \"\(name)\" belongs to the entry envelope")
            }
            guard seen.insert(name).inserted else {
                throw .invalidPayload(kind: kind, reason: "field \"\(name)\" appears twice")
            }
        }
        guard seq > 0, ContentHash.isValidHex(prev), !kind.isEmpty, LogTimestamp.isValid(ts) else {
            throw .invalidPayload(kind: kind, reason: "seq \(seq), prev \(prev), ts \(ts) do not form a valid envelope")
        }
        let envelope: [(String, JSONValue)] = [
            ("v", .int(version)), ("seq", .int(seq)), ("prev", .string(prev)), ("ts", .string(ts)),
            ("actor", actor.json), ("tool", .string(tool)), ("kind", .string(kind)),
            ("hash", .string(genesisHash)),
        ]
        let placeholder = JSONValue.object(envelope + fields)
        // Canonical bytes with a placeholder hash, then the real hash written over it in place:
        // one serialisation instead of two.
        var line = placeholder.canonicalBytes
        var checker = LineChecker()
        var hash = ""
        var sorted = JSONValue.null
        var failure: LogProblem?
        line.withUnsafeMutableBufferPointer { buffer in
            let view = UnsafeBufferPointer(buffer)
            do throws(LogProblem) {
                let located = try checker.check(view, full: false)
                hash = LineChecker.hash(view, cutting: located.cut)
                for (offset, byte) in hash.utf8.enumerated() { buffer[located.hash.lowerBound + offset] = byte }
                // Members in canonical order, so an entry equals itself read back from disk.
                sorted = (try? checker.tape.value(0, source: view)) ?? placeholder
            } catch {
                failure = error
            }
        }
        if let failure {
            throw .invalidPayload(kind: kind, reason: "the entry does not form a valid line (\(failure.description))")
        }
        line.append(0x0A)
        let raw = sorted.setting("hash", to: .string(hash))
        return (LogEntry(raw: raw, seq: seq, actor: actor, location: nil), line)
    }
}
