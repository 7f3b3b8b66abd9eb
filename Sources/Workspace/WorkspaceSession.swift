import Foundation
import GRDB
import ProvenanceLog
import WinnowCore

/// An open workspace: its config, its log (repaired if an interrupted write left a torn tail),
/// and its index, brought up to date with the log before anyone reads it.
public final class WorkspaceSession {
    public let paths: WorkspacePaths
    public let config: WorkspaceConfig
    public let log: LogFile
    public private(set) var index: RowIndex
    /// Things the person should hear about (a repaired log tail, a rebuilt index).
    public private(set) var notices: [String] = []

    init(paths: WorkspacePaths, config: WorkspaceConfig, log: LogFile, index: RowIndex) {
        self.paths = paths
        self.config = config
        self.log = log
        self.index = index
    }

    public static func open(_ paths: WorkspacePaths) throws -> WorkspaceSession {
        let config = try WorkspaceConfig.load(path: paths.config)
        for folder in [paths.sources, paths.quarantine, paths.mixes, paths.gates] {
            try WorkspaceCreator.makeDirectory(folder)
        }
        let log = try LogFile.open(at: paths.log, displayPath: paths.display(paths.log), tool: "winnow \(WinnowVersion.current)")
        let indexWasMissing = !FileManager.default.fileExists(atPath: paths.index)
        let index = try RowIndex(path: paths.index)
        let session = WorkspaceSession(paths: paths, config: config, log: log, index: index)
        session.notices += log.repairs.map(\.message)
        session.removeAbandonedImports()
        let replayed = try session.catchUp()
        if indexWasMissing && replayed > 0 {
            session.notices.append("\(paths.display(paths.index)) was missing; rebuilt it from sources/ and the log (\(replayed) entries)")
        }
        return session
    }

    /// Partial source copies left by an import that was killed (Ctrl-C, a dropped ssh session):
    /// the import never reached the log, so the copy is garbage. Only copies whose process is
    /// gone are removed; a running import's copy is left alone.
    func removeAbandonedImports() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: paths.sources)) ?? []
        for name in names where name.hasPrefix(".importing-") {
            let parts = name.split(separator: "-")
            guard parts.count >= 3, let pid = Int32(parts[1]) else { continue }
            if kill(pid, 0) == 0 || errno == EPERM { continue }
            if unlink(paths.sources + "/" + name) == 0 {
                notices.append("removed \(name) from sources/: an import that was interrupted before it was logged")
            }
        }
    }

    public func importFile(_ file: String, options: ImportOptions, progress: ImportProgress?) throws -> ImportSummary {
        let importer = Importer(paths: paths, config: config, index: index)
        return try importer.importFile(file, options: options, progress: progress) { summary, record in
            let payload = ImportPayload(
                source: summary.source, file: summary.file, bytes: Int(summary.bytes), rows: summary.rows,
                quarantined: summary.quarantined, options: record, summary: summary.json)
            let entry = try log.append(payload)
            return (entry.seq, entry.hash)
        }
    }

    /// Deletes everything derived and replays the whole log. Returns the row count.
    @discardableResult
    public func reindex() throws -> Int {
        try index.clear()
        try catchUp()
        return try index.rowCount()
    }

    /// Applies log entries the index has not seen. When the index's position does not match the
    /// log (the log was replaced, or the index came from elsewhere) it starts again from scratch.
    @discardableResult
    func catchUp() throws -> Int {
        let head = try log.head()
        var position = try index.logPosition()
        if position.seq == head.seq && (position.seq == 0 || position.hash == head.hash) { return 0 }
        if try position.seq > head.seq || (position.seq > 0 && logHash(at: position.seq) != position.hash) {
            try index.clear()
            position = (0, "")
        }
        let importer = Importer(paths: paths, config: config, index: index)
        var applied = 0
        try index.write { db in
            let reader = try LogReader(path: paths.log, displayPath: paths.display(paths.log))
            while let entry = try reader.next() {
                if entry.seq <= position.seq { continue }
                try apply(entry, importer: importer, db: db)
                try RowIndex.setLogPosition(db, seq: entry.seq, hash: entry.hash)
                applied += 1
            }
        }
        return applied
    }

    private func logHash(at seq: Int) throws -> String? {
        let reader = try LogReader(path: paths.log, displayPath: paths.display(paths.log))
        while let entry = try reader.next(), entry.seq <= seq {
            if entry.seq == seq { return entry.hash }
        }
        return nil
    }

    /// Appends entries (one lock, one sync) and applies them to the index: the path every
    /// decision, revert and retract takes.
    @discardableResult
    public func record(_ payloads: [any LogPayload]) throws -> [LogEntry] {
        let importer = Importer(paths: paths, config: config, index: index)
        return try index.appendAndApply(payloads, to: log) { entry, db in try apply(entry, importer: importer, db: db) }
    }

    /// What one entry means for the index. Later issues add decisions, reverts and retracts.
    func apply(_ entry: LogEntry, importer: Importer, db: Database) throws {
        switch entry.knownKind {
        case .import:
            let payload = try entry.payload(ImportPayload.self)
            try importer.replay(source: payload.source, file: payload.file, options: payload.options, seq: entry.seq, in: db)
        case .gate:
            // Logs written before gate runs had verdict files: one entry per verdict.
            try RowIndex.apply(try entry.payload(GatePayload.self), seq: entry.seq, in: db)
        case .gateRun:
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
