import Foundation
import GRDB
import WinnowCore

/// Inserts rows into the index inside the caller's transaction, giving each a unique id: the
/// row's own id, else its content hash; when that is taken (the same id in two files, or an exact
/// duplicate without an id) the first free `id~2`, `id~3`, ... in import order, so replaying the
/// log always hands out the same ids.
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

    mutating func flush(source: String) throws {
        for row in pending {
            let p = row.recognized.provenance
            let base = row.recognized.ownID ?? row.contentHash
            var id = base
            var attempt = 1
            while true {
                try statement.execute(arguments: [
                    id, source, row.line, row.offset, row.length, row.contentHash, row.recognized.shape.rawValue,
                    p.origin.rawValue, p.generator, p.template, p.seed, p.temperature, p.created, p.judgeScore,
                    p.slices.first, p.slices.isEmpty ? nil : p.slices.joined(separator: ","),
                ])
                if db.changesCount > 0 { break }
                attempt += 1
                id = "\(base)~\(attempt)"
            }
            if attempt > 1 { renamed += 1 }
        }
        pending.removeAll(keepingCapacity: true)
    }
}
