import Foundation
import GRDB
import GRDBSQLite
import WinnowCore
import Workspace

/// What every part of the scan needs to judge a row.
struct MixScanContext: @unchecked Sendable {  // read-only while the parts run
    var config: WorkspaceConfig
    var spec: MixSpec
    var trust: MixTrust
    var weighting: MixWeighting
    var contaminated: Set<Int64>
    var clusters: [Int64: String]
    /// Rows a gate flagged and no reviewer decided, by row number, with the gate: out of the mix
    /// (`[gates.on_flag]` review or exclude), whatever their slice's trust.
    var heldBack: [Int64: String] = [:]
    /// Pairs a reviewer rejected as both bad: out like any reject, counted on their own line.
    var bothBad: Set<Int64> = []
}

/// One part of the index's rows judged for a mix: the eligible rows and the counts of the rest
/// by reason. The rows are read in two parts on two connections at once, SQLite doing the
/// split: everything but unreviewed synthetic rows (decoded and judged one by one), and the
/// unreviewed synthetic rows (most of a big workspace, judged per slice and generator). A scan
/// in C that skips a row costs a tenth of handing it to Swift.
struct MixPoolScan {
    static let parts = ["NOT (origin = 'synthetic' AND state = 'pending')", "origin = 'synthetic' AND state = 'pending'"]
    static let columns = "SELECT n, id, source, offset, length, shape, origin, generator, slice, state, template, seed FROM rows"

    let context: MixScanContext
    var rows: [MixCandidate] = []
    var excluded: [String: Int] = [:]
    var sliceNames: [String] = []
    var critical: [Bool] = []
    /// The index's log position this part saw (all parts must agree).
    var position = ""
    private var sliceIndex: [String: Int32] = [:]
    private var groupReason: [Group: Int] = [:]
    private var reasons: [String] = []
    private var reasonCounts: [Int] = []

    struct Group: Hashable { var slice: String?; var generator: String? }

    init(context: MixScanContext) { self.context = context }

    /// Scans the parts: the first on `db` (the caller's read transaction), the other on its own
    /// read-only connection at the same time. If a write slipped in between (the parts saw
    /// different log positions) both are scanned again on `db`.
    /// An index copied into memory (a read-only workspace, see RowIndex+ReadOnly) has no second
    /// connection: its parts are scanned one after the other on `db`.
    static func run(_ context: MixScanContext, index: RowIndex, db: Database) throws -> [MixPoolScan] {
        guard let reader = try index.openReader() else { return try parts.map { try scan(context, $0, db: db) } }
        let results = ConcurrentSlots<Result<MixPoolScan, Error>>(count: parts.count)
        let shared = MixBox((context, reader))
        let group = DispatchGroup()
        for i in 1..<parts.count {
            DispatchQueue.global().async(group: group) {
                let (context, reader) = shared.value
                results.set(i, Result { try reader.read { try scan(context, parts[i], db: $0) } })
            }
        }
        results.set(0, Result { try scan(context, parts[0], db: db) })
        group.wait()
        let scanned = try (0..<parts.count).map { try results.get($0)!.get() }
        if Set(scanned.map(\.position)).count == 1 { return scanned }
        return try parts.map { try scan(context, $0, db: db) }
    }

    static func scan(_ context: MixScanContext, _ predicate: String, db: Database) throws -> MixPoolScan {
        var part = MixPoolScan(context: context)
        part.position = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'log_hash'") ?? ""
        try MixRowRecord.scan(db, sql: columns + " WHERE \(predicate) ORDER BY n") { r in part.take(r) }
        for (reason, count) in zip(part.reasons, part.reasonCounts) { part.excluded[reason, default: 0] += count }
        return part
    }

    /// Unreviewed synthetic rows are most of a big workspace and mostly out: their fate is
    /// decided once per (slice, generator) and their other columns are never decoded.
    mutating func take(_ r: MixRowRecord) {
        if context.contaminated.contains(r.n) { excluded["contaminated", default: 0] += 1; return }
        if !context.heldBack.isEmpty, let gate = context.heldBack[r.n], r.equals(9, "pending") {
            excluded["flagged by the \(gate) gate, not reviewed", default: 0] += 1
            return
        }
        guard r.isPendingSynthetic else { return consider(r) }
        let group = Group(slice: r.slice, generator: r.generator)
        let reason: Int
        if let known = groupReason[group] { reason = known } else {
            let sliceName = group.slice ?? "(none)"
            if let text = context.trust.distrust(slice: sliceName, critical: context.config.slice(named: sliceName)?.critical ?? false,
                                                 generator: group.generator) {
                reason = reasons.firstIndex(of: text) ?? reasons.count
                if reason == reasons.count { reasons.append(text); reasonCounts.append(0) }
            } else {
                reason = -1
            }
            groupReason[group] = reason
        }
        if reason >= 0 { reasonCounts[reason] += 1 } else { consider(r) }
    }

    mutating func consider(_ r: MixRowRecord) {
        let n = r.n, state = r.state, origin = r.origin
        let kind: MixKind
        switch (origin, state) {
        case (_, "rejected"):
            excluded[context.bothBad.contains(n) ? "pair rejected as both bad (both-bad)" : "rejected by a reviewer", default: 0] += 1
            return
        case (_, "gate-rejected"): excluded["rejected by a gate", default: 0] += 1; return
        case (_, "retracted"): excluded["retracted (rollback)", default: 0] += 1; return
        case (_, "adjudication"): excluded["reviewers disagree, not adjudicated", default: 0] += 1; return
        case (_, "flagged"): excluded["flagged for an expert", default: 0] += 1; return
        case ("human", _): kind = .human
        case ("synthetic", "accepted"): kind = .accepted
        case ("synthetic", "edited"): kind = .edited
        case ("synthetic", "pending"): kind = .trusted  // only rows of trusted groups get here
        case ("synthetic", _): excluded["synthetic, state \(state)", default: 0] += 1; return
        default: excluded["origin unknown (neither human nor synthetic)", default: 0] += 1; return
        }
        let id = r.id, source = r.source
        let copies = context.weighting.copies(id: id, origin: origin, source: source, seed: context.spec.seed)
        if copies == 0 { excluded["weight 0 in the spec", default: 0] += 1; return }
        let shape = RowShape(rawValue: r.shape) ?? .chat
        guard context.spec.format.accepts(shape) else {
            excluded["\(shape.rawValue) rows have no \(context.spec.format.rawValue) form", default: 0] += 1
            return
        }
        rows.append(MixCandidate(
            n: n, id: id, slice: slice(r.slice ?? "(none)"), kind: kind, source: source, offset: r.offset,
            length: r.length, shape: shape, generator: r.generator, template: r.template, seed: r.seed,
            copies: copies, cluster: context.clusters[n]))
    }

    mutating func slice(_ name: String) -> Int32 {
        if let known = sliceIndex[name] { return known }
        let i = Int32(sliceNames.count)
        sliceIndex[name] = i
        sliceNames.append(name)
        critical.append(context.config.slice(named: name)?.critical ?? false)
        return i
    }
}

/// One row of the index as the pool reads it, straight from SQLite's statement: a column is
/// decoded only when asked for, so the rows that are merely counted cost almost nothing.
struct MixRowRecord {
    let raw: OpaquePointer

    var n: Int64 { sqlite3_column_int64(raw, 0) }
    var id: String { text(1) ?? "" }
    var source: Int32 { Int32(sqlite3_column_int64(raw, 2)) }
    var offset: Int64 { sqlite3_column_int64(raw, 3) }
    var length: Int32 { Int32(sqlite3_column_int64(raw, 4)) }
    var shape: String { text(5) ?? "" }
    var origin: String { text(6) ?? "" }
    var generator: String? { text(7) }
    var slice: String? { text(8) }
    var state: String { text(9) ?? "" }
    var template: String? { text(10) }
    var seed: String? { text(11) }

    var isPendingSynthetic: Bool { equals(6, "synthetic") && equals(9, "pending") }

    func text(_ column: Int32) -> String? {
        sqlite3_column_text(raw, column).map { String(cString: $0) }
    }

    func equals(_ column: Int32, _ value: StaticString) -> Bool {
        guard let pointer = sqlite3_column_text(raw, column) else { return false }
        return strcmp(UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self),
                      UnsafeRawPointer(value.utf8Start).assumingMemoryBound(to: CChar.self)) == 0
    }

    /// Runs `sql` (selecting the columns in the order above) and hands each row to `body`.
    static func scan(_ db: Database, sql: String, arguments: StatementArguments = [], _ body: (MixRowRecord) -> Void) throws {
        let statement = try db.makeStatement(sql: sql)
        try statement.setArguments(arguments)
        let raw = statement.sqliteStatement
        defer { sqlite3_reset(raw) }
        while true {
            let status = sqlite3_step(raw)
            if status == SQLITE_DONE { break }
            guard status == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: status), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: sql)
            }
            body(MixRowRecord(raw: raw))
        }
    }
}
