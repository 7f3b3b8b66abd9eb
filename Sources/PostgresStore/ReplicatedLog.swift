import Foundation
import ProvenanceLog
import WinnowCore

/// Who this connection is, as the server authenticated it: the actor its entries carry.
public struct StoreIdentity: Sendable, Equatable {
    /// The role's OID: the actor's `uid` in every entry this role appends.
    public var uid: Int
    /// The role's name (`session_user`).
    public var user: String
    /// The database's name: the actor's `host`.
    public var database: String
    /// Every role this role is a member of, directly or not: what a slice's `group` names on
    /// this store.
    public var roles: Set<String>

    public var actor: LogActor { LogActor(uid: uid, user: user, host: database) }
}

/// A workspace log that lives in a PostgreSQL store, with a replica on this box.
///
/// The store's log is the truth: entries are appended there, by the server, which writes their
/// envelope and chains them in the order they arrive from every box. The workspace's
/// `log/provenance.jsonl` is a replica, byte for byte the store's entries, so everything that
/// reads the log file (the index's catch-up, `log verify`, the mixer, `mix verify`) works on
/// either store unchanged. Before a command uses the replica it is checked against the store:
/// its last entry must be the store's entry of the same seq (same hash, which commits to every
/// entry before it), so a replica edited on this box, or a store whose history was rewritten or
/// cut short, stops the command; then the entries it lacks are copied in, each checked.
///
/// An append goes to the store first and counts as done when the server commits. The replica is
/// then brought up to and past the new entries (others' included); if that copy fails, the
/// entries are still in the store and the next command copies them.
public final class ReplicatedLog: LogAppender, @unchecked Sendable {
    public let server: ServerLog
    public let files: ServerFiles
    public let claims: ServerClaims
    public let config: ServerConfig
    public let replica: LogFile
    public let identity: StoreIdentity
    let tool: String
    /// The files (SHA-256, path on this box) an entry of a payload pins: stored in the server
    /// before the entry is appended, so no box ever replays an entry whose file it cannot get.
    public var pinnedFiles: (@Sendable (any LogPayload) -> [(sha: String, path: String)])?

    private init(server: ServerLog, replica: LogFile, identity: StoreIdentity, tool: String) {
        self.server = server
        self.files = ServerFiles(server.connection)
        self.claims = ServerClaims(server.connection)
        self.config = ServerConfig(server.connection)
        self.replica = replica
        self.identity = identity
        self.tool = tool
    }

    /// Connects, checks the store's schema and who we are, and brings the replica up to date
    /// (unless it was opened read-only: then it is only checked).
    public static func open(_ url: StoreURL, replica: LogFile, tool: String) throws -> ReplicatedLog {
        let server = ServerLog(try ServerConnection.connect(url))
        try server.requireInstalled()
        let log = ReplicatedLog(server: server, replica: replica, identity: try identity(of: server), tool: tool)
        try log.catchUp()
        return log
    }

    static func identity(of server: ServerLog) throws(StoreError) -> StoreIdentity {
        let doing = "ask the store who this role is"
        let rows = try server.connection.query("""
            SELECT r.oid::bigint, session_user::text, current_database()::text,
                   ARRAY(SELECT m.rolname::text FROM pg_roles m
                         WHERE m.rolname <> session_user AND pg_has_role(session_user, m.oid, 'MEMBER'))
            FROM pg_roles r WHERE r.rolname = session_user
            """, doing: doing)
        guard let row = rows.first else {
            throw .unexpected(url: server.url, doing: doing, reason: "the role is not in pg_roles")
        }
        let url = server.url
        return StoreIdentity(
            uid: Int(try row.value(at: 0, "oid", as: Int64.self, url: url, doing: doing)),
            user: try row.value(at: 1, "session_user", as: String.self, url: url, doing: doing),
            database: try row.value(at: 2, "current_database", as: String.self, url: url, doing: doing),
            roles: Set(try row.value(at: 3, "roles", as: [String].self, url: url, doing: doing)))
    }

    /// Checks the replica against the store and copies in the entries it lacks; returns how
    /// many. A read-only replica is checked, and how far behind it is reported by `behind`.
    /// The check and the first page of new entries are one round trip (`entries(from:)`): this
    /// runs before every command, every served row and every decision.
    @discardableResult
    public func catchUp() throws -> Int {
        let local = try replica.head()
        let (theirs, page) = try server.entries(from: local)
        guard let theirs else {
            throw StoreError.logMismatch(
                url: server.url, seq: local.seq,
                reason: "this box's copy (\(replica.displayPath)) holds \(local.seq) entries but the store only \(try server.head().seq):"
                    + " entries were removed from the store, or this copy belongs to another store")
        }
        guard theirs == local.hash else {
            throw StoreError.logMismatch(
                url: server.url, seq: local.seq,
                reason: "this box's copy (\(replica.displayPath)) is not the store's log: its entry \(local.seq) hashes to"
                    + " \(local.hash), the store's to \(theirs) (one of the two was rewritten)")
        }
        guard !replica.readOnly, let last = page.last else { return 0 }
        var added = try replica.appendReplicated(page)
        if page.count >= ServerLog.pageSize {
            try server.forEachPage(after: LogHead(seq: last.entry.seq, hash: last.entry.hash)) { more in
                added += try replica.appendReplicated(more)
            }
        }
        return added
    }

    /// How many entries the store holds that the replica does not (for a read-only replica).
    public func behind() throws -> Int {
        max(0, try server.head().seq - replica.head().seq)
    }

    public func head() throws -> LogHead { try replica.head() }

    public func append(_ payloads: [any LogPayload]) throws -> [LogEntry] {
        guard !payloads.isEmpty else { return [] }
        guard !replica.readOnly else { throw LogError.readOnly(file: replica.displayPath) }
        for payload in payloads {
            for file in pinnedFiles?(payload) ?? [] { try files.put(file.sha, from: file.path) }
        }
        // A decision gives its row's claim back in the same statement (see ServerLog.appendLines).
        let written = try server.appendLines(payloads, tool: tool, releasingDecidedRows: true)
        let entries = written.map(\.entry)
        do {
            var position = try replica.head()
            // Nothing logged elsewhere in between: the entries follow this copy's head, no need
            // to read them back.
            if entries[0].seq == position.seq + 1 && entries[0].prev == position.hash {
                try replica.appendReplicated(written)
                position = try replica.head()
            }
            while let last = entries.last, position.seq < last.seq {
                let page = try server.entries(after: position)
                guard let end = page.last else { break }
                try replica.appendReplicated(page)
                position = LogHead(seq: end.entry.seq, hash: end.entry.hash)
            }
        } catch {
            throw StoreError.notReplicated(url: server.url, first: entries[0].seq, last: entries[entries.count - 1].seq,
                                           replica: replica.displayPath, reason: (error as? UserFacingError)?.message ?? "\(error)")
        }
        return entries
    }
}
