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
        (result.logProblem, result.entryProblem) = logProblems(manifest, directory: directory)
        result.configChanged = manifest.configHash != session.config.configHash
        for source in manifest.sources {
            if let problem = SourceCheck.problem(source.sha, paths: session.paths) { result.sourceProblems.append(problem) }
        }
        for (name, recorded) in manifest.outputs.sorted(by: { $0.key < $1.key }) {
            let onDisk = ContentHash.file(at: directory + "/" + name)
            if onDisk != recorded { result.changedFiles.append((name, onDisk)) }
        }
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

    /// What is wrong between the log and the mix, read in one pass: `head`, nil when entry
    /// `headSeq` is still the entry the mix saw; `entry`, nil when a `mix` entry names this
    /// manifest (its name, head and spec, and its output: data.jsonl's hash, or a staged mix's
    /// manifest file's own).
    func logProblems(_ manifest: MixManifest, directory: String) -> (head: String?, entry: String?) {
        let output = manifest.stages.isEmpty ? manifest.outputs["data.jsonl"] : ContentHash.file(at: directory + "/manifest.json")
        var head: String? = manifest.headSeq > 0
            ? "the log ends before entry #\(manifest.headSeq), the head this mix was built from: the log was rewritten or truncated" : nil
        var entry: String? = "no mix entry of the log records this manifest (its name, head, spec and output hashes): "
            + "it was edited after the mix was built, or the mix was not built in this workspace"
        // The whole chain first: an entry edited anywhere (before or after the mix's head) makes
        // every rebuild from this log suspect.
        var failed: String?
        do {
            if manifest.headSeq > 0,
               case .failed(let failure) = try LogVerifier.verify(path: session.paths.log, displayPath: session.paths.display(session.paths.log)) {
                failed = "the log fails verification: \(failure.description) ('winnow log verify')"
            }
            let reader = try LogReader(path: session.paths.log, displayPath: session.paths.display(session.paths.log))
            while let e = try reader.next() {
                if e.seq == manifest.headSeq && manifest.headSeq > 0 {
                    head = e.hash == manifest.headHash ? nil
                        : "entry #\(manifest.headSeq) now hashes to \(e.hash.prefix(16)), the mix recorded \(manifest.headHash.prefix(16)): the log was rewritten"
                }
                if entry != nil, e.knownKind == .mix, let mix = try? e.payload(MixPayload.self), mix.name == manifest.name,
                   mix.headSeq == manifest.headSeq, mix.spec == manifest.specHash, mix.output == output {
                    entry = nil
                }
            }
            return (failed ?? head, entry)
        } catch let error as UserFacingError {
            return (failed ?? "the log cannot be read up to entry #\(manifest.headSeq): \(error.message)", "the log cannot be read: \(error.message)")
        } catch {
            return (failed ?? "the log cannot be read: \(error)", "the log cannot be read: \(error)")
        }
    }
}
