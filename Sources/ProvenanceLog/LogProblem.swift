/// What is wrong with one line of the provenance log.
///
/// `LogVerifier` reports the first line with a problem; `LogFile.open` and `LogReader` throw one
/// inside `LogError.corrupt`. The cases are ordered the way a line is checked (JSON, canonical
/// form, envelope, sequence, chain, hash), so the reason given is the most basic one that applies:
/// a line that is not even JSON is reported as such, not as "bad hash".
public enum LogProblem: Error, Sendable, Equatable {
    /// The line is not one JSON value (the parser's reason and the byte column, 1-based).
    case badJSON(reason: String, column: Int)
    /// Valid JSON but not byte-for-byte canonical: written by hand or by another tool.
    case notCanonical
    /// The line is valid JSON but not an object.
    case notAnObject
    /// `v` is not 1 (the text found).
    case wrongVersion(found: String)
    case missingField(String)
    /// A field of the envelope has the wrong type or shape (name, what was expected).
    case wrongField(String, expected: String)
    /// seq must equal the line number: a line was deleted, duplicated or moved.
    case wrongSeq(expected: Int, found: Int)
    /// prev does not equal the hash of the line before.
    case brokenChain(expected: String, found: String)
    /// The stored hash is not the hash of the entry: the entry was edited after it was written.
    case badHash(computed: String, stored: String)
    /// The envelope and hash are sound but the entry's own fields are not what every reader of
    /// its kind requires (a missing or mistyped field, a hash that is not 64 hex digits).
    case badPayload(kind: String, field: String, problem: String)
    /// The file ends without a newline: an interrupted write (the bytes after the last newline).
    case tornTail(bytes: Int)

    /// Checking order; the first failing check is the one reported.
    var rank: Int {
        switch self {
        case .badJSON, .notAnObject: return 0
        case .notCanonical: return 1
        case .wrongVersion, .missingField, .wrongField: return 2
        case .wrongSeq: return 3
        case .brokenChain: return 4
        case .badHash: return 5
        case .badPayload: return 6
        case .tornTail: return 7
        }
    }

    /// Rank of `brokenChain`, for merging results computed in parallel.
    static let chainRank = 4

    public var description: String {
        switch self {
        case let .badJSON(reason, column): return "not valid JSON: \(reason) (column \(column))"
        case .notCanonical:
            return "not in canonical form (the line was re-serialised or edited by hand)"
        case .notAnObject: return "not a JSON object"
        case let .wrongVersion(found): return "wrong version: \"v\" is \(found), expected 1"
        case let .missingField(name): return "missing field \"\(name)\""
        case let .wrongField(name, expected): return "field \"\(name)\" is not \(expected)"
        case let .wrongSeq(expected, found):
            return "wrong seq: expected \(expected), found \(found) (a line was deleted, duplicated or moved)"
        case let .brokenChain(expected, found):
            return "broken chain: prev is \(found) but the line before hashes to \(expected)"
        case let .badHash(computed, stored):
            return "bad hash: the entry hashes to \(computed) but says \(stored) (it was edited)"
        case let .badPayload(kind, field, problem):
            return "a \(kind) entry every reader refuses: \(field.isEmpty ? "" : "\"\(field)\" ")\(problem)"
        case let .tornTail(bytes):
            return "torn tail: the last \(bytes) bytes have no newline (an interrupted write)"
        }
    }
}

/// The first bad line of a log file, as reported by verify, open and the reader.
public struct LogFailure: Sendable, Equatable, CustomStringConvertible {
    /// The log as named in messages (e.g. "log/provenance.jsonl").
    public var file: String
    /// 1-based line number.
    public var line: Int
    public var problem: LogProblem

    public init(file: String, line: Int, problem: LogProblem) {
        self.file = file
        self.line = line
        self.problem = problem
    }

    public var description: String { "\(file):\(line): \(problem.description)" }
}

/// Outcome of `LogVerifier.verify`.
public enum LogVerification: Sendable, Equatable {
    /// Every line checks out; `headSeq` equals `count` and `headHash` is the last entry's hash
    /// (64 zeros for an empty log).
    case ok(count: Int, headSeq: Int, headHash: String)
    case failed(LogFailure)

    public var isOK: Bool {
        if case .ok = self { return true }
        return false
    }

    /// The failure, if any.
    public var failure: LogFailure? {
        if case let .failed(failure) = self { return failure }
        return nil
    }
}
