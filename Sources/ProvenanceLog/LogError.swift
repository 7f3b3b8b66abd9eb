import Foundation
import WinnowCore

/// Everything that can go wrong reading or writing the provenance log, in words a reviewer can
/// act on. Each message names the file (as the workspace shows it, e.g. "log/provenance.jsonl")
/// and, where there is one, the line.
public enum LogError: UserFacingError, Equatable {
    /// A system call failed (what was being done, errno).
    case io(file: String, operation: String, errno: Int32)
    /// A line before the tail is bad, so the log cannot be trusted: nothing is written.
    case corrupt(LogFailure)
    /// An earlier write or fdatasync failed with an I/O error; the kernel may have dropped the
    /// data, so this process writes nothing more to the log.
    case writesStopped(file: String, detail: String, sinceSeq: Int)
    /// The file at the log's path is no longer the one this process opened (moved, replaced).
    case replaced(file: String)
    /// A payload could not be read from an entry (a field missing or of the wrong type).
    case badPayload(location: SourceLocation?, seq: Int, kind: String, field: String, problem: String)
    /// A payload could not be written (for instance it uses a name the envelope owns).
    case invalidPayload(kind: String, reason: String)
    /// An append to a log opened read-only (`LogFile.openReadOnly`): a command that only reads
    /// tried to write, which is a bug, refused before anything is written.
    case readOnly(file: String)

    public var message: String {
        switch self {
        case let .io(file, operation, code):
            return "\(file): \(operation) failed: \(LogError.describe(errno: code))"
        case let .corrupt(failure):
            return failure.description
                + "\nthe log cannot be trusted past this line; nothing was written."
                + " Run `winnow log verify` for details."
        case let .writesStopped(file, detail, sinceSeq):
            return "writes stopped after an I/O error on \(file): \(detail)"
                + " (entries since seq \(sinceSeq) may not be on disk)"
        case let .replaced(file):
            return "\(file): the file was moved or replaced while winnow had it open; nothing was written"
        case let .badPayload(location, seq, kind, field, problem):
            let place = location.map { "\($0): " } ?? ""
            return "\(place)\(kind) entry (seq \(seq)): field \"\(field)\" \(problem)"
        case let .invalidPayload(kind, reason):
            return "cannot write a \(kind) entry: \(reason)"
        case let .readOnly(file):
            return "\(file) was opened read-only (by a command that only reads); nothing was written"
        }
    }

    static func describe(errno code: Int32) -> String {
        String(cString: strerror(code))
    }

    /// An `.io` error for the current `errno`.
    static func lastIO(_ file: String, _ operation: String) -> LogError {
        .io(file: file, operation: operation, errno: errno)
    }
}

extension LogError: CustomStringConvertible {
    public var description: String { message }
}
