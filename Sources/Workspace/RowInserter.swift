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
    /// The texts of the row being inserted, bound in place, and where each sits (nil: NULL).
    private var texts: [UInt8] = []
    private var staged: [Range<Int>?] = []

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
                // The row's texts go into one reused buffer and are bound in place (SQLITE_STATIC):
                // with SQLITE_TRANSIENT SQLite copied each into an allocation of its own (a malloc,
                // a free and their mutexes per text, seven or so per row) on the single writer thread.
                texts.removeAll(keepingCapacity: true)
                staged.removeAll(keepingCapacity: true)
                stage(id); stage(row.recognized.shape.rawValue); stage(p.origin.rawValue); stage(p.generator)
                stage(p.template); stage(p.seed); stage(p.created); stage(p.slices.first)
                stage(p.slices.count > 1 ? p.slices.joined(separator: ",") : nil)
                let hashAt = texts.count
                row.contentHash.withUnsafeBytes { texts.append(contentsOf: $0) }
                let status = texts.withUnsafeBufferPointer { buffer -> Int32 in
                    func bindText(_ index: Int32, _ range: Range<Int>?) {
                        guard let range else { sqlite3_bind_null(stmt, index); return }
                        guard let base = buffer.baseAddress, !range.isEmpty else {
                            sqlite3_bind_text(stmt, index, "", 0, Self.transient)
                            return
                        }
                        let start = UnsafeRawPointer(base + range.lowerBound).assumingMemoryBound(to: CChar.self)
                        sqlite3_bind_text(stmt, index, start, Int32(range.count), nil)  // SQLITE_STATIC
                    }
                    bindText(1, staged[0])
                    sqlite3_bind_int64(stmt, 2, source)
                    sqlite3_bind_int64(stmt, 3, Int64(row.line))
                    sqlite3_bind_int64(stmt, 4, row.offset)
                    sqlite3_bind_int64(stmt, 5, row.length)
                    sqlite3_bind_blob(stmt, 6, buffer.baseAddress! + hashAt, 32, nil)  // SQLITE_STATIC
                    bindText(7, staged[1])
                    bindText(8, staged[2])
                    bindText(9, staged[3])
                    bindText(10, staged[4])
                    bindText(11, staged[5])
                    bind(stmt, 12, p.temperature)
                    bindText(13, staged[6])
                    bind(stmt, 14, p.judgeScore)
                    bindText(15, staged[7])
                    bindText(16, staged[8])
                    let status = sqlite3_step(stmt)
                    // SQLite may read values bound in place until they are cleared: clear them
                    // while the buffer is still where they point.
                    sqlite3_reset(stmt)
                    sqlite3_clear_bindings(stmt)
                    return status
                }
                guard status == SQLITE_DONE else {
                    let message = String(cString: sqlite3_errmsg(db.sqliteConnection))
                    throw DatabaseError(resultCode: ResultCode(rawValue: status), message: message)
                }
                if sqlite3_changes(db.sqliteConnection) > 0 { break }
                attempt += 1
                id = "\(base)~\(attempt)"
            }
            if attempt > 1 { renamed += 1 }
        }
        pending.removeAll(keepingCapacity: true)
    }

    /// Appends `text` to the row's text buffer and where it sits there to `staged` (nil: NULL).
    private mutating func stage(_ text: String?) {
        guard var text else { staged.append(nil); return }
        let start = texts.count
        text.withUTF8 { texts.append(contentsOf: $0) }
        staged.append(start..<texts.count)
    }

    /// SQLITE_TRANSIENT: SQLite copies the value before the Swift buffer goes away.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    // Content hashes are stored as their 32 bytes, not 64 hex characters: a fifth of each row's
    // size, which is what a million-row import pays for in page writes.

    private func bind(_ stmt: OpaquePointer?, _ index: Int32, _ value: Double?) {
        if let value { sqlite3_bind_double(stmt, index, value) } else { sqlite3_bind_null(stmt, index) }
    }
}
