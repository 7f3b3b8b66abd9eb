import Foundation
import PostgresNIO

/// A review session's server process made ready for its first row and first decision.
///
/// A new connection's server process compiles `winnow_claim_first`, `winnow_claim` and
/// `winnow_append` on their first call, plans each of their statements on its first run and
/// loads the catalog entries they touch: measured with psql on the store benchmark's database,
/// a cold claim took 3.5-4.6 ms against 0.3-0.5 ms warm, a cold decision 6.9-8.3 ms against
/// 0.6-1.1 ms. A review screen meets that cost once, on the first row and the first decision
/// after it opens, where a reviewer waits for the answer. `warmUpForReview` pays most of it
/// while the screen opens instead: the claim's whole path (the client's statement and the
/// functions under it), and the decision's up to its refusal (its checks; the live-claim and slice
/// look-ups and what comes after the log's lock, the head, the line, the insert and its
/// trigger, are still planned on the first real decision: 1.5-2.1 ms against 0.6-1.1 warm, by
/// psql). With statements whose effects are all undone:
///
/// - in one transaction that is always rolled back (nothing it does is ever committed, whatever
///   the server answers), this process claims and gives back a row no queue holds (one lock
///   on one claim row nobody else asks for), as `next` does; then a block (`warmUpBlock`)
///   asks for an edit decision whose `new_hash` cannot be its row's: `winnow_append` runs its
///   checks (the member loop, the canonical form, the edit's hash) and refuses before it takes
///   the log's lock, so no other box waits for it. The block catches the refusal, so the
///   server's log does not get an ERROR for every review screen opened (the first version's
///   did); were a server ever to accept the decision, the block undoes it at once too.
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
        /// The error that ended the block, as the server said it: the decision's refusal when
        /// all went as meant (`accepted` if the server took the decision, which the block then
        /// undid); nil when the block did not run.
        public var stoppedBy: String?
    }

    /// The decision's part of the warm-up, one anonymous block (fixed text: its values come
    /// from settings made for this transaction by a statement with parameters). Its error is
    /// caught, so not logged by the server, and undone with the block's own subtransaction;
    /// what ended it is left in a setting for the client.
    static let warmUpBlock = #"""
        DO $warm$
        BEGIN
            PERFORM public.winnow_append('decision', current_setting('winnow.warm_up_tool'), NULL,
                ARRAY['action', 'new_hash', 'new_row', 'row'],
                ARRAY['"edit"', '"not-a-hash"', '{}', to_json(current_setting('winnow.warm_up_row'))::text]);
            RAISE EXCEPTION 'accepted';
        EXCEPTION WHEN others THEN
            PERFORM set_config('winnow.warm_up', SQLERRM, true);
        END
        $warm$
        """#

    @discardableResult
    public func warmUpForReview(holder: String) -> WarmUp {
        let connection = server.connection, claims = claims, tool = tool, row = Self.warmUpRow(holder: holder)
        let doing = "get the server ready for a review session", url = connection.url.text
        var met = WarmUp()
        try? connection.rolledBack(doing: doing) {
            // The claim's path as `next` runs it (the client's statement and the functions under
            // it); it refuses nothing, so the transaction goes on to the decision's block.
            met.claimed = (try? claims.claimFirst([row], holder: holder, seconds: 1))?.granted != nil
            try? claims.release(row, holder: holder)
            do {
                try connection.query("""
                    SELECT set_config('winnow.warm_up_row', \(row), true), set_config('winnow.warm_up_tool', \(tool), true)
                    """, doing: doing)
                try connection.query(PostgresQuery(unsafeSQL: Self.warmUpBlock), doing: doing)
                let outcome = try connection.query("SELECT current_setting('winnow.warm_up', true)", doing: doing).first
                met.stoppedBy = try outcome?.value(at: 0, "warm_up", as: String?.self, url: url, doing: doing)
            } catch {}
        }
        return met
    }
}
