import Foundation
import ProvenanceLog
import WinnowCore
import Workspace

/// What `winnow mix verify` found: whether the log still holds the head the mix was built
/// from, whether the sources still hash to their names, and whether a rebuild from the
/// manifest gives the same bytes.
public struct MixVerification: Sendable {
    public var directory: String
    public var headSeq: Int
    /// nil when the log still holds the recorded head.
    public var logProblem: String?
    public var sourceProblems: [String] = []
    /// File name → (recorded hash, rebuilt hash or nil when the rebuild failed).
    public var outputs: [(name: String, recorded: String, rebuilt: String?)] = []
    /// Output files in the folder whose bytes no longer hash to what the manifest recorded (or
    /// that are gone): a rebuild that matches the manifest says nothing of a file edited since.
    public var changedFiles: [(name: String, onDisk: String?)] = []
    /// nil when a `mix` entry of the log records this manifest (its name, head, spec and output
    /// hashes): a manifest edited since, or one from another workspace, is not this log's mix.
    public var entryProblem: String?
    public var rebuildProblem: String?
    /// winnow.toml differs from the one the mix was built with (slices, review rates and the
    /// seed decide criticality and trust, so a difference may explain a different rebuild).
    public var configChanged = false

    public var identical: Bool { rebuildProblem == nil && !outputs.isEmpty && outputs.allSatisfy { $0.recorded == $0.rebuilt } }
    public var ok: Bool { logProblem == nil && entryProblem == nil && sourceProblems.isEmpty && identical && changedFiles.isEmpty }

    public var lines: [String] {
        var out: [String] = []
        out.append(logProblem.map { "log: \($0)" } ?? "log: still holds entry #\(headSeq), the head this mix was built from")
        out.append(entryProblem.map { "manifest: \($0)" } ?? "manifest: recorded by the log's mix entry")
        out += sourceProblems.map { "source: \($0)" }
        if sourceProblems.isEmpty { out.append("sources: every source still hashes to its name") }
        if configChanged { out.append("config: winnow.toml has changed since this mix was built") }
        for file in changedFiles {
            out.append(file.onDisk.map { "\(file.name): CHANGED on disk (its bytes hash to \($0.prefix(16)), the manifest recorded another)" }
                       ?? "\(file.name): MISSING from the mix folder")
        }
        if changedFiles.isEmpty && !outputs.isEmpty { out.append("files: every output in the folder still hashes to the manifest") }
        if let rebuildProblem { out.append("rebuild: failed: \(rebuildProblem)") }
        for o in outputs {
            if o.recorded.isEmpty {
                out.append("\(o.name): the rebuild writes it, the manifest does not list it")
                continue
            }
            out.append(o.recorded == o.rebuilt ? "\(o.name): identical (\(o.recorded.prefix(16)))"
                       : "\(o.name): DIFFERS (recorded \(o.recorded.prefix(16)), rebuilt \(o.rebuilt.map { String($0.prefix(16)) } ?? "nothing"))")
        }
        out.append(ok ? "verified: the mix is reproducible from this workspace" : "NOT verified")
        return out
    }

    public var json: JSONValue {
        .object([
            ("directory", .string(directory)), ("ok", .bool(ok)), ("identical", .bool(identical)), ("head_seq", .int(headSeq)),
            ("log_problem", logProblem.map(JSONValue.string) ?? .null),
            ("source_problems", .array(sourceProblems.map(JSONValue.string))),
            ("rebuild_problem", rebuildProblem.map(JSONValue.string) ?? .null), ("config_changed", .bool(configChanged)),
            ("entry_problem", entryProblem.map(JSONValue.string) ?? .null),
            ("changed_files", .array(changedFiles.map { .object([("name", .string($0.name)), ("on_disk", $0.onDisk.map(JSONValue.string) ?? .null)]) })),
            ("outputs", .array(outputs.map { .object([("name", .string($0.name)), ("recorded", .string($0.recorded)),
                                                       ("rebuilt", $0.rebuilt.map(JSONValue.string) ?? .null)]) })),
        ])
    }
}

extension MixBuilder {
    public func verify(directory: String) throws -> MixVerification {
        let manifest = try MixManifest.read(directory: directory)
        var result = MixVerification(directory: directory, headSeq: manifest.headSeq)
        result.logProblem = logProblem(manifest)
        result.configChanged = manifest.configHash != session.config.configHash
        for source in manifest.sources {
            if let problem = SourceCheck.problem(source.sha, paths: session.paths) { result.sourceProblems.append(problem) }
        }
        for (name, recorded) in manifest.outputs.sorted(by: { $0.key < $1.key }) {
            let onDisk = Self.fileHash(directory + "/" + name)
            if onDisk != recorded { result.changedFiles.append((name, onDisk)) }
        }
        result.entryProblem = entryProblem(manifest, directory: directory)
        guard result.logProblem == nil || !(result.logProblem ?? "").hasPrefix("the log ends") else { return result }
        let scratch = NSTemporaryDirectory() + "/winnow-verify-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        do {
            try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
            let spec = try MixSpec.parse(text: manifest.specText, path: directory + "/manifest.json (spec from \(manifest.specPath))",
                                         defaults: manifest.defaults)
            let position = try session.index.logPosition()
            let index = position.seq == manifest.headSeq && result.logProblem == nil
                ? session.index : try session.snapshot(upTo: manifest.headSeq, indexPath: scratch + "/index.sqlite")
            let options = MixOptions(bestEffort: manifest.bestEffort, stripProvenance: manifest.stripProvenance)
            let (rebuilt, _) = try render(spec, options: options, index: index,
                                          head: (manifest.headSeq, manifest.headHash), into: scratch + "/mix",
                                          recorded: manifest)
            for (name, hash) in manifest.outputs.sorted(by: { $0.key < $1.key }) {
                result.outputs.append((name, hash, rebuilt.outputs[name]))
            }
            // A file the rebuild writes and the manifest leaves out (a stage's entry deleted
            // from it) would otherwise go unchecked, and unread by a lineage.
            for (name, hash) in rebuilt.outputs.sorted(by: { $0.key < $1.key }) where manifest.outputs[name] == nil {
                result.outputs.append((name, "", hash))
            }
        } catch let error as UserFacingError {
            result.rebuildProblem = error.message
        }
        return result
    }

    /// nil when a `mix` entry of the log names this manifest: its name, head and spec, and its
    /// output (data.jsonl's hash; a staged mix's, the manifest file's own).
    func entryProblem(_ manifest: MixManifest, directory: String) -> String? {
        let output = manifest.stages.isEmpty ? manifest.outputs["data.jsonl"] : Self.fileHash(directory + "/manifest.json")
        do {
            let reader = try LogReader(path: session.paths.log, displayPath: session.paths.display(session.paths.log))
            while let entry = try reader.next() {
                guard entry.knownKind == .mix, let mix = try? entry.payload(MixPayload.self) else { continue }
                if mix.name == manifest.name && mix.headSeq == manifest.headSeq && mix.spec == manifest.specHash && mix.output == output {
                    return nil
                }
            }
            return "no mix entry of the log records this manifest (its name, head, spec and output hashes): "
                + "it was edited after the mix was built, or the mix was not built in this workspace"
        } catch let error as UserFacingError {
            return "the log cannot be read: \(error.message)"
        } catch {
            return "the log cannot be read: \(error)"
        }
    }

    /// SHA-256 of a file's bytes; nil when it cannot be read.
    static func fileHash(_ path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        var hash = StreamingHash()
        do {
            while let chunk = try handle.read(upToCount: 1 << 22), !chunk.isEmpty { hash.update(Array(chunk)) }
        } catch { return nil }
        return hash.finalizeHex()
    }

    /// nil when entry `headSeq` of the log is still the entry the mix saw.
    func logProblem(_ manifest: MixManifest) -> String? {
        guard manifest.headSeq > 0 else { return nil }
        do {
            // The whole chain first: an entry edited anywhere (before or after the mix's head)
            // makes every rebuild from this log suspect.
            if case .failed(let failure) = try LogVerifier.verify(path: session.paths.log, displayPath: session.paths.display(session.paths.log)) {
                return "the log fails verification: \(failure.description) ('winnow log verify')"
            }
            let reader = try LogReader(path: session.paths.log, displayPath: session.paths.display(session.paths.log))
            while let entry = try reader.next() {
                guard entry.seq == manifest.headSeq else { continue }
                return entry.hash == manifest.headHash ? nil
                    : "entry #\(manifest.headSeq) now hashes to \(entry.hash.prefix(16)), the mix recorded \(manifest.headHash.prefix(16)): the log was rewritten"
            }
            return "the log ends before entry #\(manifest.headSeq), the head this mix was built from: the log was rewritten or truncated"
        } catch let error as UserFacingError {
            return "the log cannot be read up to entry #\(manifest.headSeq): \(error.message)"
        } catch {
            return "the log cannot be read: \(error)"
        }
    }
}
