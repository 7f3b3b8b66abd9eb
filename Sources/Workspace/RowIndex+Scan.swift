import Foundation
import GRDB
import GRDBSQLite
import WinnowCore

extension RowIndex {
    /// `rows(after:limit:)` read through SQLite's C API, for passes over every row (a gate run
    /// over a million rows): GRDB's `Row`, read by column name, cost several microseconds a row
    /// of it. The same rows, the same values (a test holds the two together).
    func scanRows(after: Int64, limit: Int) throws -> [(n: Int64, row: IndexedRow)] {
        try read { db in
            let statement = try db.cachedStatement(sql: Self.scanSelect + " WHERE rows.n > ? ORDER BY rows.n LIMIT ?")
            try statement.setArguments([after, limit])
            return try Self.decodeRows(statement, db)
        }
    }

    /// The rows with these numbers (in any order), read the same way.
    func rows(numbers: [Int64]) throws -> [Int64: IndexedRow] {
        var result: [Int64: IndexedRow] = [:]
        result.reserveCapacity(numbers.count)
        try read { db in
            for part in stride(from: 0, to: numbers.count, by: 500) {
                let slice = Array(numbers[part..<min(part + 500, numbers.count)])
                let marks = Array(repeating: "?", count: slice.count).joined(separator: ",")
                let statement = try db.makeStatement(sql: Self.scanSelect + " WHERE rows.n IN (\(marks))")
                try statement.setArguments(StatementArguments(slice))
                for (n, row) in try Self.decodeRows(statement, db) { result[n] = row }
            }
        }
        return result
    }

    static let scanSelect = """
        SELECT rows.n, rows.id, sources.sha, rows.line, rows.offset, rows.length, rows.content_hash, rows.shape,
               rows.origin, rows.generator, rows.template, rows.seed, rows.temperature, rows.created,
               rows.judge_score, rows.slice, rows.slices, rows.tagged, rows.state
        FROM rows JOIN sources ON sources.id = rows.source
        """

    static func decodeRows(_ statement: Statement, _ db: Database) throws -> [(n: Int64, row: IndexedRow)] {
        let s = statement.sqliteStatement
        defer { sqlite3_reset(s) }
        func text(_ i: Int32) -> String? {
            guard sqlite3_column_type(s, i) != SQLITE_NULL, let p = sqlite3_column_text(s, i) else { return nil }
            return String(cString: p)
        }
        func double(_ i: Int32) -> Double? { sqlite3_column_type(s, i) == SQLITE_NULL ? nil : sqlite3_column_double(s, i) }
        var result: [(n: Int64, row: IndexedRow)] = []
        while true {
            let status = sqlite3_step(s)
            if status == SQLITE_DONE { break }
            guard status == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: status), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
            }
            var p = Provenance()
            p.origin = text(8).flatMap(Origin.init(rawValue:)) ?? .unknown
            p.generator = text(9)
            p.template = text(10)
            p.seed = text(11)
            p.temperature = double(12)
            p.created = text(13)
            p.judgeScore = double(14)
            let slice = text(15), slices = text(16)
            p.slices = slices.map { $0.split(separator: ",").map(String.init) } ?? slice.map { [$0] } ?? []
            let hashCount = Int(sqlite3_column_bytes(s, 6))
            let hash = sqlite3_column_blob(s, 6).map { Digest(bytes: UnsafeRawBufferPointer(start: $0, count: hashCount)) } ?? nil
            result.append((sqlite3_column_int64(s, 0), IndexedRow(
                id: text(1) ?? "", source: text(2) ?? "", line: Int(sqlite3_column_int64(s, 3)),
                offset: sqlite3_column_int64(s, 4), length: sqlite3_column_int64(s, 5), contentHash: hash?.hex ?? "",
                shape: text(7).flatMap(RowShape.init(rawValue:)) ?? .chat, provenance: p, state: RowState(stored: text(18)),
                sliceTagged: sqlite3_column_int64(s, 17) == 1)))
        }
        return result
    }
}

extension IndexedRow {
    init(id: String, source: String, line: Int, offset: Int64, length: Int64, contentHash: String, shape: RowShape,
         provenance: Provenance, state: RowState, sliceTagged: Bool) {
        self.id = id
        self.source = source
        self.line = line
        self.offset = offset
        self.length = length
        self.contentHash = contentHash
        self.shape = shape
        self.provenance = provenance
        self.state = state
        self.sliceTagged = sliceTagged
    }
}
