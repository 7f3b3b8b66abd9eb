import Foundation
import GRDB
import PostgresStore
import ProvenanceLog
import WinnowCore

/// An open workspace: its config, its log (repaired if an interrupted write left a torn tail),
/// and its index, brought up to date with the log before anyone reads it.
public final class WorkspaceSession {
    public let paths: WorkspacePaths
    public let config: WorkspaceConfig
    /// Where entries are appended: the log file, or the PostgreSQL store (which copies them
    /// into the file, its replica on this box).
    public let log: any LogAppender
    /// The log file every reader reads: the workspace's own log, or the store's replica.
    public let logFile: LogFile
    /// The store, for a workspace whose log lives in PostgreSQL (`[store] url`).
    public let store: ReplicatedLog?
    public private(set) var index: RowIndex
    /// Things the person should hear about (a repaired log tail, a rebuilt index).
    public internal(set) var notices: [String] = []

    init(paths: WorkspacePaths, config: WorkspaceConfig, logFile: LogFile, store: ReplicatedLog?, index: RowIndex) {
        self.paths = paths
        self.config = config
        self.logFile = logFile
        self.store = store
        self.log = store ?? logFile
        self.index = index
    }

    /// Opens the workspace. `.readWrite` (every command that records anything) first checks
    /// that this user can write it, and says so plainly when not; `.readOnly` (commands that
    /// only read) opens the log read-only, the index read-only unless this user can write it,
    /// and creates nothing (see WorkspaceSession+Access). Either way the index is checked
    /// against the log before use.
    ///
    /// `rebuildingMissingIndex: false` leaves a missing index empty instead of rebuilding it
    /// from the log: for `reindex`, which proves the log and rebuilds it anyway (a million-row
    /// workspace was rebuilt twice, 3.5 minutes instead of 1.7). An index that exists is
    /// always checked against the log: one ahead of it (entries removed) stops every command.
    public static func open(_ paths: WorkspacePaths, access: RowIndex.Access = .readWrite,
                            rebuildingMissingIndex: Bool = true) throws -> WorkspaceSession {
        let config = try WorkspaceConfig.load(path: paths.config)
        if !config.followSymlinks {
            for folder in [paths.logDirectory, paths.sources, paths.quarantine, paths.mixes, paths.gates] {
                if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: folder) {
                    throw WorkspaceError.symlinked(path: paths.display(folder), target: target)
                }
            }
        }
        if access == .readWrite {
            try checkWritable(paths)
            for folder in [paths.sources, paths.quarantine, paths.mixes, paths.gates] {
                try WorkspaceCreator.makeDirectory(folder)
            }
        }
        let indexWasMissing = !FileManager.default.fileExists(atPath: paths.index)
        let index = try RowIndex(path: paths.index, access: access)
        // Opening the log creates it when missing (a new workspace): not when the index was
        // built from one, or a deleted log would pass for an empty one from then on.
        if !FileManager.default.fileExists(atPath: paths.log), try index.logPosition().seq > 0 {
            throw WorkspaceError.logDisagrees(
                log: paths.display(paths.log), line: nil,
                reason: "the log is missing, but the index holds \(try index.logPosition().seq) entries applied from it")
        }
        let tool = "winnow \(WinnowVersion.current)"
        // A store's replica is a copy kept up to date for reading: even a command that only
        // reads brings it up to date where this user may write it (else it would answer from
        // entries other boxes have long added to).
        let replicaWritable = config.store != nil && FileManager.default.isWritableFile(atPath: paths.log)
        let log = access == .readOnly && !replicaWritable
            ? try LogFile.openReadOnly(at: paths.log, displayPath: paths.display(paths.log))
            : try LogFile.open(at: paths.log, displayPath: paths.display(paths.log), tool: tool)
        let store = try config.store.map { url in try ReplicatedLog.open(url, replica: log, tool: tool) }
        if let store { try StoreConfiguration.check(config, paths: paths, store: store) }
        store?.pinnedFiles = { [paths] payload in paths.pinnedFiles(of: payload) }
        let session = WorkspaceSession(paths: paths, config: config, logFile: log, store: store, index: index)
        session.notices += log.repairs.map(\.message)
        if let torn = log.tornTailKept { session.notices.append(torn.message) }
        if let store, log.readOnly, case let behind = try store.behind(), behind > 0 {
            session.notices.append("\(paths.display(paths.log)) is \(behind) entries behind the store at \(store.server.connection.url)"
                + " and this user cannot update it: answers come from the entries it holds")
        }
        // Even a command that only reads removes the copies a killed import left, where it
        // may (the next command cleans up, whichever it is; a reader without write access
        // reports them instead): they are garbage by construction, never in the log.
        session.removeAbandonedCopies()
        if indexWasMissing && !rebuildingMissingIndex { return session }
        let replayed = try session.catchUp()
        if !index.writesItsFile {
            session.noteReadOnlyIndex(replayed: replayed)
        } else if indexWasMissing && replayed > 0 {
            session.notices.append("\(paths.display(paths.index)) was missing; rebuilt it from sources/ and the log (\(replayed) entries)")
        }
        return session
    }

    /// Partial files left by a command that was killed (Ctrl-C, a dropped ssh session) before
    /// it logged them: an import's source copy in `sources/`, a gate run's verdict file in
    /// `gates/`. Garbage, since no entry pins them. Only files whose process is gone are
    /// removed (the pid is in the name); a running command's file is left alone.
    func removeAbandonedCopies() {
        removeAbandoned(in: paths.sources, prefix: ".importing-", what: "an import that was interrupted before it was logged")
        removeAbandoned(in: paths.gates, prefix: ".writing-", what: "a gate run that was interrupted before it was logged")
    }

    private func removeAbandoned(in folder: String, prefix: String, what: String) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        let shown = (folder as NSString).lastPathComponent + "/"
        for name in names where name.hasPrefix(prefix) {
            let parts = name.split(separator: "-")
            guard parts.count >= 3, let pid = Int32(parts[1]) else { continue }
            if kill(pid, 0) == 0 || errno == EPERM { continue }
            let removed = unlink(folder + "/" + name) == 0, code = errno
            if removed {
                notices.append("removed \(name) from \(shown): \(what)")
            } else if code != ENOENT {
                notices.append("\(shown)\(name) is left from \(what) "
                    + "(not removed: \(String(cString: strerror(code))); a command run with write access removes it)")
            }
        }
    }

    public func importFile(_ file: String, options: ImportOptions, progress: ImportProgress?) throws -> ImportSummary {
        let importer = Importer(paths: paths, config: config, index: index)
        let upload = uploadAhead(file)
        defer { upload?.abandon() }
        return try importer.importFile(file, options: options, progress: progress) { summary, record in
            // The source must be in the store before the entry that pins it: sent meanwhile
            // if it could be, else by the append (`ReplicatedLog.pinnedFiles`).
            upload?.finish(as: summary.source)
            let payload = ImportPayload(
                source: summary.source, file: summary.file, bytes: Int(summary.bytes), rows: summary.rows,
                quarantined: summary.quarantined, options: record, summary: summary.json, gates: options.gates)
            let entry = try log.append(payload)
            TestKillPoint.reached("import-logged")
            return (entry.seq, entry.hash)
        }
    }

    /// Reads an imported file again with other options (`import --reread`): the file's content
    /// must be a stored source; its rows are replaced in place (see `Importer.reread`) and one
    /// `reread` entry is logged, inside the index transaction, so the two never disagree.
    public func rereadFile(_ file: String, options: ImportOptions) throws -> ImportSummary {
        let sha = try rereadSource(of: file)
        let importer = Importer(paths: paths, config: config, index: index)
        let record = options.record(config: config)
        var summary = ImportSummary(file: file)
        var quarantined: [QuarantinedRecord] = []
        do {
            try index.write { db in
                let position = try RowIndex.logPosition(db).seq
                let outcome = try importer.reread(source: sha, file: file, options: record, in: db)
                summary = outcome.summary
                quarantined = outcome.quarantined
                let entry = try log.append(RereadPayload(ImportPayload(
                    source: sha, file: file, bytes: Int(summary.bytes), rows: summary.rows, quarantined: summary.quarantined,
                    options: record, summary: summary.json)))
                summary.logSeq = entry.seq
                // Entries another reviewer logged meanwhile (a decision on one of these rows, say)
                // come before this one: applied after it, the index would differ from a replay,
                // which sets aside the decisions a reread reads as another text. So the live apply
                // is rolled back and the log applied in its order instead.
                guard entry.seq == position + 1 else { throw RereadOutOfTurn() }
                try RowIndex.setLogPosition(db, seq: entry.seq, hash: entry.hash)
            }
        } catch is RereadOutOfTurn {
            try catchUp()
        }
        try QuarantineWriter.replace(quarantined, file: file, source: sha, paths: paths)
        return summary
    }

    /// A reread logged after entries the index had not applied yet (see `rereadFile`).
    private struct RereadOutOfTurn: Error {}

    /// The stored source a reread of `file` reads: the file itself, or, for a file of
    /// OpenAssistant message trees, the rows its trees expanded to (what the import stored as
    /// its source). The expansion is deterministic, so expanding the file again names the same
    /// derived source; a tree file whose rows are not stored is left to `Importer.reread` to
    /// refuse, like any file never imported.
    func rereadSource(of file: String) throws -> String {
        let sha = try Self.contentHash(of: file)
        guard try !index.hasSource(sha),
              let expansion = try TreeExpansion.expandIfTrees(file, paths: paths, maxLine: config.maxLineBytes) else { return sha }
        defer { expansion.discard() }
        let derived = try Self.contentHash(of: expansion.derivedPath)
        return try index.hasSource(derived) ? derived : sha
    }

    /// SHA-256 of a file's content as import stores it (gzip decompressed).
    static func contentHash(of file: String) throws -> String {
        let input = try InputFile(path: file)
        var hash = StreamingHash()
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: InputFile.chunkSize)
        defer { buffer.deallocate() }
        while true {
            let n = try input.read(into: buffer, count: InputFile.chunkSize)
            if n <= 0 { break }
            hash.update(UnsafeRawBufferPointer(start: buffer, count: n))
        }
        return hash.finalizeHex()
    }

    /// Proves the whole chain (every hash, seq and link), then deletes everything derived and
    /// replays the log. A log that fails verification stops it before the index is touched:
    /// rebuilding from a tampered log would make the tampering the truth.
    @discardableResult
    public func reindex() throws -> Int {
        try verifyWholeLog()
        try replayAll(clearingFirst: true)
        return try index.rowCount()
    }

    /// Moves a damaged index (or whatever stands at its path that is not a usable file, a
    /// folder say) aside as `index.sqlite.damaged-TIME`, with its -wal and -shm; returns the new
    /// name, or nil when the path holds a regular file SQLite could open but not use for another
    /// reason (a permission problem is not fixed by moving the file).
    public static func moveIndexAside(_ paths: WorkspacePaths) throws -> String? {
        var info = stat()
        guard lstat(paths.index, &info) == 0 else { return nil }
        let isFile = (info.st_mode & S_IFMT) == S_IFREG
        if isFile, access(paths.index, R_OK | W_OK) != 0 { return nil }
        let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
        let aside = paths.index + ".damaged-" + stamp
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: paths.index + suffix) {
            guard rename(paths.index + suffix, aside + suffix) == 0 else {
                throw WorkspaceError.io(path: paths.display(paths.index + suffix), action: "move it aside", errno: errno)
            }
        }
        return aside
    }

    /// `winnow log verify` as a precondition: throws `logDisagrees` naming the first bad line.
    public func verifyWholeLog() throws {
        let display = paths.display(paths.log)
        switch try LogVerifier.verify(path: paths.log, displayPath: display) {
        case .ok: return
        case .failed(let failure):
            throw WorkspaceError.logDisagrees(log: display, line: failure.line, reason: failure.problem.description)
        }
    }

    /// Applies log entries the index has not seen, after checking that the log still holds
    /// what the index was built from: the entry the index applied last (its seq and hash) must
    /// be in the log, and every entry after it must be sound (hash, seq, chain). Only the new
    /// entries are read (backwards from the end), so an up-to-date index costs one look at the
    /// log's last line. A shorter log, a different entry at the index's position or a bad new
    /// entry stops the command: the index is neither updated nor rebuilt from what is left.
    @discardableResult
    func catchUp() throws -> Int {
        try catchUp(then: nil as ((Database) throws -> Void)?).applied
    }

    /// `catchUp`, then `body` in the same write transaction as the new entries' apply, so what
    /// it reads is the index brought up to the log's head and its writes commit with the apply
    /// or not at all; in a write transaction of its own when there is nothing new, or after a
    /// replay of the whole log (which commits first: derived data, replayed again if lost).
    /// Without `body` an up-to-date index is not written at all: every command catches up when
    /// it opens, and a write would copy a read-only reader's whole index into memory for nothing.
    func catchUp<T>(then body: ((Database) throws -> T)?) throws -> (applied: Int, result: T?) {
        // The index's position first, then the log's head: the log only grows, so a head read
        // after the position is at or past it unless entries were removed. Read the other way
        // round, another process's append and apply in between looked like a shorter log (seen
        // with four reviewers on one box of a store).
        let position = try index.logPosition()
        let head = try log.head()
        let display = paths.display(paths.log)
        if position.seq > head.seq {
            throw WorkspaceError.logDisagrees(log: display, line: head.seq == 0 ? nil : head.seq, reason: head.seq == 0
                ? "the log is empty or missing, but the index holds \(position.seq) entries applied from it"
                : "the log ends at entry \(head.seq), but the index applied \(position.seq): entries were removed")
        }
        if position.seq == head.seq {
            guard position.seq == 0 || position.hash == head.hash else {
                throw WorkspaceError.logDisagrees(log: display, line: head.seq,
                                                  reason: "entry \(head.seq) is not the one the index applied (its hash differs)")
            }
            return (0, try body.map { try index.write($0) })
        }
        if position.seq == 0 {
            // An index is rebuilt from a log (a deleted index, a store's copy) only after the log
            // is proved whole, as `reindex` does: the replay checks each entry's place in the
            // sequence, not its hash, and the head check vouches for the last entry alone.
            try verifyWholeLog()
            return (try replayAll(), try body.map { try index.write($0) })
        }
        // The entry at the index's position and everything after it, hashes checked.
        // Another process may append between reading the head and reading the tail: the tail
        // then starts after the index's entry, so it is read again, further back (the entries
        // past the head are sound and applied too).
        var wanted = head.seq - position.seq + 1
        var entries = try LogReader.tail(wanted, path: paths.log, displayPath: display, verifyHashes: true)
        for _ in 0..<3 {
            guard let first = entries.first, first.seq > position.seq else { break }
            wanted += first.seq - position.seq
            entries = try LogReader.tail(wanted, path: paths.log, displayPath: display, verifyHashes: true)
        }
        if let at = entries.firstIndex(where: { $0.seq == position.seq }) { entries.removeFirst(at) }
        guard let first = entries.first, first.seq == position.seq, first.hash == position.hash else {
            throw WorkspaceError.logDisagrees(log: display, line: position.seq,
                                              reason: "entry \(position.seq) is not the one the index applied (the log was rewritten)")
        }
        let importer = Importer(paths: paths, config: config, index: index)
        return try index.write { db in
            // Another process may have applied some of them since `position` was read.
            let applied = try RowIndex.logPosition(db).seq
            var count = 0
            for entry in entries.dropFirst() where entry.seq > applied {
                try apply(entry, importer: importer, db: db)
                try RowIndex.setLogPosition(db, seq: entry.seq, hash: entry.hash)
                count += 1
            }
            return (count, try body?(db))
        }
    }

    /// Applies the whole log to an empty index (a new workspace, a deleted index), or, for
    /// reindex, to one it empties first in the same transaction.
    @discardableResult
    private func replayAll(clearingFirst: Bool = false) throws -> Int {
        let importer = Importer(paths: paths, config: config, index: index)
        var applied = 0
        try index.write { db in
            // Claims are who holds which row right now, not something the log says: kept.
            let claims = clearingFirst ? try RowIndex.liveClaims(db) : []
            if clearingFirst { try RowIndex.clear(db) }
            let reader = try LogReader(path: paths.log, displayPath: paths.display(paths.log))
            while let entry = try reader.next() {
                try apply(entry, importer: importer, db: db)
                try RowIndex.setLogPosition(db, seq: entry.seq, hash: entry.hash)
                applied += 1
            }
            try RowIndex.restoreClaims(claims, in: db)
        }
        return applied
    }

    /// Appends entries (one lock, one sync) and applies them to the index: the path every
    /// decision, revert and retract takes. `releasing`: rows whose claims reviewer `uid` (any
    /// of their processes) gives back in the apply's transaction, as decided rows' are: not in
    /// a write transaction of their own, which this box's other reviewers would queue behind.
    @discardableResult
    public func record(_ payloads: [any LogPayload], releasing: (rows: [String], uid: Int)? = nil) throws -> [LogEntry] {
        let importer = Importer(paths: paths, config: config, index: index)
        return try index.appendAndApply(payloads, to: log, apply: { entry, db in try apply(entry, importer: importer, db: db) }) { db in
            guard let releasing else { return }
            for row in releasing.rows { try RowIndex.releaseClaim(onRow: row, uid: releasing.uid, in: db) }
        }
    }

    /// What one entry means for the index. Later issues add decisions, reverts and retracts.
    func apply(_ entry: LogEntry, importer: Importer, db: Database) throws {
        switch entry.knownKind {
        case .import:
            let payload = try entry.payload(ImportPayload.self)
            try fetchPinnedFile(payload.source, to: paths.source(payload.source))
            try importer.replay(source: payload.source, file: payload.file, options: payload.options, seq: entry.seq, in: db)
            if payload.gates == true { try RowIndex.markGatesWanted(db) }
        case .reread:
            let payload = try entry.payload(RereadPayload.self).read
            try fetchPinnedFile(payload.source, to: paths.source(payload.source))
            _ = try importer.reread(source: payload.source, file: payload.file, options: payload.options, in: db)
        case .gate:
            // Logs written before gate runs had verdict files: one entry per verdict.
            try RowIndex.apply(try entry.payload(GatePayload.self), seq: entry.seq, in: db)
        case .gateRun:
            let run = try entry.payload(GateRunPayload.self)
            try fetchPinnedFile(run.verdicts, to: paths.verdictFile(run.verdicts))
            try applyGateRun(entry, db: db)
        case .decision:
            try RowIndex.apply(decision: try entry.payload(DecisionPayload.self), entry: entry, in: db)
        case .revert:
            try RowIndex.apply(revert: try entry.payload(RevertPayload.self), in: db)
        case .retract:
            try RowIndex.apply(retract: try entry.payload(RetractPayload.self), in: db)
        default:
            break
        }
    }
}

/// The version recorded in every log entry's `tool` field.
public enum WinnowVersion {
    public static let current = "0.1.0"
}
