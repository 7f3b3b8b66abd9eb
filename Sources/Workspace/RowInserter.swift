import Foundation
import GRDB
import GRDBSQLite
import WinnowCore

/// Inserts rows into the index inside the caller's transaction, giving each a unique id: the
/// row's own id, else its content hash; when that is taken (the same id in two files, or an exact
/// duplicate without an id) the first free `id~2`, `id~3`, ... in import order, so replaying the
/// log always hands out the same ids.
///
/// Binds straight through the SQLite C API: at a million rows, building GRDB's argument values
/// per row cost more than SQLite's own work.
struct RowInserter {
    let db: Database
    let statement: Statement
    var pending: [ParsedRow] = []
    var renamed = 0

    init(db: Database) throws {
        self.db = db
        statement = try db.makeStatement(sql: """
            INSERT INTO rows(id, source, line, offset, length, content_hash, shape, origin, generator,
                             template, seed, temperature, created, judge_score, slice, slices)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO NOTHING
            """)
    }

    mutating func flush(source: Int64) throws {
        let stmt = statement.sqliteStatement
        for row in pending {
            let p = row.recognized.provenance
            let base = row.recognized.ownID ?? row.contentHash.hex
            var id = base
            var attempt = 1
            while true {
                sqlite3_reset(stmt)
                bind(stmt, 1, id)
                sqlite3_bind_int64(stmt, 2, source)
                sqlite3_bind_int64(stmt, 3, Int64(row.line))
                sqlite3_bind_int64(stmt, 4, row.offset)
                sqlite3_bind_int64(stmt, 5, row.length)
                _ = row.contentHash.withUnsafeBytes { sqlite3_bind_blob(stmt, 6, $0.baseAddress, 32, Self.transient) }
                bind(stmt, 7, row.recognized.shape.rawValue)
                bind(stmt, 8, p.origin.rawValue)
                bind(stmt, 9, p.generator)
                bind(stmt, 10, p.template)
                bind(stmt, 11, p.seed)
                bind(stmt, 12, p.temperature)
                bind(stmt, 13, p.created)
                bind(stmt, 14, p.judgeScore)
                bind(stmt, 15, p.slices.first)
                bind(stmt, 16, p.slices.count > 1 ? p.slices.joined(separator: ",") : nil)
                let status = sqlite3_step(stmt)
                guard status == SQLITE_DONE else {
                    let message = String(cString: sqlite3_errmsg(db.sqliteConnection))
                    sqlite3_reset(stmt)
                    throw DatabaseError(resultCode: ResultCode(rawValue: status), message: message)
                }
                if sqlite3_changes(db.sqliteConnection) > 0 { break }
                attempt += 1
                id = "\(base)~\(attempt)"
            }
            if attempt > 1 { renamed += 1 }
        }
        sqlite3_reset(stmt)
        sqlite3_clear_bindings(stmt)
        pending.removeAll(keepingCapacity: true)
    }

    /// SQLITE_TRANSIENT: SQLite copies the text before the Swift buffer goes away.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private func bind(_ stmt: OpaquePointer?, _ index: Int32, _ text: String?) {
        guard var text else { sqlite3_bind_null(stmt, index); return }
        text.withUTF8 { utf8 in
            guard let base = utf8.baseAddress, utf8.count > 0 else {
                _ = sqlite3_bind_text(stmt, index, "", 0, Self.transient)
                return
            }
            _ = sqlite3_bind_text(stmt, index, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self),
                                  Int32(utf8.count), Self.transient)
        }
    }

    // Content hashes are stored as their 32 bytes, not 64 hex characters: a fifth of each row's
    // size, which is what a million-row import pays for in page writes.

    private func bind(_ stmt: OpaquePointer?, _ index: Int32, _ value: Double?) {
        if let value { sqlite3_bind_double(stmt, index, value) } else { sqlite3_bind_null(stmt, index) }
    }
}
