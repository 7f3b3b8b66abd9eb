import Foundation
import PostgresNIO

/// A review session's server process made ready for its first row and first decision.
///
/// A new connection's server process compiles `winnow_claim_first`, `winnow_claim` and
/// `winnow_append` on their first call, plans each of their statements on its first run and
/// loads the catalog entries they touch: measured with psql on the store benchmark's database,
/// a cold claim took 3.5-4.6 ms against 0.3-0.5 ms warm, a cold decision 6.9-8.3 ms against
/// 0.6-1.1 ms. A review screen meets that cost once, on the first row and the first decision
/// after it opens, where a reviewer waits for the answer. `warmUpForReview` pays it while the
/// screen opens instead, with statements whose effects are all undone:
///
/// - in one transaction that is always rolled back (nothing it does is ever committed, whatever
///   the server answers), this process claims and gives back a row no queue holds (one lock
///   on one claim row nobody else asks for), then asks for an edit decision whose `new_hash`
///   cannot be its row's: `winnow_append` runs its checks (the member loop, the canonical form,
///   the edit's hash) and refuses before it takes the log's lock, so no other box waits for it.
///   Were a server ever to accept it, the rollback undoes it.
/// - every failure is ignored: warming up is only ever a saving. A connection it loses is made
///   again by the next statement, as after any lost connection.
///
/// Only for sessions that review many rows: a command that runs once pays the same cost on its
/// one claim or decision, and would pay the warm-up's round trips on top.
extension ReplicatedLog {
    /// The row id the warm-up claims: this process's own (`holder` is), so sessions opening at
    /// once never wait for one another's lock on it; no row of a queue (a queue's ids are what
    /// an import read; one that happened to match would be locked for a moment, never claimed).
    static func warmUpRow(holder: String) -> String { "winnow:warm-up:\(holder)" }

    /// What the warm-up's statements met (for the tests: the session ignores it).
    public struct WarmUp: Sendable {
        /// The claim was granted (then undone).
        public var claimed = false
        /// The server's refusal of the warm-up's decision, as it said it; nil when it was not
        /// refused (then the rollback undid it) or the statement never ran.
        public var appendRefused: String?
    }

    @discardableResult
    public func warmUpForReview(holder: String) -> WarmUp {
        let connection = server.connection, claims = claims, tool = tool, row = Self.warmUpRow(holder: holder)
        var met = WarmUp()
        try? connection.rolledBack(doing: "get the server ready for a review session") {
            met.claimed = (try? claims.claimFirst([row], holder: holder, seconds: 1))?.granted != nil
            try? claims.release(row, holder: holder)
            // Members as a decision's are sent (canonical JSON texts, names in order); the
            // new_hash is not the SHA-256 of any row, so the server refuses the entry.
            let names = ["action", "new_hash", "new_row", "row"]
            let values = [#""edit""#, #""not-a-hash""#, "{}", "\"\(row)\""]
            do {
                try connection.query("""
                    SELECT a.seq, a.line FROM public.winnow_append('decision', \(tool), NULL, \(names), \(values)) a
                    """, doing: "get the server ready for a review session")
            } catch let error as StoreError {
                if case let .refused(_, _, _, message, _) = error { met.appendRefused = message }
            } catch {}
        }
        return met
    }
}
