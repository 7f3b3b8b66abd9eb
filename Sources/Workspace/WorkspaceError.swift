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
    /// SQLite refused the index, with what kind of failure it was: the remedy differs (a full
    /// disk is not fixed by a rebuild, a damaged file is).
    case indexUnusable(path: String, failure: IndexFailure, detail: String)
    case sourceMissing(sha: String, path: String)
    /// A workspace folder that is a symbolic link, refused unless the config allows it.
    case symlinked(path: String, target: String)
    /// A stored source whose bytes no longer hash to its name: reading it would import rows
    /// nobody imported.
    case sourceChanged(sha: String, path: String, actual: String)
    /// A gate run's verdict file the log pins is missing, altered or malformed.
    case verdictFile(path: String, reason: String)
    /// The entries are in the log (fsynced: they stand), but applying them to the index failed.
    /// Callers must not treat this as "nothing happened": repeating the action would log it twice.
    case loggedButNotApplied(entries: [LogEntry], reason: String)
    /// The log does not hold what the index was built from: entries edited, removed, reordered
    /// or replaced. Nothing is applied and nothing rebuilt: the log is the truth, and a log that
    /// changed under the index is a log someone must look at.
    case logDisagrees(log: String, line: Int?, reason: String)
    /// A command that records something, in a workspace this user cannot write (`errno`: EACCES
    /// or EPERM for permissions, EROFS for a read-only mount). Said before anything is touched.
    case readOnlyWorkspace(path: String, errno: Int32)
    /// Rows whose import asked for gates no run has finished (see `RowIndex.pendingGateRows`),
    /// refused by `mix`.
    case gatesPending(rows: Int)
    /// The last gate run used other gate settings, or an older winnow's gates: the rows were
    /// not checked the way the mix would claim.
    case gatesStale
    /// The review queue was planned again under other settings while this process was
    /// building or using its plan (winnow.toml's review settings changed, or a reindex).
    case queuePlanChanged
    /// A move of the log into (or out of) a PostgreSQL store that cannot go on: nothing in the
    /// workspace was changed.
    case migration(reason: String)
    /// A store workspace whose settings are not the store's, or a store without settings.
    case storeConfig(reason: String)

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
        case let .indexUnusable(path, failure, detail):
            return "\(path): \(failure.advice) (\(detail))"
        case .index(let path, let reason):
            return "\(path): \(reason) (the index is derived: 'winnow reindex' rebuilds it from sources and the log)"
        case .sourceMissing(let sha, let path):
            return "\(path): source \(sha) named in the log is missing; the workspace is damaged (restore sources/ from a backup)"
        case let .symlinked(path, target):
            return "\(path) is a symbolic link to \(target): refused, since it moves the log or the sources out of the "
                + "workspace (replace it with a folder, or set [workspace] follow_symlinks = true if the link is deliberate)"
        case let .sourceChanged(sha, path, actual):
            return "\(path): the stored source no longer hashes to its name (\(sha.prefix(16))..., now \(actual.prefix(16))...): "
                + "it was changed after import; stopped before reading it (restore sources/ from a backup)"
        case let .logDisagrees(log, line, reason):
            return "\(log)\(line.map { ":\($0)" } ?? ""): \(reason); stopped before using it (nothing was changed). "
                + "'winnow log verify' names the first bad line; restore the log from a backup, or move index.sqlite "
                + "aside and run 'winnow reindex' only if the log as it is now is the one to trust"
        case let .readOnlyWorkspace(path, code):
            let why = code == EROFS ? "is on a read-only file system"
                : "is not writable by you (\(String(cString: strerror(code))))"
            return "\(path) \(why): this command records to the log and the index, so it needs write access to the "
                + "workspace; nothing was changed. Commands that only read work here: \(WorkspaceSession.readOnlyCommands)"
        case .migration(let reason):
            return "cannot move the log: \(reason)"
        case .storeConfig(let reason):
            return reason
        case .queuePlanChanged:
            return "the review queue was planned again meanwhile (winnow.toml's slices or review settings changed, or the "
                + "index was rebuilt): nothing was served from the old plan; start again to review under the current settings"
        case .gatesPending(let rows):
            return "\(WorkspaceError.pendingGatesFact(rows)): run 'winnow gates' to finish them first; nothing was built"
        case .gatesStale:
            return "the gates last ran with other settings than winnow.toml's [gates] and eval files, or before this winnow "
                + "added a gate (the pair gate): no row has been checked as a mix would claim; run 'winnow gates', then "
                + "build the mix again; nothing was built"
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

extension WorkspaceError {
    /// What every command says about pending gates (a warning, or `mix`'s refusal).
    public static func pendingGatesFact(_ rows: Int) -> String {
        "\(rows) imported row\(rows == 1 ? " has" : "s have") not been through the gates \(rows == 1 ? "its" : "their") import asked for "
            + "(an import stopped before its gates finished, or the index was rebuilt after a gate run that found nothing)"
    }

    /// The warning commands print to stderr while gates are pending.
    public static func pendingGatesWarning(_ rows: Int) -> String {
        pendingGatesFact(rows) + ": run 'winnow gates' to finish them (until then 'winnow mix' refuses, and "
            + "duplicates, blocklisted or contaminated rows among them are not flagged)"
    }
}

/// Why SQLite could not use the index, as far as a person needs to know to fix it.
public enum IndexFailure: Sendable, Equatable {
    case damaged, diskFull, readOnly, cannotOpen, busy, other
    /// A read-only command read the index without locks (it could not take them: see
    /// RowIndex+ReadOnly) and a writer rewrote it meanwhile.
    case changed

    /// SQLite's primary result code, sorted into what a person can do about it.
    public init(sqliteCode code: Int32) {
        switch code {
        case 11, 26: self = .damaged          // SQLITE_CORRUPT, SQLITE_NOTADB
        case 13: self = .diskFull              // SQLITE_FULL
        case 8: self = .readOnly               // SQLITE_READONLY
        case 3, 14, 23: self = .cannotOpen     // SQLITE_PERM, SQLITE_CANTOPEN, SQLITE_AUTH
        case 5, 6: self = .busy                // SQLITE_BUSY, SQLITE_LOCKED
        default: self = .other
        }
    }

    var advice: String {
        switch self {
        case .damaged:
            return "the index is damaged; 'winnow reindex' moves it aside and rebuilds it from sources/ and the log"
        case .diskFull:
            return "the disk is full; free space and run the command again (nothing logged was lost: the log is the record)"
        case .readOnly:
            return "the index is read-only here (file permissions, or a read-only mount); run the command as a user who can write it"
        case .cannotOpen:
            return "the index cannot be opened (permission denied, or something that is not a file in its place; "
                + "'winnow reindex' moves a folder in its place aside)"
        case .busy:
            return "another winnow process held the index for too long; run the command again"
        case .other:
            return "the index failed (it is derived: 'winnow reindex' rebuilds it from sources/ and the log)"
        case .changed:
            return "someone with write access changed the index while this command read it (read-only here, so "
                + "without locks); nothing was changed: run the command again"
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
