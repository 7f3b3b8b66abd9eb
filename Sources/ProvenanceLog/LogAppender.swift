/// Where a workspace's entries are appended: the log file itself (a file workspace), or a
/// PostgreSQL store that writes each entry and a replica of it on this box (PostgresStore's
/// `ReplicatedLog`). Either way `append` returns only once the entries are durable where the
/// truth is kept, and `head` is the last entry the caller can read back from the log file.
public protocol LogAppender: AnyObject, Sendable {
    /// Appends the entries, in order, and returns them as written (envelope included). Entries
    /// written by others in the meantime may come before them: the first one's seq says.
    func append(_ payloads: [any LogPayload]) throws -> [LogEntry]
    /// The last entry of the log (the file's, for a replica brought up to date).
    func head() throws -> LogHead
}

extension LogAppender {
    /// Appends one entry.
    @discardableResult
    public func append(_ payload: some LogPayload) throws -> LogEntry {
        try append([payload as any LogPayload])[0]
    }
}
