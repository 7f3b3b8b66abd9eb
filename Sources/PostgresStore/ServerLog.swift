import Foundation
import PostgresNIO
import ProvenanceLog
import WinnowCore

/// The store's provenance log as a client uses it: append through the server's function, read
/// entries after a point, and check every line the server hands back as `log verify` would
/// (canonical JSON, its hash, its place in the chain). A client never takes the server's word
/// for the chain: an entry that does not follow the one before it stops the work.
public struct ServerLog: Sendable {
    public let connection: ServerConnection
    var url: String { connection.url.text }

    /// Entries fetched per round trip when reading the log.
    public static let pageSize = 5000

    public init(_ connection: ServerConnection) {
        self.connection = connection
    }

    /// The schema version of the winnow store in this database, or nil when there is none.
    public func installedVersion() throws(StoreError) -> Int? {
        let doing = "look for a winnow store"
        let found = try connection.query("SELECT to_regclass('public.winnow_store') IS NOT NULL", doing: doing)
        guard try found.first?.value(at: 0, "exists", as: Bool.self, url: url, doing: doing) == true else { return nil }
        let rows = try connection.query("SELECT max(version) FROM public.winnow_store", doing: doing)
        return try rows.first.map { row throws(StoreError) in Int(try row.value(at: 0, "version", as: Int32.self, url: url, doing: doing)) }
    }

    /// Throws unless the database holds a store of the version this client speaks.
    public func requireInstalled() throws(StoreError) {
        guard let version = try installedVersion() else { throw .notInstalled(url: url) }
        try requireVersion(version)
    }

    /// Throws unless `version` (the installed store's) is the one this client speaks.
    public func requireVersion(_ version: Int) throws(StoreError) {
        guard version == ServerLogSchema.version else {
            let upgrade = ServerLogSchema.upgrades[version] != nil
                ? " (its owner upgrades it: winnow store upgrade URL)" : ""
            throw .unexpected(url: url, doing: "open the store",
                              reason: "its schema is version \(version); this winnow speaks version \(ServerLogSchema.version)" + upgrade)
        }
    }

    /// Brings a store of the version before up to this one (its owner, once): every statement
    /// in one transaction, the new version recorded last. Returns the version it started from;
    /// a store already at this version is left alone.
    @discardableResult
    public func upgrade() throws -> Int {
        guard let version = try installedVersion() else { throw StoreError.notInstalled(url: url) }
        guard version != ServerLogSchema.version else { return version }
        guard let statements = ServerLogSchema.upgrades[version] else { try requireVersion(version); return version }
        let doing = "upgrade the store from schema version \(version) to \(ServerLogSchema.version)"
        try connection.transaction(doing: doing) {
            // The functions run as their owner: only the role that owns the store's functions
            // may replace them or add new ones (a superuser's would run as a superuser).
            let owner = try connection.query("""
                SELECT pg_get_userbyid(p.proowner)::text, current_user::text FROM pg_proc p
                WHERE p.oid = 'public.winnow_claim(text, text, int, boolean)'::regprocedure
                """, doing: doing).first
            let owns = try owner.map { row throws(StoreError) in
                (try row.value(at: 0, "owner", as: String.self, url: url, doing: doing),
                 try row.value(at: 1, "current_user", as: String.self, url: url, doing: doing))
            }
            guard let owns, owns.0 == owns.1 else {
                throw StoreError.refused(url: url, doing: doing, sqlState: "42501",
                                         message: "only the store's owner (\(owns?.0 ?? "the role that created it")) upgrades it", detail: nil)
            }
            for statement in statements + ["INSERT INTO public.winnow_store VALUES (\(ServerLogSchema.version))"] {
                try connection.query(PostgresQuery(unsafeSQL: statement), doing: doing)
            }
        }
        return version
    }

    /// Creates the store (an admin, once): every statement in one transaction, so a refusal
    /// half-way leaves nothing behind.
    public func install() throws {
        if let version = try installedVersion() {
            throw StoreError.refused(url: url, doing: "create the store", sqlState: "42P07",
                                     message: "the database already holds a winnow store (schema version \(version))", detail: nil)
        }
        let doing = "create the store"
        try connection.transaction(doing: doing) {
            for statement in ServerLogSchema.statements {
                try connection.query(PostgresQuery(unsafeSQL: statement), doing: doing)
            }
        }
    }

    /// The last entry's seq and hash (seq 0 and the genesis hash for an empty log).
    public func head() throws(StoreError) -> LogHead {
        let doing = "read the log's head"
        let rows = try connection.query("SELECT seq, hash FROM public.winnow_log ORDER BY seq DESC LIMIT 1", doing: doing)
        guard let row = rows.first else { return .empty }
        return LogHead(seq: Int(try row.value(at: 0, "seq", as: Int64.self, url: url, doing: doing)),
                       hash: try row.value(at: 1, "hash", as: String.self, url: url, doing: doing))
    }

    /// The hash of entry `seq`, or nil when the log is shorter.
    public func hash(ofEntry seq: Int) throws(StoreError) -> String? {
        let doing = "read entry \(seq)"
        let rows = try connection.query("SELECT hash FROM public.winnow_log WHERE seq = \(Int64(seq))", doing: doing)
        return try rows.first.map { row throws(StoreError) in try row.value(at: 0, "hash", as: String.self, url: url, doing: doing) }
    }

    /// Appends `payloads` in one transaction, as the connection's role; the server writes each
    /// envelope. Returns the entries as written, in order. Entries other clients appended in
    /// the meantime are not among them: the seq of the first says where these landed.
    public func append(_ payloads: [any LogPayload], tool: String) throws -> [LogEntry] {
        try appendLines(payloads, tool: tool).map(\.entry)
    }

    /// `append`, with each entry's line as the server stored it. With `releasingDecidedRows`, a
    /// decision also gives back its row's claim by this role, in the same statement (the
    /// review queue releases a decided row at once; one round trip fewer a decision).
    ///
    /// One payload is one statement, atomic on its own: no BEGIN and COMMIT around it, two
    /// round trips fewer. Several are one transaction: all of them or none.
    public func appendLines(_ payloads: [any LogPayload], tool: String,
                            releasingDecidedRows: Bool = false) throws -> [(entry: LogEntry, line: String)] {
        guard !payloads.isEmpty else { return [] }
        for payload in payloads { try payload.validate() }
        let doing = "append to the log"
        func appendEach() throws -> [(entry: LogEntry, line: String)] {
            var entries: [(entry: LogEntry, line: String)] = []
            for payload in payloads {
                let fields = payload.toFields()
                let kind = type(of: payload).kind.rawValue
                let names = fields.map(\.0), values = fields.map { $0.1.canonicalString }
                let released = releasingDecidedRows ? (payload as? DecisionPayload)?.row : nil
                let rows = try connection.query("""
                    SELECT a.seq, a.line, CASE WHEN \(released)::text IS NULL THEN 0 ELSE public.winnow_release(\(released), NULL) END
                    FROM public.winnow_append(\(kind), \(tool), \(payload.gateName), \(names), \(values)) a
                    """, doing: doing)
                guard let row = rows.first else {
                    throw StoreError.unexpected(url: url, doing: doing, reason: "winnow_append returned no entry")
                }
                let seq = Int(try row.value(at: 0, "seq", as: Int64.self, url: url, doing: doing))
                let line = try row.value(at: 1, "line", as: String.self, url: url, doing: doing)
                let entry = try checked(line, seq: seq)
                if let last = entries.last?.entry, entry.seq != last.seq + 1 || entry.prev != last.hash {
                    throw StoreError.logMismatch(url: url, seq: entry.seq, reason: "the entry does not follow entry \(last.seq), appended just before it in the same transaction")
                }
                entries.append((entry, line))
            }
            return entries
        }
        return payloads.count == 1 ? try appendEach() : try connection.transaction(doing: doing) { try appendEach() }
    }

    /// Entry `head.seq` (nil when the log is shorter; checked only by seq and hash) and the
    /// entries after it, at most `limit`, each checked and chained from that entry: a replica's
    /// check against the store and its catch-up in one round trip.
    public func entries(from head: LogHead, limit: Int = ServerLog.pageSize) throws(StoreError)
        -> (hashAtHead: String?, page: [(entry: LogEntry, line: String)]) {
        guard head.seq > 0 else { return (LogEntry.genesisHash, try entries(after: head, limit: limit)) }
        let doing = "read the log from entry \(head.seq)"
        let rows = try connection.query("""
            SELECT seq, CASE WHEN seq = \(Int64(head.seq)) THEN hash ELSE line END FROM public.winnow_log
            WHERE seq >= \(Int64(head.seq)) ORDER BY seq LIMIT \(Int64(limit + 1))
            """, doing: doing)
        var hashAtHead: String?
        var lines: [(seq: Int, line: String)] = []
        for row in rows {
            let seq = Int(try row.value(at: 0, "seq", as: Int64.self, url: url, doing: doing))
            let text = try row.value(at: 1, "hash or line", as: String.self, url: url, doing: doing)
            if seq == head.seq { hashAtHead = text } else { lines.append((seq, text)) }
        }
        guard let hashAtHead else { return (nil, []) }
        return (hashAtHead, try chained(lines, after: LogHead(seq: head.seq, hash: hashAtHead), doing: doing))
    }

    /// Entries after `head`, oldest first, at most `limit`, each checked and chained from
    /// `head`: a log whose entry `head.seq + 1` does not chain to `head.hash` is not the log
    /// `head` came from.
    public func entries(after head: LogHead, limit: Int = ServerLog.pageSize) throws(StoreError) -> [(entry: LogEntry, line: String)] {
        let doing = "read the log after entry \(head.seq)"
        let rows = try connection.query("""
            SELECT seq, line FROM public.winnow_log WHERE seq > \(Int64(head.seq)) ORDER BY seq LIMIT \(Int64(limit))
            """, doing: doing)
        var lines: [(seq: Int, line: String)] = []
        lines.reserveCapacity(rows.count)
        for row in rows {
            lines.append((Int(try row.value(at: 0, "seq", as: Int64.self, url: url, doing: doing)),
                          try row.value(at: 1, "line", as: String.self, url: url, doing: doing)))
        }
        return try chained(lines, after: head, doing: doing)
    }

    /// Lines read from the store, each checked, the first chained to `head` and each to the one
    /// before.
    func chained(_ lines: [(seq: Int, line: String)], after head: LogHead, doing: String) throws(StoreError)
        -> [(entry: LogEntry, line: String)] {
        var previous = head
        var result: [(entry: LogEntry, line: String)] = []
        result.reserveCapacity(lines.count)
        for (seq, line) in lines {
            let entry = try checked(line, seq: seq)
            guard entry.seq == previous.seq + 1 else {
                throw .logMismatch(url: url, seq: entry.seq, reason: "expected entry \(previous.seq + 1) next (a row is missing)")
            }
            guard entry.prev == previous.hash else {
                throw .logMismatch(url: url, seq: entry.seq, reason: "its prev is \(entry.prev) but entry \(previous.seq) hashes to \(previous.hash)")
            }
            previous = LogHead(seq: entry.seq, hash: entry.hash)
            result.append((entry, line))
        }
        return result
    }

    /// Calls `body` with every entry after `head`; returns the last head.
    @discardableResult
    public func forEachEntry(after head: LogHead, _ body: (LogEntry, String) throws -> Void) throws -> LogHead {
        try forEachPage(after: head) { page in
            for (entry, line) in page { try body(entry, line) }
        }
    }

    /// Calls `body` with the entries after `head`, a page (`pageSize`) at a time, each page
    /// chained to the last; returns the last head.
    @discardableResult
    public func forEachPage(after head: LogHead, _ body: ([(entry: LogEntry, line: String)]) throws -> Void) throws -> LogHead {
        var position = head
        while true {
            let page = try entries(after: position)
            guard let last = page.last else { return position }
            try body(page)
            position = LogHead(seq: last.entry.seq, hash: last.entry.hash)
        }
    }

    /// Adds entries written elsewhere, as they are (`store migrate`; the admin only, see
    /// `winnow_adopt`), in one transaction: all of them or none. With `expecting`, the whole log
    /// is read back inside that transaction and must be exactly those lines, or nothing commits.
    public func adopt(lines: [String], expecting whole: [String]? = nil, batch: Int = 1000) throws {
        let doing = "adopt entries into the log"
        try connection.transaction(doing: doing) {
            var start = 0
            while start < lines.count {
                let chunk = Array(lines[start..<min(start + batch, lines.count)])
                try connection.query("SELECT public.winnow_adopt_all(\(chunk))", doing: doing)
                start += chunk.count
            }
            if let whole {
                var stored: [String] = []
                try forEachEntry(after: .empty) { _, line in stored.append(line) }
                guard stored == whole else {
                    throw StoreError.logMismatch(url: url, seq: zip(stored, whole).prefix { $0 == $1 }.count + 1,
                                                 reason: "the log read back is not the one adopted; rolled back")
                }
            }
        }
    }

    /// A line the server stored, checked completely; `seq` is the row's own column, which
    /// must agree with the line.
    func checked(_ line: String, seq: Int) throws(StoreError) -> LogEntry {
        let entry: LogEntry
        do {
            entry = try LogEntry(parsing: Array(line.utf8))
        } catch {
            throw .logMismatch(url: url, seq: seq, reason: "the stored line is not a valid entry: \(error.message)")
        }
        guard entry.seq == seq else {
            throw .logMismatch(url: url, seq: seq, reason: "the row says entry \(seq) but its line says \(entry.seq)")
        }
        return entry
    }
}
