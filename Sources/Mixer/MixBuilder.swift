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
        var timing = PhaseTiming.mix()
        try session.verifyWholeLog()
        timing.mark("prove the log")
        try session.verifySources()
        timing.mark("prove the sources")
        // Rows whose gates never ran could be duplicates, contaminated or blocklisted: a mix of
        // them would not say so, so none is built until the gates have run.
        let pending = try session.index.pendingGateRows()
        if pending > 0 { throw WorkspaceError.gatesPending(rows: pending) }
        // Flags from gates that no longer match the settings (or a gate added since, like the
        // pair gate) would pass rows today's gates hold back, and count pairs they never judged.
        guard try session.gatesAreCurrent() else { throw WorkspaceError.gatesStale }
        let head = try session.index.logPosition()
        let (manifest, report) = try render(spec, options: options, index: session.index, head: head, into: target, scanMustBeAt: head)
        // A staged mix has one data.jsonl per stage: its entry names the manifest's hash, which
        // names every output's, and lists the outputs.
        let staged = !manifest.stages.isEmpty
        let output = staged ? ContentHash.hex(manifest.fileBytes) : manifest.outputs["data.jsonl"] ?? ""
        let payload = MixPayload(
            name: spec.name, spec: spec.hash, output: output, headSeq: head.seq,
            headHash: head.seq == 0 ? LogEntry.genesisHash : head.hash, rows: report.rows,
            extra: .object([("directory", .string(session.paths.display(target)))]
                + (staged ? [("outputs", .object(manifest.outputs.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))] : [])))
        do {
            let entry = try session.record([payload])[0]
            return MixOutcome(directory: target, manifest: manifest, report: report, logSeq: entry.seq)
        } catch {
            try? FileManager.default.removeItem(atPath: target)
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
