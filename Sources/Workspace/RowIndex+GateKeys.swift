import Foundation
import GRDB
import GRDBSQLite
import Gates
import WinnowCore

/// What the corpus gates keep of every row between runs (`gate_keys`, derived): the exact-
/// duplicate text key (16 bytes), the near-duplicate band keys (4 bytes a band) and the
/// template opening and skeleton keys (8 bytes each). With them a run after an import reads
/// only the new rows and checks them against the existing ones. 'gate_keys_n' and
/// 'gate_keys_config' in `meta` say through which row and under which settings the table is
/// complete; anything else (a rebuilt index, changed settings, a run that died) makes the next
/// run a whole one, which fills the table again.
extension RowIndex {
    /// One row's kept keys.
    struct GateKeys {
        var n: Int64
        var textKey: [UInt8]?
        var bands: [UInt8]?
        var opening: UInt64?
        var skeleton: UInt64?
    }

    static func createGateKeyTable(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE IF NOT EXISTS gate_keys (
                n INTEGER PRIMARY KEY,  -- rows(n)
                text_key BLOB, bands BLOB,  -- NULL: the row has no words
                opening INTEGER, skeleton INTEGER)  -- NULL: the row is in no generator/template batch
            """)
    }

    /// Through which row and config the table is complete; nil when it is not to be trusted.
    func gateKeysThrough() throws -> (n: Int64, config: String)? {
        try read { db in
            guard let n = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'gate_keys_n'").flatMap(Int64.init),
                  let config = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'gate_keys_config'")
            else { return nil }
            return (n, config)
        }
    }

    /// Forgets the table's completeness; `everything` empties it too (a whole run refills it).
    func invalidateGateKeys(everything: Bool) throws {
        try write { db in
            try db.execute(sql: "DELETE FROM meta WHERE key IN ('gate_keys_n', 'gate_keys_config')")
            if everything { try db.execute(sql: "DELETE FROM gate_keys") }
        }
    }

    static func setGateKeysThrough(_ n: Int64, config: String, in db: Database) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES ('gate_keys_n', ?), ('gate_keys_config', ?)",
                       arguments: ["\(n)", config])
    }

    /// Stores keys (replacing any a run that died left for the same rows).
    func storeGateKeys(_ keys: [GateKeys]) throws {
        guard !keys.isEmpty else { return }
        try write { db in
            let stmt = try db.cachedStatement(sql: """
                INSERT OR REPLACE INTO gate_keys(n, text_key, bands, opening, skeleton) VALUES (?, ?, ?, ?, ?)
                """).sqliteStatement
            let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
            for key in keys {
                sqlite3_bind_int64(stmt, 1, key.n)
                func blob(_ index: Int32, _ bytes: [UInt8]?) {
                    guard let bytes else { sqlite3_bind_null(stmt, index); return }
                    bytes.withUnsafeBytes { _ = sqlite3_bind_blob(stmt, index, $0.baseAddress, Int32($0.count), transient) }
                }
                blob(2, key.textKey)
                blob(3, key.bands)
                for (index, value) in [(Int32(4), key.opening), (5, key.skeleton)] {
                    if let value { sqlite3_bind_int64(stmt, index, Int64(bitPattern: value)) } else { sqlite3_bind_null(stmt, index) }
                }
                let status = sqlite3_step(stmt)
                sqlite3_reset(stmt)
                guard status == SQLITE_DONE else {
                    throw DatabaseError(resultCode: ResultCode(rawValue: status), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
                }
            }
        }
    }

    /// One existing row as a scan of the kept keys sees it; the buffers are valid only during
    /// the call.
    struct GateKeyScanRow {
        var n: Int64
        var id: String
        var contentHash: UnsafeRawBufferPointer
        var textKey: [UInt8]?
        var bands: UnsafeRawBufferPointer?
        var opening: UInt64?
        var skeleton: UInt64?
        var generator: String?
        var template: String?
    }

    /// Every row up to `through` with its kept keys, in import order. Read with the C API: a
    /// million rows through GRDB's `Row` cost seconds.
    func scanGateKeys(through: Int64, _ body: (GateKeyScanRow) throws -> Void) throws {
        try read { db in
            let stmt = try db.makeStatement(sql: """
                SELECT rows.n, rows.id, rows.content_hash, gate_keys.text_key, gate_keys.bands, gate_keys.opening,
                       gate_keys.skeleton, rows.generator, rows.template
                FROM rows JOIN gate_keys ON gate_keys.n = rows.n WHERE rows.n <= ? ORDER BY rows.n
                """)
            try stmt.setArguments([through])
            let s = stmt.sqliteStatement
            func text(_ i: Int32) -> String? {
                guard sqlite3_column_type(s, i) != SQLITE_NULL, let p = sqlite3_column_text(s, i) else { return nil }
                return String(cString: p)
            }
            func blob(_ i: Int32) -> UnsafeRawBufferPointer? {
                guard sqlite3_column_type(s, i) != SQLITE_NULL else { return nil }
                let p = sqlite3_column_blob(s, i), count = Int(sqlite3_column_bytes(s, i))
                return UnsafeRawBufferPointer(start: p, count: count)
            }
            func int(_ i: Int32) -> UInt64? {
                sqlite3_column_type(s, i) == SQLITE_NULL ? nil : UInt64(bitPattern: sqlite3_column_int64(s, i))
            }
            while true {
                let status = sqlite3_step(s)
                if status == SQLITE_DONE { break }
                guard status == SQLITE_ROW else {
                    throw DatabaseError(resultCode: ResultCode(rawValue: status), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
                }
                try body(GateKeyScanRow(
                    n: sqlite3_column_int64(s, 0), id: text(1) ?? "", contentHash: blob(2) ?? UnsafeRawBufferPointer(start: nil, count: 0),
                    textKey: blob(3).map { Array($0) }, bands: blob(4), opening: int(5), skeleton: int(6),
                    generator: text(7), template: text(8)))
            }
            sqlite3_reset(s)
        }
    }

    /// The flags `condition` selects, added to `result` by row number.
    static func collectFlags(
        _ db: Database, where condition: String, _ arguments: StatementArguments,
        into result: inout [Int64: (id: String, flags: [String: GateFlag])]
    ) throws {
        let rows = try Row.fetchCursor(db, sql: """
            SELECT rows.n, rows.id, flags.gate, flags.reason, flags.action, flags.detail
            FROM flags JOIN rows ON rows.n = flags.n WHERE \(condition)
            """, arguments: arguments)
        while let row = try rows.next() {
            let number: Int64 = row["n"], id: String = row["id"]
            let flag = GateFlag(row: id, stored: row)
            result[number, default: (id, [:])].flags[flag.gate] = flag
        }
    }

    /// Current flags of the rows `first...last`, by row number.
    func flags(from first: Int64, through last: Int64) throws -> [Int64: (id: String, flags: [String: GateFlag])] {
        try read { db in
            var result: [Int64: (id: String, flags: [String: GateFlag])] = [:]
            try Self.collectFlags(db, where: "flags.n BETWEEN ? AND ?", [first, last], into: &result)
            return result
        }
    }

    /// Current flags of the rows after `n` and every flag of `gates`, by row number.
    func flags(after n: Int64, orOf gates: [String]) throws -> [Int64: (id: String, flags: [String: GateFlag])] {
        try read { db in
            var result: [Int64: (id: String, flags: [String: GateFlag])] = [:]
            let marks = Array(repeating: "?", count: gates.count).joined(separator: ",")
            var arguments: [any DatabaseValueConvertible] = [n]
            arguments += gates as [any DatabaseValueConvertible]
            try Self.collectFlags(db, where: "flags.n > ? OR flags.gate IN (\(marks.isEmpty ? "''" : marks))",
                                  StatementArguments(arguments), into: &result)
            return result
        }
    }
}
