import Dispatch
import Foundation
import GRDB
import GRDBSQLite
import WinnowCore

/// What the mixer's scan feeds: one per part of the rows, filled on the thread that scans that
/// part (see `RowIndex.scanForMix`; hence its type must be usable from any thread).
public protocol MixRowSink: SendableMetatype {
    /// One row; `row` is valid only during the call (its lazy fields read the statement).
    mutating func take(_ row: RowIndex.MixScanRow)
}

extension RowIndex {
    /// What a mix reads besides the rows, in the same read transaction as the rows, so that no
    /// import, decision or gate run lands between the two.
    public struct MixScanFacts: Sendable {
        /// The log entry the index was at when the read began (a mix checks it against the
        /// position its proofs ran at).
        public var logSeq: Int
        public var logHash: String
        /// Rows whose gates were promised and have not run (`pendingGateRows`).
        public var pendingGateRows: Int
        /// Rows numbered above this were never seen by a gate run; 0 when none ever ran.
        public var gatedThrough: Int64
        public var sources: [IndexedSource]
        /// Rows the contamination gate rejected or flagged.
        public var contaminated: Set<Int64>
        /// Pairs whose standing reject is a both-bad one (see `bothBadRows`).
        public var bothBad: Set<Int64>
        /// Each near-duplicate row's cluster name (its first match's); empty unless asked for.
        public var clusters: [Int64: String]
    }

    /// One row as the mixer's scan hands it over, straight from SQLite's statement. What every
    /// row is judged by (number, origin, state, slice, generator) is read up front; what only
    /// an eligible row needs is read when asked, so the rows that are merely counted (most
    /// unreviewed synthetic rows of a big workspace) never have their id or seed made into a
    /// String. Valid only inside `MixRowSink.take`.
    public struct MixScanRow {
        let statement: OpaquePointer
        public let n: Int64
        public let origin: Origin
        public let state: RowState
        public let slice: String?
        public let generator: String?

        public var id: String { text(1) ?? "" }
        /// The row's source by its number in the index (`IndexedSource.id`).
        public var source: Int32 { Int32(sqlite3_column_int64(statement, 2)) }
        public var offset: Int64 { sqlite3_column_int64(statement, 3) }
        public var length: Int32 { Int32(sqlite3_column_int64(statement, 4)) }
        public var shape: RowShape { text(5).flatMap(RowShape.init(rawValue:)) ?? .chat }
        public var template: String? { text(10) }
        public var seed: String? { text(11) }
        /// An AI judge's score, when the row carries one (what a `judge-kept` mix output cuts on).
        public var judgeScore: Double? {
            sqlite3_column_type(statement, 12) == SQLITE_NULL ? nil : sqlite3_column_double(statement, 12)
        }

        /// Columns in the order of `mixColumns`.
        init(_ statement: OpaquePointer) {
            self.statement = statement
            n = sqlite3_column_int64(statement, 0)
            origin = Origin(column: sqlite3_column_text(statement, 6))
            generator = Self.text(statement, 7)
            slice = Self.text(statement, 8)
            state = RowState(column: sqlite3_column_text(statement, 9))
        }

        func text(_ column: Int32) -> String? { Self.text(statement, column) }

        static func text(_ statement: OpaquePointer, _ column: Int32) -> String? {
            sqlite3_column_text(statement, column).map { String(cString: $0) }
        }
    }

    /// The two parts the rows are read in, on two connections at once, SQLite doing the split:
    /// everything but unreviewed synthetic rows (decoded and judged one by one), and the
    /// unreviewed synthetic rows (most of a big workspace, judged per slice and generator). A
    /// scan in C that skips a row costs a tenth of handing it to Swift.
    static let mixParts = ["NOT (origin = 'synthetic' AND state = 'pending')", "origin = 'synthetic' AND state = 'pending'"]
    static let mixColumns = "SELECT n, id, source, offset, length, shape, origin, generator, slice, state, template, seed, judge_score FROM rows"

    /// Every row, judged by the mixer, in one read: the facts first, then `begin` (which may
    /// refuse them, say a workspace that moved since the mix's checks, and otherwise returns an
    /// empty sink), then the rows in `mixParts`, each part in row order into its own copy of
    /// that sink. The first part is read in this read transaction, the other at the same time
    /// on a read-only connection of its own; if a write slipped in between (the two saw
    /// different log positions) both are read again here. An index copied into memory (a
    /// read-only workspace, see RowIndex+ReadOnly) has no second connection: its parts are read
    /// one after the other. `Sink` should be a value type: each part gets a copy of the empty one.
    public func scanForMix<Sink: MixRowSink>(clusters: Bool, begin: (MixScanFacts) throws -> Sink)
        throws -> (facts: MixScanFacts, parts: [Sink]) {
        try read { db in
            let facts = try Self.mixScanFacts(db, clusters: clusters)
            let empty = try begin(facts)
            let parts = Self.mixParts
            guard let reader = try openReader() else { return (facts, try parts.map { try Self.scanMixPart(empty, $0, db: db).sink }) }
            let results = ConcurrentSlots<Result<(sink: Sink, position: String), Error>>(count: parts.count)
            let shared = UnsafeSendable((empty, reader))
            let group = DispatchGroup()
            for i in 1..<parts.count {
                DispatchQueue.global().async(group: group) {
                    let (empty, reader) = shared.value
                    results.set(i, Result { try reader.read { try Self.scanMixPart(empty, parts[i], db: $0) } })
                }
            }
            results.set(0, Result { try Self.scanMixPart(empty, parts[0], db: db) })
            group.wait()
            let scanned = try (0..<parts.count).map { try results.get($0)!.get() }
            if Set(scanned.map(\.position)).count == 1 { return (facts, scanned.map(\.sink)) }
            return (facts, try parts.map { try Self.scanMixPart(empty, $0, db: db).sink })
        }
    }

    /// One part's rows into a copy of `empty`, and the log position its read saw.
    static func scanMixPart<Sink: MixRowSink>(_ empty: Sink, _ predicate: String, db: Database) throws -> (sink: Sink, position: String) {
        var sink = empty
        let position = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'log_hash'") ?? ""
        let statement = try db.makeStatement(sql: mixColumns + " WHERE \(predicate) ORDER BY n")
        let raw = statement.sqliteStatement
        defer { sqlite3_reset(raw) }
        while try step(raw, in: db) { sink.take(MixScanRow(raw)) }
        return (sink, position)
    }

    static func mixScanFacts(_ db: Database, clusters: Bool) throws -> MixScanFacts {
        let now = try positionAndPendingGates(db)
        var facts = MixScanFacts(
            logSeq: now.seq, logHash: now.hash, pendingGateRows: now.pending, gatedThrough: try gatedThrough(db)?.n ?? 0,
            sources: try sources(db),
            contaminated: Set(try Int64.fetchAll(db, sql: "SELECT n FROM flags WHERE gate = 'contamination' AND action IN ('reject', 'flag')")),
            bothBad: try bothBadRows(db), clusters: [:])
        if clusters {
            for r in try Row.fetchAll(db, sql: "SELECT n, json_extract(detail, '$.matches[0].cluster') AS c FROM flags WHERE gate = 'near-duplicate'") {
                if let c = r["c"] as String? { facts.clusters[r["n"]] = c }
            }
        }
        return facts
    }
}

/// Names compared as C strings, the likeliest first: a million rows are decoded without a
/// String each. A name not listed (none can be: the schema's CHECK admits only the raw values)
/// falls back to the ordinary decoding, so the list can only cost speed, never correctness.
extension RowState {
    init(column text: UnsafePointer<UInt8>?) {
        guard let text else { self = .pending; return }
        if cNamed(text, "pending") { self = .pending }
        else if cNamed(text, "accepted") { self = .accepted }
        else if cNamed(text, "rejected") { self = .rejected }
        else if cNamed(text, "edited") { self = .edited }
        else if cNamed(text, "gate-rejected") { self = .gateRejected }
        else { self = RowState(stored: String(cString: text)) }
    }
}

extension Origin {
    init(column text: UnsafePointer<UInt8>?) {
        guard let text else { self = .unknown; return }
        if cNamed(text, "synthetic") { self = .synthetic }
        else if cNamed(text, "human") { self = .human }
        else { self = Origin(rawValue: String(cString: text)) ?? .unknown }
    }
}

@inline(__always) private func cNamed(_ text: UnsafePointer<UInt8>, _ name: StaticString) -> Bool {
    strcmp(UnsafeRawPointer(text).assumingMemoryBound(to: CChar.self),
           UnsafeRawPointer(name.utf8Start).assumingMemoryBound(to: CChar.self)) == 0
}
