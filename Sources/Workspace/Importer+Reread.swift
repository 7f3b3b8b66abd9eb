import Foundation
import GRDB
import WinnowCore

/// Why a reread was refused; nothing was changed or logged.
public struct RereadRefusal: UserFacingError {
    public let file: String
    public let reason: String
    public var message: String { "\(file): not re-read: \(reason)" }
}

/// What a reread did to the rows of its source.
struct RereadOutcome {
    var summary: ImportSummary
    var quarantined: [QuarantinedRecord] = []
    /// Rows that were there and were read again in place.
    var updated = 0
    /// Records quarantined before that the new options import.
    var added = 0
}

/// Reading a stored source again with other options (`winnow import --reread`): a file imported
/// without the mapping it needed must not be stuck with the rows it got.
///
/// Rows are replaced in place: each record keeps its row number and id, so claims and the
/// log's references to it stand, and only what the options decide changes (shape,
/// provenance, and so the text every reviewer, gate and mix sees). Records quarantined before
/// that now read become new rows. The reread is refused, with nothing changed, when the new
/// options would lose an imported row (it no longer reads) or change an id (decisions are
/// recorded by id): a person must see that, not find it later.
///
/// A decision stands for the text its reviewer saw, in the slice they saw it in. A decided row
/// whose text or slice the new options change (another field mapped to the answer, say), or
/// that was edited, goes back to review: its decisions stay in the log and the index, no longer
/// standing, as a revert leaves them, and the row is planned into the queue again. Before, an
/// accept of one text shipped another as accepted, in a critical slice too. This runs for the
/// logged entry on replay as well, with the options the source had just before it, so a
/// rebuilt index sets aside the same decisions.
extension Importer {
    func reread(source sha: String, file: String, options record: JSONValue, in db: Database) throws -> RereadOutcome {
        guard let (recognizer, maxLine) = ImportOptions.replaying(record) else {
            throw RereadRefusal(file: file, reason: "the options cannot be read back")
        }
        guard let sourceID = try Int64.fetchOne(db, sql: "SELECT id FROM sources WHERE sha = ?", arguments: [sha]) else {
            throw RereadRefusal(file: file, reason: "it was never imported into this workspace (import it without --reread)")
        }
        let stored = paths.source(sha)
        guard FileManager.default.fileExists(atPath: stored) else {
            throw WorkspaceError.sourceMissing(sha: sha, path: paths.display(stored))
        }
        var existing: [Int64: (n: Int64, id: String, line: Int)] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT n, id, offset, line FROM rows WHERE source = ?", arguments: [sourceID]) {
            existing[row["offset"]] = (row["n"], row["id"], row["line"])
        }
        let oldOptions = try String.fetchOne(db, sql: "SELECT options FROM sources WHERE id = ?", arguments: [sourceID])
        let decided = try DecidedTexts(source: sourceID, options: try oldOptions.map { try JSONValue.parse($0) } ?? .object([]),
                                       stored: stored, display: paths.display(stored), in: db)
        var changed: [Int64] = []
        let input = try InputFile(path: stored)
        let hash = LockedHash()
        let splitter = RecordSplitter(input: input, maxRecordBytes: maxLine) { hash.update($0) }
        let pipeline = ParsePipeline(splitter: splitter, recognizer: recognizer, workers: workers, countingFor: config)
        defer { pipeline.drain() }
        var outcome = RereadOutcome(summary: ImportSummary(file: file))
        outcome.summary.source = sha
        outcome.summary.reread = true
        var inserter = try RowInserter(db: db)
        var seen = Set<Int64>()
        let update = try db.makeStatement(sql: Self.updateSQL)
        while let batch = try pipeline.next() {
            if let tally = batch.tally { outcome.summary.merge(tally) }
            outcome.quarantined += batch.quarantined
            var added: [StagedRow] = []
            for staged in batch.rows {
                guard let old = existing[staged.offset] else { added.append(staged); continue }
                seen.insert(staged.offset)
                let texts = batch.arena.texts(at: staged.at)
                let id = texts[0] ?? ""
                guard old.id == id || old.id.hasPrefix(id + "~") else {
                    throw RereadRefusal(file: file, reason: "line \(old.line): the row's id would change from '\(old.id)' to '\(id)' "
                        + "(decisions are recorded by id); keep the id path as it was")
                }
                try update.execute(arguments: [texts[1], texts[2], texts[3], texts[4], texts[5], staged.temperature, texts[6],
                                               staged.judgeScore, texts[7], texts[7], texts[8], texts[7], old.n])
                // Only a decided row's new slice is looked up: a reread of a million rows is not
                // a million more queries for the few a reviewer saw.
                if decided.covers(staged.offset) {
                    let slice = try String.fetchOne(db.cachedStatement(sql: "SELECT slice FROM rows WHERE n = ?"), arguments: [old.n])
                    if try decided.setsAside(at: staged.offset, shape: texts[1].flatMap(RowShape.init(rawValue:)), slice: slice, with: recognizer) {
                        changed.append(old.n)
                    }
                }
                try RowIndex.unplan(old.n, in: db)
                outcome.updated += 1
            }
            try inserter.insert(added, arena: batch.arena, source: sourceID)
            outcome.added += added.count
        }
        try hash.check(sha, path: paths.display(stored))
        // The rows read again have new text: their verdicts are the old text's until the gates
        // run over them (on replay too: this runs for the logged entry as well).
        if let first = existing.values.map(\.n).min() {
            try RowIndex.regate(from: first, in: db)
        }
        let lost = existing.filter { !seen.contains($0.key) }
        if !lost.isEmpty {
            let reasons = Dictionary(outcome.quarantined.map { ($0.offset, $0.reason) }, uniquingKeysWith: { a, _ in a })
            let first = lost.sorted { $0.key < $1.key }.prefix(3).map { "line \($0.value.line): \(reasons[$0.key] ?? "not read")" }
            throw RereadRefusal(file: file, reason: "the new options leave \(lost.count) imported rows unreadable (\(first.joined(separator: "; ")))")
        }
        for n in changed {
            try db.execute(sql: "UPDATE decisions SET standing = 0 WHERE n = ? AND standing = 1", arguments: [n])
            try RowIndex.resolve(n, in: db)
        }
        outcome.summary.decisionsSetAside = changed.count
        outcome.summary.rows = outcome.updated + outcome.added
        outcome.summary.quarantined = outcome.quarantined.count
        outcome.summary.bytes = input.bytesConsumed
        try db.execute(sql: "UPDATE sources SET rows = ?, quarantined = ?, options = ? WHERE id = ?",
                       arguments: [outcome.summary.rows, outcome.summary.quarantined, record.canonicalString, sourceID])
        return outcome
    }

    /// A row read again: its own slice from the new options wins; without one, a slice the
    /// classifier gave stays until the gates run again (they re-tag or clear it, and log it).
    static let updateSQL = """
        UPDATE rows SET shape = ?, origin = ?, generator = ?, template = ?, seed = ?, temperature = ?, created = ?,
            judge_score = ?,
            slice = COALESCE(?, CASE WHEN tagged = 1 THEN slice END),
            slices = CASE WHEN ? IS NOT NULL THEN ? WHEN tagged = 1 THEN slices END,
            tagged = CASE WHEN ? IS NULL AND tagged = 1 THEN 1 ELSE 0 END
        WHERE n = ?
        """
}

extension RowArena {
    /// One record's texts as strings (nil for NULL), in `RowInserter`'s column order. For the
    /// rare paths (a reread); the import itself binds the bytes in place.
    func texts(at record: Int) -> [String?] {
        bytes.withUnsafeBytes { raw in
            var out: [String?] = []
            RowArena.read(raw, at: record) { texts, _ in
                out = texts.map { $0.map { String(decoding: $0, as: UTF8.self) } }
            }
            return out
        }
    }
}
