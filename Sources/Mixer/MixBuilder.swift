import Foundation
import ProvenanceLog
import WinnowCore
import Workspace

/// How a mix is built beyond what its spec says.
public struct MixOptions: Sendable {
    public var bestEffort = false
    public var stripProvenance = false
    /// Where to write it (default: the workspace's mixes/NAME).
    public var output: String?
    /// See `MixWriter.fastPaths` (tests turn it off to compare).
    var fastPaths = true

    public init(bestEffort: Bool = false, stripProvenance: Bool = false, output: String? = nil) {
        self.bestEffort = bestEffort
        self.stripProvenance = stripProvenance
        self.output = output
    }
}

/// A mix that was built: where it is, what its manifest says, its report, its log entry.
public struct MixOutcome: Sendable {
    public var directory: String
    public var manifest: MixManifest
    public var report: MixReport
    public var logSeq: Int
}

/// Builds mixes in a workspace: compose (pure, from the index and the spec), write into a
/// temporary folder, move it into place in one rename, then log a `mix` entry. A failure at
/// any step leaves no folder behind, and a mix that is on disk is in the log.
public final class MixBuilder {
    public let session: WorkspaceSession

    public init(session: WorkspaceSession) { self.session = session }

    public func spec(at path: String) throws -> MixSpec {
        try MixSpec.load(path: path, defaults: session.config.mix)
    }

    public func build(_ spec: MixSpec, options: MixOptions) throws -> MixOutcome {
        let target = options.output ?? session.paths.mixes + "/" + spec.name
        if FileManager.default.fileExists(atPath: target) { throw MixError.outputExists(path: target) }
        // A mix is a record others train on: the whole log and every source are proven first.
        try session.verifyWholeLog()
        try session.verifySources()
        // Rows whose gates never ran could be duplicates, contaminated or blocklisted: a mix of
        // them would not say so, so none is built until the gates have run.
        let pending = try session.index.pendingGateRows()
        if pending > 0 { throw WorkspaceError.gatesPending(rows: pending) }
        let head = try session.index.logPosition()
        let (manifest, report) = try render(spec, options: options, index: session.index, head: head, into: target, scanMustBeAt: head)
        let payload = MixPayload(
            name: spec.name, spec: spec.hash, output: manifest.outputs["data.jsonl"] ?? "", headSeq: head.seq,
            headHash: head.seq == 0 ? LogEntry.genesisHash : head.hash, rows: report.rows,
            extra: .object([("directory", .string(session.paths.display(target)))]))
        do {
            let entry = try session.record([payload])[0]
            return MixOutcome(directory: target, manifest: manifest, report: report, logSeq: entry.seq)
        } catch {
            try? FileManager.default.removeItem(atPath: target)
            throw error
        }
    }

    /// Composes and writes a mix into `target` (which must not exist) through a temporary
    /// sibling folder renamed into place. Nothing is logged (`mix verify` uses this too).
    /// `scanMustBeAt`: for a new mix, the position its checks ran at; the row scan refuses a
    /// workspace that moved since or has rows pending gates (checked inside the scan's read).
    /// `lineage`: nil reads it from winnow.toml and the mixes it names (a new mix); a rebuild
    /// passes what the manifest recorded.
    func render(_ spec: MixSpec, options: MixOptions, index: RowIndex, head: (seq: Int, hash: String),
                into target: String, scanMustBeAt: (seq: Int, hash: String)? = nil,
                lineage recorded: MixLineageUse? = nil) throws -> (MixManifest, MixReport) {
        let lineage = try recorded.map(MixLineageSource.recorded)
            ?? .live(MixLineage.read(config: session.config, root: session.paths.root))
        let composition = try MixComposition.compose(
            index: index, config: session.config, spec: spec, lineage: lineage, bestEffort: options.bestEffort,
            logPath: session.paths.log, displayLog: session.paths.display(session.paths.log), head: scanMustBeAt)
        let parent = (target as NSString).deletingLastPathComponent
        Self.removeAbandoned(in: parent.isEmpty ? "." : parent)
        let temp = (parent.isEmpty ? "." : parent) + "/.\((target as NSString).lastPathComponent).tmp-\(getpid())"
        do {
            try FileManager.default.createDirectory(atPath: temp, withIntermediateDirectories: true)
        } catch { throw MixError.io(path: temp, action: "create the mix folder", errno: errno) }
        do {
            var timing = MixTiming()
            // The report's one query runs on its own connection while the rows are written.
            let verdicts = ConcurrentSlots<Result<MixReport.GeneratorVerdicts, Error>>(count: 1)
            let background = DispatchGroup()
            let shared = MixBox(index)
            DispatchQueue.global().async(group: background) {
                verdicts.set(0, Result { try shared.value.generatorVerdictCounts() })
            }
            var writer = MixWriter(paths: session.paths, index: index, composition: composition,
                                   stripProvenance: options.stripProvenance)
            writer.fastPaths = options.fastPaths
            let outputs = try writer.write(into: temp)
            timing.mark("write the data")
            background.wait()
            let report = MixReport(composition: composition, generatorVerdicts: try verdicts.get(0)!.get())
            timing.mark("report")
            let manifest = MixManifest(
                name: spec.name, tool: "winnow \(WinnowVersion.current)", seed: spec.seed, specPath: spec.path,
                specText: spec.text, specHash: spec.hash, defaults: session.config.mix, configHash: session.config.configHash,
                headSeq: head.seq, headHash: head.seq == 0 ? LogEntry.genesisHash : head.hash,
                sources: composition.pool.sources.values.sorted { $0.sha < $1.sha }, format: spec.format.rawValue,
                stripProvenance: options.stripProvenance, bestEffort: options.bestEffort, outputs: outputs,
                counts: report.json, lineage: composition.pool.lineageUse.isEmpty ? nil : composition.pool.lineageUse)
            try Self.writeFile(temp + "/manifest.json", manifest.json.canonicalBytes + [0x0A])
            try Self.writeFile(temp + "/report.md", Array(report.markdown.utf8))
            guard rename(temp, target) == 0 else { throw MixError.io(path: target, action: "move the finished mix into place", errno: errno) }
            return (manifest, report)
        } catch {
            try? FileManager.default.removeItem(atPath: temp)
            throw error
        }
    }

    /// Temporary mix folders left by a mix that was killed (Ctrl-C, a dropped ssh session):
    /// it never reached its rename or the log, so the folder is garbage. Only folders whose
    /// process is gone are removed; a running mix's folder is left alone.
    static func removeAbandoned(in folder: String) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where name.hasPrefix(".") {
            guard let marker = name.range(of: ".tmp-", options: .backwards), let pid = Int32(name[marker.upperBound...]) else { continue }
            if kill(pid, 0) == 0 || errno == EPERM { continue }
            try? FileManager.default.removeItem(atPath: folder + "/" + name)
        }
    }

    static func writeFile(_ path: String, _ bytes: [UInt8]) throws {
        let file = try MixFile(path: path)
        try file.append(bytes)
        _ = try file.finish()
    }
}
