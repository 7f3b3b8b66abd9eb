import Foundation
import GRDB
import ProvenanceLog
import WinnowCore

/// Human verdicts in the index, and how each row's state resolves from them and the gates:
/// the latest standing human decision wins; a gate rejection stands only until a human decides;
/// a revert takes one decision back; a retract takes back every decision on the rows it names.
/// Two reviewers who disagree on an overlap row send it to adjudication.
extension RowIndex {
    static func createDecisionTables(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE IF NOT EXISTS decisions (
                seq INTEGER PRIMARY KEY, n INTEGER NOT NULL REFERENCES rows(n),
                uid INTEGER NOT NULL, reviewer TEXT NOT NULL,
                action TEXT NOT NULL CHECK (\(RowIndex.oneOf("action", Verdict.allCases.map(\.rawValue)))),
                reason TEXT, note TEXT, ts TEXT NOT NULL, spent_ms INTEGER,
                adjudication INTEGER NOT NULL DEFAULT 0,
                standing INTEGER NOT NULL DEFAULT 1);  -- 0 once reverted or retracted
            CREATE INDEX IF NOT EXISTS decisions_row ON decisions(n, standing);
            -- Decisions logged under a slice other than their row's (see apply(decision:)).
            CREATE TABLE IF NOT EXISTS uncounted_decisions (
                seq INTEGER PRIMARY KEY, n INTEGER NOT NULL REFERENCES rows(n),
                named_slice TEXT, slice TEXT);
            """)
    }

    static func apply(decision payload: DecisionPayload, entry: LogEntry, in db: Database) throws {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT n, slice FROM rows WHERE id = ?"), arguments: [payload.row]) else { return }
        let n: Int64 = row["n"]
        let slice: String? = row["slice"]
        // A decision counts only in the slice it was made in: the one its entry names must be
        // its row's slice at that point of the log. On a store the server checks the reviewer is
        // a member of the slice's role, but it knows only the slice the entry names; a modified
        // client naming another slice (or none) would otherwise decide a medical row unseen by
        // anyone allowed to. Every box replays the same log, so every box refuses the same
        // entries. An honest box names its row's slice after catching up; if a gate run re-tags
        // the row in between, the decision was made without seeing the new slice, and the row
        // is rightly served again (`uncountedDecision(seq:)` tells the reviewer).
        guard payload.slice == slice else {
            try db.cachedStatement(sql: "INSERT OR REPLACE INTO uncounted_decisions(seq, n, named_slice, slice) VALUES (?, ?, ?, ?)").execute(arguments: [entry.seq, n, payload.slice, slice])
            return
        }
        let adjudication = payload.extra["adjudication"]?.boolValue ?? false
        try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO decisions(seq, n, uid, reviewer, action, reason, note, ts, spent_ms, adjudication)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [entry.seq, n, entry.actor.uid, entry.actor.user, payload.action.rawValue, payload.reason,
                             payload.note, entry.ts, payload.spentMs, adjudication])
        try resolve(n, in: db)
    }

    static func apply(revert payload: RevertPayload, in db: Database) throws {
        guard let n = try Int64.fetchOne(db.cachedStatement(sql: "SELECT n FROM decisions WHERE seq = ?"), arguments: [payload.reverts]) else {
            // Undoing a gate verdict or anything else with no decision row: nothing to resolve.
            return
        }
        try db.cachedStatement(sql: "UPDATE decisions SET standing = 0 WHERE seq = ?").execute(arguments: [payload.reverts])
        try resolve(n, in: db)
    }

    /// The SQL conditions (over `rows` and `decisions`) a retraction's criteria stand for.
    static func retractConditions(_ payload: RetractPayload) -> (conditions: [String], arguments: [DatabaseValueConvertible?]) {
        var conditions: [String] = []
        var arguments: [DatabaseValueConvertible?] = []
        if let g = payload.generator { conditions.append("rows.generator = ?"); arguments.append(g) }
        if let t = payload.template { conditions.append("rows.template = ?"); arguments.append(t) }
        if let s = payload.seed { conditions.append("rows.seed = ?"); arguments.append(s.stringValue ?? s.canonicalString) }
        if let r = payload.reviewer { conditions.append("decisions.reviewer = ?"); arguments.append(r) }
        if let from = payload.from { conditions.append("decisions.ts >= ?"); arguments.append(from) }
        if let until = payload.until { conditions.append("decisions.ts < ?"); arguments.append(until) }
        return (conditions, arguments)
    }

    static func apply(retract payload: RetractPayload, in db: Database) throws {
        let (conditions, arguments) = retractConditions(payload)
        guard !conditions.isEmpty else { return }
        let affected = try Int64.fetchAll(db, sql: """
            SELECT DISTINCT decisions.n FROM decisions JOIN rows ON rows.n = decisions.n
            WHERE decisions.standing = 1 AND \(conditions.joined(separator: " AND "))
            """, arguments: StatementArguments(arguments))
        try db.execute(sql: """
            UPDATE decisions SET standing = 0 WHERE standing = 1 AND seq IN (
                SELECT decisions.seq FROM decisions JOIN rows ON rows.n = decisions.n
                WHERE \(conditions.joined(separator: " AND ")))
            """, arguments: StatementArguments(arguments))
        for n in affected { try resolve(n, in: db) }
        // Rows a generator/template/seed retraction names are out even without decisions.
        if payload.reviewer == nil && payload.from == nil && payload.until == nil {
            let rowConditions = conditions.filter { $0.hasPrefix("rows.") }.joined(separator: " AND ")
            try db.execute(sql: "UPDATE rows SET state = 'retracted' WHERE \(rowConditions)",
                           arguments: StatementArguments(arguments))
            try db.execute(sql: "UPDATE queue SET open = 0 WHERE n IN (SELECT n FROM rows WHERE \(rowConditions))",
                           arguments: StatementArguments(arguments))
        }
    }

    /// Recomputes one row's state from its standing decisions and its gate flags.
    static func resolve(_ n: Int64, in db: Database) throws {
        let current = RowState(stored: try String.fetchOne(db.cachedStatement(sql: "SELECT state FROM rows WHERE n = ?"), arguments: [n]))
        if current == .retracted {
            try reopen(n, in: db)
            return
        }
        let standing = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT uid, action, adjudication FROM decisions WHERE n = ? AND standing = 1 ORDER BY seq
            """), arguments: [n])
        func verdict(_ row: Row) -> Verdict { Verdict(stored: row["action"]) }
        var state = RowState.pending
        if let adjudicated = standing.last(where: { ($0["adjudication"] as Int) == 1 }) {
            state = verdict(adjudicated).state
        } else if let last = standing.last {
            // Latest verdict per reviewer; two reviewers who disagree need an adjudicator.
            var byReviewer: [Int: Verdict] = [:]
            for d in standing { byReviewer[d["uid"]] = verdict(d) }
            state = Set(byReviewer.values).count > 1 ? .adjudication : verdict(last).state
        } else if try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM flags WHERE n = ? AND action = 'reject'"), arguments: [n]) ?? false {
            state = .gateRejected
        }
        try db.cachedStatement(sql: "UPDATE rows SET state = ? WHERE n = ?").execute(arguments: [state.rawValue, n])
        try reopen(n, in: db)
    }
}

extension Verdict {
    /// A verdict as `decisions.action` stores it. The schema's CHECK admits only `Verdict`'s raw
    /// values, so the fallback is never taken.
    init(stored text: String) {
        self = Verdict(rawValue: text) ?? .flag
    }
}
