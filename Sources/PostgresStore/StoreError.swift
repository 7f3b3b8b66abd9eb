import WinnowCore

/// What can go wrong talking to a PostgreSQL store, in words a reviewer or an admin acts on.
/// Every case names the store (its URL as written) and, for the server's refusals, the server's
/// own message and SQLSTATE: "permission denied" from the server is the answer, not a bug.
public enum StoreError: UserFacingError, Equatable {
    /// The URL cannot be read: which part, and why.
    case badURL(url: String, part: String, reason: String)
    /// No connection: the server is down, the socket is missing, authentication failed.
    case unreachable(url: String, reason: String)
    /// The server refused a statement (permissions, the log's guard, a constraint).
    case refused(url: String, doing: String, sqlState: String, message: String, detail: String?)
    /// The connection broke while a statement was running: whether it took effect is unknown
    /// until the log is read again.
    case lost(url: String, doing: String, reason: String)
    /// The server answered with something this client does not expect (a schema from another
    /// version, a value of the wrong type).
    case unexpected(url: String, doing: String, reason: String)
    /// The database holds no winnow store (`winnow store init` creates one).
    case notInstalled(url: String)
    /// The server's log disagrees with a copy of it: where, and how.
    case logMismatch(url: String, seq: Int, reason: String)
    /// Entries the store committed that could not be copied to this box's replica: they are
    /// saved, and the next command copies them.
    case notReplicated(url: String, first: Int, last: Int, replica: String, reason: String)

    public var message: String {
        switch self {
        case let .badURL(url, part, reason):
            return "store URL \(url): \(part): \(reason)"
        case let .unreachable(url, reason):
            return "cannot connect to the store at \(url): \(reason)"
        case let .refused(url, doing, state, message, detail):
            return "the store at \(url) refused to \(doing): \(message) (SQLSTATE \(state))"
                + (detail.map { "\n  \($0)" } ?? "")
        case let .lost(url, doing, reason):
            return "the connection to \(url) broke while trying to \(doing): \(reason);"
                + " it may or may not have been done (the store's log says which)"
        case let .unexpected(url, doing, reason):
            return "the store at \(url) gave an unexpected answer while trying to \(doing): \(reason)"
        case let .notInstalled(url):
            return "\(url) holds no winnow store (no winnow_log table); an admin creates one with `winnow store init \(url)`"
        case let .logMismatch(url, seq, reason):
            return "the log in \(url) disagrees at entry \(seq): \(reason); nothing was written"
        case let .notReplicated(url, first, last, replica, reason):
            let which = first == last ? "entry \(first) was" : "entries \(first)-\(last) were"
            return "\(which) saved in the store at \(url), but copying to \(replica) failed: \(reason);"
                + " the next command copies them"
        }
    }

    /// SQLSTATE 42501, insufficient_privilege: the server said this role may not.
    public var isPermissionDenied: Bool {
        if case let .refused(_, _, state, _, _) = self { return state == "42501" }
        return false
    }
}

extension StoreError: CustomStringConvertible {
    public var description: String { message }
}
