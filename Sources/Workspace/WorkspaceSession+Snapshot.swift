import Foundation
import GRDB
import ProvenanceLog

extension WorkspaceSession {
    /// An index of the workspace as it stood after log entry `seq`: the first `seq` entries
    /// replayed into a fresh index file at `indexPath`. `winnow mix verify` rebuilds a mix from
    /// the log prefix it was made from, so decisions logged since do not count as a difference.
    /// Throws `WorkspaceError.index` if the log holds fewer than `seq` entries.
    public func snapshot(upTo seq: Int, indexPath: String) throws -> RowIndex {
        let snapshot = try RowIndex(path: indexPath)
        try snapshot.clear()
        let importer = Importer(paths: paths, config: config, index: snapshot)
        var reached = 0
        try snapshot.write { db in
            let reader = try LogReader(path: paths.log, displayPath: paths.display(paths.log))
            while let entry = try reader.next(), entry.seq <= seq {
                try apply(entry, importer: importer, db: db)
                try RowIndex.setLogPosition(db, seq: entry.seq, hash: entry.hash)
                reached = entry.seq
            }
        }
        guard reached == seq else {
            throw WorkspaceError.index(path: paths.display(paths.log), reason: "the log ends at entry \(reached), before entry \(seq)")
        }
        return snapshot
    }
}
