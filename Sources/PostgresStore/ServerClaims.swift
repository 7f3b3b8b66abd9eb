import Foundation
import PostgresNIO

/// The server's answer to a claim: granted, or whose screen the row is on and for how long
/// (the server's clock, told as seconds left, so a box with a skewed clock still waits right).
public enum ServerClaimAnswer: Sendable, Equatable {
    case granted(seconds: Double)
    case heldByAnother(role: String, uid: Int, seconds: Double)
}

/// Claims on rows, by the server's clock (see `ServerLogSchema.claimStatements`).
///
/// A claim or a release commits without waiting for the server's disk (`synchronous_commit`
/// off for that one statement's transaction, set in the statement itself: no extra round trip).
/// Every other box sees it at once; what a server crash can lose is the last few hundred
/// milliseconds of claims, after which those rows may be served again: a lease, not a record.
/// The decisions themselves are committed durably, and their WAL carries every claim before
/// them to disk. One disk flush a served row fewer is a third of the server's flushes for a
/// next+decide.
public struct ServerClaims: Sendable {
    public let connection: ServerConnection
    var url: String { connection.url.text }

    public init(_ connection: ServerConnection) {
        self.connection = connection
    }

    /// Claims `row` for this role's process `holder` for `seconds`; a renewal when it holds it
    /// already. With `anyProcess`, a claim this role holds from another process is taken over.
    public func claim(_ row: String, holder: String, seconds: Int, anyProcess: Bool = false) throws(StoreError) -> ServerClaimAnswer {
        let doing = "claim row \(row)"
        let rows = try connection.query("""
            SELECT c.granted, c.held_by, c.held_by_uid, c.remaining, set_config('synchronous_commit', 'off', true)
            FROM public.winnow_claim(\(row), \(holder), \(Int32(clamping: seconds)), \(anyProcess)) c
            """, doing: doing)
        guard let answer = rows.first else { throw .unexpected(url: url, doing: doing, reason: "winnow_claim returned nothing") }
        let granted = try answer.value(at: 0, "granted", as: Bool.self, url: url, doing: doing)
        let remaining = try answer.value(at: 3, "remaining", as: Double.self, url: url, doing: doing)
        if granted { return .granted(seconds: remaining) }
        return .heldByAnother(role: try answer.value(at: 1, "held_by", as: String.self, url: url, doing: doing),
                              uid: Int(try answer.value(at: 2, "held_by_uid", as: Int64.self, url: url, doing: doing)),
                              seconds: remaining)
    }

    /// The role other than this one whose live claim holds `row` now, if any.
    public func otherHolder(of row: String) throws(StoreError) -> String? {
        let doing = "look up who holds row \(row)"
        let rows = try connection.query("""
            SELECT holder_role::text FROM public.winnow_claim
            WHERE row_id = \(row) AND holder_role <> session_user AND until > clock_timestamp()
            """, doing: doing)
        return try rows.first.map { row throws(StoreError) in try row.value(at: 0, "holder_role", as: String.self, url: url, doing: doing) }
    }

    /// Gives back this role's claim on `row` (held by `holder`, or by any of its processes when
    /// nil), or with no row every claim `holder` has.
    public func release(_ row: String?, holder: String?) throws(StoreError) {
        guard row != nil || holder != nil else { return }
        try connection.query("SELECT public.winnow_release(\(row), \(holder)), set_config('synchronous_commit', 'off', true)", doing: row.map { "release row \($0)" } ?? "release this process's rows")
    }
}
