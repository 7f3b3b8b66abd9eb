import ProvenanceLog
import WinnowCore

/// Everything that can go wrong with a workspace, with the file (and line) it concerns.
public enum WorkspaceError: UserFacingError {
    case notFound(searchedFrom: String)
    case alreadyExists(String)
    case config(SourceLocation, String)
    case io(path: String, action: String, errno: Int32)
    case input(path: String, reason: String)
    case index(path: String, reason: String)
    case sourceMissing(sha: String, path: String)
    /// A gate run's verdict file the log pins is missing, altered or malformed.
    case verdictFile(path: String, reason: String)
    /// The entries are in the log (fsynced: they stand), but applying them to the index failed.
    /// Callers must not treat this as "nothing happened": repeating the action would log it twice.
    case loggedButNotApplied(entries: [LogEntry], reason: String)

    public var message: String {
        switch self {
        case .notFound(let dir):
            return "no winnow workspace here: no winnow.toml in \(dir) or any folder above it "
                + "(create one with 'winnow init', or name one with --workspace DIR or WINNOW_WORKSPACE)"
        case .alreadyExists(let path):
            return "\(path) already holds a winnow workspace; refusing to overwrite it"
        case .config(let location, let reason):
            return "\(location): \(reason)"
        case .io(let path, let action, let code):
            return "\(path): could not \(action): \(String(cString: strerror(code)))"
        case .input(let path, let reason):
            return "\(path): \(reason)"
        case .index(let path, let reason):
            return "\(path): \(reason) (the index is derived: 'winnow reindex' rebuilds it from sources and the log)"
        case .sourceMissing(let sha, let path):
            return "\(path): source \(sha) named in the log is missing; the workspace is damaged (restore sources/ from a backup)"
        case let .verdictFile(path, reason):
            return "\(path): \(reason); the workspace is damaged (restore gates/ from a backup; "
                + "'winnow log verify' checks every verdict file)"
        case let .loggedButNotApplied(entries, reason):
            let seqs = entries.map(\.seq)
            let which = seqs.count == 1 ? "#\(seqs[0])" : "#\(seqs.first ?? 0)-#\(seqs.last ?? 0)"
            return "recorded in the log as \(which), but the index was not updated (\(reason)); it catches up "
                + "the next time the workspace is opened ('winnow reindex' rebuilds it): do not repeat the action"
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
