import Foundation
import PostgresNIO
import WinnowCore

/// One pushed version of the store's configuration.
public struct StoreConfigVersion: Sendable, Equatable {
    public var version: Int
    /// The `winnow.toml` text as pushed.
    public var text: String
    /// What a box's own `winnow.toml` must hash to (`WorkspaceConfig.configHash`).
    public var sha: String
    public var pushedBy: String
    public var pushedAt: String
}

/// The configuration kept in the server (see `ServerLogSchema.configStatements`).
public struct ServerConfig: Sendable {
    public let connection: ServerConnection
    var url: String { connection.url.text }

    public init(_ connection: ServerConnection) {
        self.connection = connection
    }

    /// The newest version, or nil when none was pushed.
    public func latest() throws(StoreError) -> StoreConfigVersion? {
        let doing = "read the store's configuration"
        let rows = try connection.query("""
            SELECT version, text, sha, pushed_by::text, to_char(pushed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
            FROM public.winnow_config ORDER BY version DESC LIMIT 1
            """, doing: doing)
        guard let row = rows.first else { return nil }
        return StoreConfigVersion(
            version: Int(try row.value(at: 0, "version", as: Int64.self, url: url, doing: doing)),
            text: try row.value(at: 1, "text", as: String.self, url: url, doing: doing),
            sha: try row.value(at: 2, "sha", as: String.self, url: url, doing: doing),
            pushedBy: try row.value(at: 3, "pushed_by", as: String.self, url: url, doing: doing),
            pushedAt: try row.value(at: 4, "pushed_at", as: String.self, url: url, doing: doing))
    }

    /// Adds a version (the owner only; a reviewer's role is refused by the server): the text,
    /// its settings' hash, the slices' roles and the longest lease the server will grant.
    /// Returns its number.
    public func push(text: String, sha: String, sliceRoles: [String: String], leaseSeconds: Int) throws(StoreError) -> Int {
        let doing = "push the configuration"
        let roles = JSONValue.object(sliceRoles.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) }).canonicalString
        let rows = try connection.query("""
            INSERT INTO public.winnow_config(version, text, sha, slice_roles, lease_seconds)
            SELECT coalesce(max(version), 0) + 1, \(text), \(sha), \(roles)::jsonb, \(Int32(clamping: leaseSeconds)) FROM public.winnow_config
            RETURNING version
            """, doing: doing)
        guard let row = rows.first else { throw .unexpected(url: url, doing: doing, reason: "no version came back") }
        return Int(try row.value(at: 0, "version", as: Int64.self, url: url, doing: doing))
    }
}
