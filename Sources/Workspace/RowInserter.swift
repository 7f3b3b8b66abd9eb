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

    /// Inserts `rows` in order; their texts are in `arena` (laid out by a parsing thread).
    mutating func insert(_ rows: [StagedRow], arena: RowArena, source: Int64) throws {
        let stmt = statement.sqliteStatement
        // Values bound in place point into `arena`: clear them before the arena goes away.
        defer { sqlite3_clear_bindings(stmt) }
        for row in rows {
            var attempt = 1
            var renamedID: String?
            while true {
                var taken = false
                let status = arena.bytes.withUnsafeBytes { raw -> Int32 in
                    var status: Int32 = SQLITE_OK
                    RowArena.read(raw, at: row.at) { texts, hash in
                        // Bound in place (SQLITE_STATIC): SQLITE_TRANSIENT made SQLite copy each
                        // text into an allocation of its own, eight per row with their mutexes.
                        func bindText(_ index: Int32, _ text: UnsafeRawBufferPointer?) {
                            guard let text else { sqlite3_bind_null(stmt, index); return }
                            guard let base = text.baseAddress, !text.isEmpty else {
                                sqlite3_bind_text(stmt, index, "", 0, Self.transient)
                                return
                            }
                            sqlite3_bind_text(stmt, index, base.assumingMemoryBound(to: CChar.self), Int32(text.count), nil)
                        }
                        if let renamedID {
                            bind(stmt, 1, renamedID)
                        } else {
                            bindText(1, texts[0])
                        }
                        sqlite3_bind_int64(stmt, 2, source)
                        sqlite3_bind_int64(stmt, 3, Int64(row.line))
                        sqlite3_bind_int64(stmt, 4, row.offset)
                        sqlite3_bind_int64(stmt, 5, row.length)
                        sqlite3_bind_blob(stmt, 6, hash.baseAddress, 32, nil)
                        bindText(7, texts[1])
                        bindText(8, texts[2])
                        bindText(9, texts[3])
                        bindText(10, texts[4])
                        bindText(11, texts[5])
                        bind(stmt, 12, row.temperature)
                        bindText(13, texts[6])
                        bind(stmt, 14, row.judgeScore)
                        bindText(15, texts[7])
                        bindText(16, texts[8])
                        status = sqlite3_step(stmt)
                        // Every parameter is bound again before the next step, so the values
                        // bound in place are only cleared once, after the batch (the defer above).
                        sqlite3_reset(stmt)
                        if status == SQLITE_DONE && sqlite3_changes(db.sqliteConnection) == 0 {
                            // The id is taken: try the first free `id~2`, `id~3`, ...
                            taken = true
                            let base = texts[0].map { String(decoding: $0, as: UTF8.self) } ?? ""
                            renamedID = "\(base)~\(attempt + 1)"
                        }
                    }
                    return status
                }
                guard status == SQLITE_DONE else {
                    let message = String(cString: sqlite3_errmsg(db.sqliteConnection))
                    throw DatabaseError(resultCode: ResultCode(rawValue: status), message: message)
                }
                if !taken { break }
                attempt += 1
            }
            if attempt > 1 { renamed += 1 }
        }
    }

    private func bind(_ stmt: OpaquePointer?, _ index: Int32, _ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            _ = sqlite3_bind_text(stmt, index, UnsafeRawPointer(utf8.baseAddress!).assumingMemoryBound(to: CChar.self),
                                  Int32(utf8.count), Self.transient)
        }
    }

    /// SQLITE_TRANSIENT: SQLite copies the value before the Swift buffer goes away.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    // Content hashes are stored as their 32 bytes, not 64 hex characters: a fifth of each row's
    // size, which is what a million-row import pays for in page writes.

    private func bind(_ stmt: OpaquePointer?, _ index: Int32, _ value: Double?) {
        if let value { sqlite3_bind_double(stmt, index, value) } else { sqlite3_bind_null(stmt, index) }
    }
}
