import Foundation
import GRDB
import WinnowCore

/// Reports import progress (bytes consumed of the input, rows so far); the CLI draws a bar.
public protocol ImportProgress: AnyObject {
    func update(bytesRead: Int64, totalBytes: Int64, rows: Int)
    func finish()
}

/// Reads a file of rows into the workspace: the file is copied into `sources/` under its
/// SHA-256 while it is parsed, each record is recognised or quarantined, rows go into the index,
/// and one `import` entry goes into the log. Nothing the file holds is lost: bad records stay in
/// the stored source and are listed in `quarantine/` with file, line and reason.
final class Importer {
    let paths: WorkspacePaths
    let config: WorkspaceConfig
    let index: RowIndex
    /// Parse threads: one a core. Asked once a process: the answer reads the cgroup's files, and
    /// an importer is made for every catch-up of the index (each decision on a store).
    var workers: Int { Self.cores }
    private static let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)

    init(paths: WorkspacePaths, config: WorkspaceConfig, index: RowIndex) {
        self.paths = paths
        self.config = config
        self.index = index
        ProcessSettings.forImport()
    }

    /// Imports one file. `appendEntry` writes the import entry to the log and returns its
    /// position; it runs inside the index transaction so the index never claims rows the log
    /// does not have.
    func importFile(
        _ file: String, options: ImportOptions, progress: ImportProgress?,
        appendEntry: (_ summary: ImportSummary, _ options: JSONValue) throws -> (seq: Int, hash: String)
    ) throws -> ImportSummary {
        // A file of OpenAssistant message trees imports as the rows it expands to.
        if let expansion = try TreeExpansion.expandIfTrees(file, paths: paths, maxLine: config.maxLineBytes) {
            defer { expansion.discard() }
            return try importRecords(
                from: expansion.derivedPath, file: file, expansion: expansion, options: options, progress: progress, appendEntry: appendEntry)
        }
        return try importRecords(from: file, file: file, expansion: nil, options: options, progress: progress, appendEntry: appendEntry)
    }

    /// Imports the records of `path` (the file itself, or the rows its trees expanded to) as
    /// the import of `file`.
    private func importRecords(
        from path: String, file: String, expansion: TreeExpansion?, options: ImportOptions, progress: ImportProgress?,
        appendEntry: (_ summary: ImportSummary, _ options: JSONValue) throws -> (seq: Int, hash: String)
    ) throws -> ImportSummary {
        var summary = ImportSummary(file: file)
        let input = try InputFile(path: path)
        let temp = paths.sources + "/.importing-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let copy = try SourceCopy(path: temp)
        defer { copy.discard() }
        var fileHash = StreamingHash()
        let splitter = RecordSplitter(input: input, maxRecordBytes: config.maxLineBytes) { chunk in
            fileHash.update(chunk)
            try copy.write(chunk)
        }
        let recognizer = options.recognizer(config: config)
        let optionsRecord = options.record(config: config)
        let before = try index.logPosition()
        let bulk = try options.bulkLoad ?? isBulkLoad(fileSize: input.fileSize)
        let journalSwitched = try bulk && index.beginBulkLoad()
        defer { if journalSwitched { index.endBulkLoad() } }
        // Every row's `source` is the source row this transaction inserts first: checking that
        // foreign key per row was 6% of SQLite's work for nothing.
        try index.setForeignKeyChecks(false)
        defer { try? index.setForeignKeyChecks(true) }
        try index.write { db in
            var inserter = try RowInserter(db: db)
            var quarantined: [QuarantinedRecord] = []
            // The source's hash is known only at the end; its row gets a provisional name now
            // so rows can point at it while the file streams through.
            let sourceID = try Self.insertSource(db, sha: "importing-\(temp.hashValue)", file: file, seq: 0, options: optionsRecord)
            let pipeline = ParsePipeline(splitter: splitter, recognizer: recognizer, workers: workers, countingFor: config)
            defer { pipeline.drain() }
            do {
                while let batch = try pipeline.next() {
                    if let tally = batch.tally { summary.merge(tally) }
                    quarantined += batch.quarantined
                    try inserter.insert(batch.rows, arena: batch.arena, source: sourceID)
                    progress?.update(bytesRead: batch.consumed, totalBytes: input.fileSize, rows: summary.rows)
                }
            } catch let error as WorkspaceError {
                guard case .input(_, let reason) = error else { throw error }
                // A corrupt gzip stream: keep what was read before it, and say so.
                summary.readError = reason
            }
            progress?.finish()
            summary.format = splitter.arrayMode ? "json-array" : "jsonl"
            summary.bytes = copy.bytesWritten
            summary.source = fileHash.finalizeHex()
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM sources WHERE sha = ?", arguments: [summary.source]) ?? false {
                summary = ImportSummary(file: file)
                summary.source = fileHash.finalizeHex()
                summary.alreadyImported = true
                throw AlreadyImported()
            }
            summary.renamedIDs = inserter.renamed
            try copy.commit(to: paths.source(summary.source))
            if !quarantined.isEmpty {
                try QuarantineWriter.write(quarantined, file: file, source: summary.source, paths: paths)
            }
            let ownQuarantined = summary.quarantined
            if let expansion {
                try expansion.commitOriginal(file: file, paths: paths)
                summary.format = "oasst-trees"
                summary.expandedFrom = expansion.json
                summary.quarantined += expansion.quarantined.count
                for record in expansion.quarantined { summary.quarantineReasons[ImportSummary.reasonKind(record.reason), default: 0] += 1 }
            }
            let (seq, hash) = try appendEntry(summary, optionsRecord)
            summary.logSeq = seq
            // The derived source's own counts, as a replay of it finds them.
            try db.execute(
                sql: "UPDATE sources SET sha = ?, bytes = ?, rows = ?, quarantined = ?, seq = ? WHERE id = ?",
                arguments: [summary.source, summary.bytes, summary.rows, ownQuarantined, seq, sourceID])
            // Another process may have appended in between; then leave the position where it
            // was, and the next open replays the gap (this import is skipped as present).
            if seq == before.seq + 1 { try RowIndex.setLogPosition(db, seq: seq, hash: hash) }
            // In the same transaction as the rows: killed before its gates, the import leaves
            // them pending, never silently ungated.
            if options.gates { try RowIndex.markGatesWanted(db) }
        } ifAlreadyImported: {
            summary.alreadyImported = true
        }
        return summary
    }

    /// Re-reads a stored source as a logged import did (reindex, and catching up the index).
    func replay(source sha: String, file: String, options record: JSONValue, seq: Int, in db: Database) throws {
        guard let (recognizer, maxLine) = ImportOptions.replaying(record) else {
            throw WorkspaceError.index(path: paths.log, reason: "import entry \(seq) has unreadable options")
        }
        if try Bool.fetchOne(db, sql: "SELECT 1 FROM sources WHERE sha = ?", arguments: [sha]) ?? false { return }
        let stored = paths.source(sha)
        guard FileManager.default.fileExists(atPath: stored) else {
            throw WorkspaceError.sourceMissing(sha: sha, path: paths.display(stored))
        }
        let input = try InputFile(path: stored)
        // Hashed as it streams: a source changed since its import fails the replay (the
        // transaction rolls back) instead of bringing in rows nobody imported.
        let hash = LockedHash()
        let splitter = RecordSplitter(input: input, maxRecordBytes: maxLine) { hash.update($0) }
        var inserter = try RowInserter(db: db)
        let sourceID = try Self.insertSource(db, sha: sha, file: file, seq: seq, options: record)
        var rows = 0, quarantined = 0
        let pipeline = ParsePipeline(splitter: splitter, recognizer: recognizer, workers: workers)
        defer { pipeline.drain() }
        while let batch = try pipeline.next() {
            rows += batch.rows.count
            quarantined += batch.quarantined.count
            try inserter.insert(batch.rows, arena: batch.arena, source: sourceID)
        }
        try hash.check(sha, path: paths.display(stored))
        try db.execute(
            sql: "UPDATE sources SET bytes = ?, rows = ?, quarantined = ? WHERE id = ?",
            arguments: [Int64(input.bytesConsumed), rows, quarantined, sourceID])
    }
}

struct AlreadyImported: Error {}

/// A SHA-256 fed from the pipeline's reader thread and read once it has finished.
final class LockedHash: @unchecked Sendable {
    private var hash = StreamingHash()
    private let lock = NSLock()

    func update(_ chunk: UnsafeRawBufferPointer) {
        lock.lock()
        hash.update(chunk)
        lock.unlock()
    }

    /// Throws `sourceChanged` unless the bytes seen hash to `sha`.
    func check(_ sha: String, path: String) throws {
        lock.lock()
        let actual = hash.finalizeHex()
        lock.unlock()
        guard actual == sha else { throw WorkspaceError.sourceChanged(sha: sha, path: path, actual: actual) }
    }
}

extension Importer {
    /// Files above this size that bring more rows than the workspace has (rows ~ 1 kB each) are
    /// loaded with a rollback journal (see `RowIndex.beginBulkLoad`).
    static let bulkLoadAbove: Int64 = 64 << 20

    func isBulkLoad(fileSize: Int64) throws -> Bool {
        guard fileSize > Self.bulkLoadAbove else { return false }
        let enough = fileSize / 1000
        let existing = try index.read { db in
            try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM (SELECT 1 FROM rows LIMIT ?)", arguments: [enough]) ?? 0
        }
        return existing < enough
    }

    static func insertSource(_ db: Database, sha: String, file: String, seq: Int, options: JSONValue) throws -> Int64 {
        try db.execute(
            sql: "INSERT INTO sources(sha, file, bytes, rows, quarantined, seq, options) VALUES (?, ?, 0, 0, 0, ?, ?)",
            arguments: [sha, file, seq, options.canonicalString])
        return db.lastInsertedRowID
    }
}

extension RowIndex {
    /// `write`, where an `AlreadyImported` thrown inside rolls back and calls `ifAlreadyImported`.
    func write(_ body: (Database) throws -> Void, ifAlreadyImported: () -> Void) throws {
        do {
            try write(body)
        } catch is AlreadyImported {
            ifAlreadyImported()
        }
    }
}
