import Foundation
import GRDB
import Gates
import ProvenanceLog
import WinnowCore

/// A row's current verdict from one gate, as the index keeps it (one per row and gate; several
/// matches of one gate in one row are listed together in `detail.matches`).
public struct GateFlag: Sendable, Equatable {
    public var row: String
    public var gate: String
    public var reason: String
    public var action: GateAction
    public var detail: JSONValue

    public init(row: String, gate: String, reason: String, action: GateAction, detail: JSONValue) {
        self.row = row
        self.gate = gate
        self.reason = reason
        self.action = action
        self.detail = detail
    }

    /// A flag as the `flags` table stores it (its `gate`, `reason`, `action` and `detail`
    /// columns), read one way by every query that returns flags. A `tag` (the classifier's
    /// routing) reads as a flag; a detail that does not parse reads as null.
    init(row id: String, stored row: Row) {
        self.init(row: id, gate: row["gate"], reason: row["reason"], action: GateAction(rawValue: row["action"]) ?? .flag,
                  detail: (row["detail"] as String?).flatMap { try? JSONValue.parse($0) } ?? .null)
    }

    /// Details compare by canonical form: the index stores them canonical (members sorted), a
    /// fresh run builds them in the gate's order, and the two must count as the same verdict.
    public static func == (a: GateFlag, b: GateFlag) -> Bool {
        a.row == b.row && a.gate == b.gate && a.reason == b.reason && a.action == b.action
            && a.detail.canonicalString == b.detail.canonicalString
    }

    /// Folds one row's findings from one gate into a flag: the strictest action, the first
    /// finding's reason, every match with its span.
    static func combine(row: String, gate: String, _ findings: [GateFinding]) -> GateFlag {
        let action: GateAction = findings.contains { $0.action == .reject } ? .reject : .flag
        let matches: [JSONValue] = findings.map { finding in
            var fields: [(String, JSONValue)] = [("reason", .string(finding.reason))]
            if let segment = finding.segment { fields.append(("segment", .int(segment))) }
            if let range = finding.range {
                fields.append(("start", .int(range.lowerBound)))
                fields.append(("end", .int(range.upperBound)))
            }
            if let matched = finding.matched { fields.append(("matched", .string(matched))) }
            fields += finding.detail
            return .object(fields)
        }
        return GateFlag(row: row, gate: gate, reason: findings.first?.reason ?? gate, action: action,
                        detail: .object([("matches", .array(matches))]))
    }
}

extension GateFlag {
    /// The slices a `slice-tag` verdict gives its row, most urgent first. The runner logs every
    /// gate's findings as `detail.matches[]`, so the classifier's slices stand in the first
    /// match; a bare `detail.slices` is read too. Reading only the latter once left every
    /// classifier-tagged row without a slice in the index: critical rows of files without
    /// slice metadata were served as a 5 % sample of "(none)" and mixed unreviewed.
    public static func taggedSlices(_ detail: JSONValue?) -> [String] {
        let list = detail?["slices"]?.arrayValue ?? detail?["matches"]?.arrayValue?.first?["slices"]?.arrayValue ?? []
        return list.compactMap(\.stringValue)
    }
}

extension RowIndex {
    /// Every current flag, keyed by row id and gate.
    public func flags() throws -> [String: [String: GateFlag]] {
        try read { db in
            var result: [String: [String: GateFlag]] = [:]
            let rows = try Row.fetchAll(db, sql: """
                SELECT rows.id, flags.gate, flags.reason, flags.action, flags.detail
                FROM flags JOIN rows ON rows.n = flags.n
                """)
            for row in rows {
                let flag = GateFlag(row: row["id"], stored: row)
                result[flag.row, default: [:]][flag.gate] = flag
            }
            return result
        }
    }

    /// Applies one logged gate verdict to the index.
    static func apply(_ payload: GatePayload, seq: Int, in db: Database) throws {
        guard let n = try Int64.fetchOne(db, sql: "SELECT n FROM rows WHERE id = ?", arguments: [payload.row]) else {
            return  // A verdict about a row this index does not hold (retracted, or a foreign log).
        }
        switch payload.action {
        case .tag:
            let slices = GateFlag.taggedSlices(payload.detail)
            try db.execute(sql: """
                UPDATE rows SET slice = ?, slices = ?, tagged = 1 WHERE n = ? AND (slice IS NULL OR tagged = 1)
                """, arguments: [slices.first, slices.count > 1 ? slices.joined(separator: ",") : nil, n])
            try db.execute(sql: "INSERT OR REPLACE INTO flags(n, gate, reason, action, detail, seq) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [n, payload.gate, payload.reason, "tag", payload.detail?.canonicalString, seq])
            // Its place in the queue depends on the slice: let the queue plan it again.
            try RowIndex.unplan(n, in: db)
        case .clear:
            if try String.fetchOne(db, sql: "SELECT action FROM flags WHERE n = ? AND gate = ?", arguments: [n, payload.gate]) == "tag" {
                try db.execute(sql: "UPDATE rows SET slice = NULL, slices = NULL, tagged = 0 WHERE n = ? AND tagged = 1", arguments: [n])
                try RowIndex.unplan(n, in: db)
            }
            try db.execute(sql: "DELETE FROM flags WHERE n = ? AND gate = ?", arguments: [n, payload.gate])
            try resolve(n, in: db)
        case .flag, .reject:
            try db.execute(
                sql: "INSERT OR REPLACE INTO flags(n, gate, reason, action, detail, seq) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [n, payload.gate, payload.reason, payload.action.rawValue,
                            payload.detail?.canonicalString, seq])
            try resolve(n, in: db)
        }
    }

    /// Rows with a gate flag (not a rejection, not a slice tag) from a gate `holdsBack` names,
    /// by row number, with the first such gate by name: the mixer keeps these rows out until a
    /// reviewer decides them.
    public func flaggedRows(holdsBack: (String) -> Bool) throws -> [Int64: String] {
        try read { db in
            var result: [Int64: String] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT n, gate FROM flags WHERE action = 'flag' ORDER BY gate")
            while let row = try rows.next() {
                let gate: String = row["gate"]
                if holdsBack(gate), result[row["n"]] == nil { result[row["n"]] = gate }
            }
            return result
        }
    }

    /// Per pair the pair gate flagged, the reasons it found there (`same-generator`,
    /// `cannot-judge`, `similar-answers`, `both-GATE`): what a mix report counts pairs from two
    /// different generators by.
    public func pairGateReasons() throws -> [Int64: Set<String>] {
        try read { db in
            var result: [Int64: Set<String>] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT n, detail FROM flags WHERE gate = ?", arguments: [PairGate.name])
            while let row = try rows.next() {
                let detail = (row["detail"] as String?).flatMap { try? JSONValue.parse(Array($0.utf8)) }
                let reasons = detail?["matches"]?.arrayValue?.compactMap { $0["reason"]?.stringValue } ?? []
                result[row["n"]] = Set(reasons)
            }
            return result
        }
    }

    /// Flag counts per gate and action, for summaries and `winnow gates`.
    public func flagCounts() throws -> [(gate: String, action: String, count: Int)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT gate, action, COUNT(*) AS c FROM flags GROUP BY gate, action ORDER BY gate, action")
                .map { ($0["gate"], $0["action"], $0["c"]) }
        }
    }
}
