import Foundation
import PostgresNIO

/// The server's answer to a claim: granted, or whose screen the row is on and for how long
/// (the server's clock, told as seconds left, so a box with a skewed clock still waits right).
public enum ServerClaimAnswer: Sendable, Equatable {
    case granted(seconds: Double)
    /// `others`: every other row another role holds now (at most `ServerClaims.othersListed`),
    /// so a box learns in this one answer what it would otherwise find out a refusal at a time.
    case heldByAnother(role: String, uid: Int, seconds: Double, others: [HeldClaim])
}

/// The server's answer to `claimFirst`: the row granted (and the seconds its lease runs), if
/// any was free; the rows other roles hold when any row asked for was refused.
public struct ServerFirstClaim: Sendable {
    public var granted: (row: String, seconds: Double)?
    public var others: [HeldClaim]
}

/// A row on another role's screen, as the server lists it.
public struct HeldClaim: Sendable, Equatable {
    public var row: String
    public var role: String
    public var uid: Int
    /// Seconds its lease has left, by the server's clock.
    public var seconds: Double
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
    ///
    /// Refused, the answer also lists the other rows other roles hold (same round trip). Why:
    /// every box serves the same queue in the same order, so the rows at its head are the ones
    /// other boxes took last; told of them one refusal at a time, a box of a 16-reviewer team
    /// asked four times per served row (the store benchmark, 58 claims for 14 decisions).
    public func claim(_ row: String, holder: String, seconds: Int, anyProcess: Bool = false) throws(StoreError) -> ServerClaimAnswer {
        let doing = "claim row \(row)"
        let rows = try connection.query("""
            SELECT c.granted, c.held_by, c.held_by_uid, c.remaining, set_config('synchronous_commit', 'off', true),
                   o.rows, o.roles, o.uids, o.remaining
            FROM public.winnow_claim(\(row), \(holder), \(Int32(clamping: seconds)), \(anyProcess)) c
            LEFT JOIN LATERAL (
                SELECT array_agg(w.row_id) AS rows, array_agg(w.holder_role::text) AS roles, array_agg(r.oid::bigint) AS uids,
                       array_agg(extract(epoch FROM w.until - clock_timestamp())::float8) AS remaining
                FROM (SELECT x.row_id, x.holder_role, x.until FROM public.winnow_claim x
                      WHERE NOT c.granted AND x.holder_role <> session_user AND x.until > clock_timestamp() AND x.row_id <> \(row)
                      ORDER BY x.until DESC LIMIT \(Self.othersListed)) w
                JOIN pg_roles r ON r.rolname = w.holder_role
            ) o ON true
            """, doing: doing)
        guard let answer = rows.first else { throw .unexpected(url: url, doing: doing, reason: "winnow_claim returned nothing") }
        let granted = try answer.value(at: 0, "granted", as: Bool.self, url: url, doing: doing)
        let remaining = try answer.value(at: 3, "remaining", as: Double.self, url: url, doing: doing)
        if granted { return .granted(seconds: remaining) }
        let others = try Self.held(answer, from: 5, url: url, doing: doing)
        return .heldByAnother(role: try answer.value(at: 1, "held_by", as: String.self, url: url, doing: doing),
                              uid: Int(try answer.value(at: 2, "held_by_uid", as: Int64.self, url: url, doing: doing)),
                              seconds: remaining, others: others)
    }

    /// Claims for this process the first of `rows` (a box's next few, in its queue order) that
    /// is free or already its own, in one round trip. When any row before it (or every row) was
    /// held, the answer also lists the rows other roles hold, as a refused `claim` does.
    public func claimFirst(_ rows: [String], holder: String, seconds: Int) throws(StoreError) -> ServerFirstClaim {
        let doing = "claim one of rows \(rows.prefix(3).joined(separator: ", "))\(rows.count > 3 ? ", ..." : "")"
        let first = rows.first ?? ""
        let answer = try connection.query("""
            SELECT f.claimed, f.remaining, set_config('synchronous_commit', 'off', true),
                   o.rows, o.roles, o.uids, o.remaining
            FROM public.winnow_claim_first(\(rows), \(holder), \(Int32(clamping: seconds))) f
            LEFT JOIN LATERAL (
                SELECT array_agg(w.row_id) AS rows, array_agg(w.holder_role::text) AS roles, array_agg(r.oid::bigint) AS uids,
                       array_agg(extract(epoch FROM w.until - clock_timestamp())::float8) AS remaining
                FROM (SELECT x.row_id, x.holder_role, x.until FROM public.winnow_claim x
                      WHERE f.claimed IS DISTINCT FROM \(first) AND x.holder_role <> session_user AND x.until > clock_timestamp()
                      ORDER BY x.until DESC LIMIT \(Self.othersListed)) w
                JOIN pg_roles r ON r.rolname = w.holder_role
            ) o ON true
            """, doing: doing).first
        guard let answer else { throw .unexpected(url: url, doing: doing, reason: "winnow_claim_first returned nothing") }
        let claimed = try answer.value(at: 0, "claimed", as: String?.self, url: url, doing: doing)
        let remaining = try answer.value(at: 1, "remaining", as: Double?.self, url: url, doing: doing)
        if let claimed, !rows.contains(claimed) {
            throw .unexpected(url: url, doing: doing, reason: "the server granted row \(claimed), which was not asked for")
        }
        let others = try Self.held(answer, from: 3, url: url, doing: doing)
        return ServerFirstClaim(granted: claimed.map { ($0, remaining ?? 0) }, others: others)
    }

    /// The rows other roles hold, from the four array columns starting at `column`.
    static func held(_ row: PostgresRow, from column: Int, url: String, doing: String) throws(StoreError) -> [HeldClaim] {
        let ids = try row.value(at: column, "rows", as: [String]?.self, url: url, doing: doing) ?? []
        let roles = try row.value(at: column + 1, "roles", as: [String]?.self, url: url, doing: doing) ?? []
        let uids = try row.value(at: column + 2, "uids", as: [Int64]?.self, url: url, doing: doing) ?? []
        let left = try row.value(at: column + 3, "remaining", as: [Double]?.self, url: url, doing: doing) ?? []
        guard roles.count == ids.count, uids.count == ids.count, left.count == ids.count else {
            throw .unexpected(url: url, doing: doing, reason: "the list of rows other roles hold has columns of different lengths")
        }
        return ids.indices.map { HeldClaim(row: ids[$0], role: roles[$0], uid: Int(uids[$0]), seconds: left[$0]) }
    }

    /// The most rows a refused claim lists as held by others (the latest leases first): a
    /// team's screens, with room to spare; the index is told of the rest as it meets them.
    static let othersListed = 2000

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
