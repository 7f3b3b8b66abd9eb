import Foundation
import WinnowCore
import Workspace

/// `manifest.json`: everything needed to rebuild the mix and prove it is the same one: the spec
/// as written (and the workspace defaults it was read with), the log head it saw, the sources'
/// hashes, the options, the tool version, the counts, and each output file's hash.
public struct MixManifest: Sendable {
    public var name: String
    public var tool: String
    public var seed: String
    public var specPath: String
    public var specText: String
    public var specHash: String
    public var defaults: WorkspaceConfig.Mix
    public var configHash: String
    public var headSeq: Int
    public var headHash: String
    public var sources: [(sha: String, file: String)]
    public var format: String
    public var stripProvenance: Bool
    public var bestEffort: Bool
    public var outputs: [String: String]
    public var counts: JSONValue
    /// The lineage the mix was built with; nil when it had none (and for mixes built before).
    /// A staged mix records it per stage instead.
    public var lineage: MixLineageUse?
    /// A staged mix's stages, in the spec's order; empty for a mix of one output.
    public var stages: [Stage] = []
    /// The judge cut of a mix of one output that takes `judge-kept` rows (stages record their own).
    public var judge: MixJudgeCut?

    /// What a rebuild of one stage needs beyond the spec: what it was built with.
    public struct Stage: Sendable {
        public var name: String
        public var format: String
        public var rows: String
        public var lineage: MixLineageUse?
        public var judge: MixJudgeCut?

        var json: JSONValue {
            .object([("name", .string(name)), ("format", .string(format)), ("rows", .string(rows))]
                + (judge.map { [("judge", $0.json)] } ?? []) + (lineage.map { [("lineage", $0.json)] } ?? []))
        }
    }

    /// The lineage stage `stage` (nil: the mix of one output) was built with.
    func lineage(stage: String?) -> MixLineageUse? {
        guard let stage else { return lineage }
        return stages.first { $0.name == stage }?.lineage
    }

    /// `manifest.json` as written: canonical JSON and a newline (a staged mix's log entry names
    /// the hash of these bytes).
    public var fileBytes: [UInt8] { json.canonicalBytes + [0x0A] }

    public var json: JSONValue {
        var optional: [(String, JSONValue)] = []
        if let lineage { optional.append(("lineage", lineage.json)) }
        if !stages.isEmpty { optional.append(("stages", .array(stages.map(\.json)))) }
        if let judge { optional.append(("judge", judge.json)) }
        let fields: [(String, JSONValue)] = [
            ("winnow_mix", .int(1)), ("name", .string(name)), ("tool", .string(tool)), ("seed", .string(seed)),
            ("spec", .object([("path", .string(specPath)), ("sha256", .string(specHash)), ("text", .string(specText))])),
            ("defaults", .object([("human_floor", .double(defaults.humanFloor)), ("synthetic_cap_ratio", .double(defaults.syntheticCapRatio)),
                                  ("critical_synthetic_max", .double(defaults.criticalSyntheticMax))]
                                  + (defaults.freshHumanFloor.map { [("fresh_human_floor", JSONValue.double($0))] } ?? []))),
            ("config_sha256", .string(configHash)),
            ("log", .object([("head_seq", .int(headSeq)), ("head_hash", .string(headHash))])),
            ("sources", .array(sources.map { .object([("sha256", .string($0.sha)), ("file", .string($0.file))]) })),
            ("format", .string(format)), ("strip_provenance", .bool(stripProvenance)), ("best_effort", .bool(bestEffort)),
            ("outputs", .object(outputs.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
            ("counts", counts),
        ]
        return .object(fields + optional)
    }

    /// `data.jsonl`, `eval.jsonl`, or either under a stage's folder (a lowercase code).
    static func isOutputName(_ name: String) -> Bool {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        guard let file = parts.last, file == "data.jsonl" || file == "eval.jsonl" else { return false }
        return parts.count == 1 || (parts.count == 2 && Suggestion.isCode(String(parts[0])))
    }

    /// Reads `DIR/manifest.json`; a missing or damaged field is named.
    public static func read(directory: String) throws -> MixManifest {
        let path = directory + "/manifest.json"
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MixError.io(path: path, action: "read the mix manifest", errno: errno == 0 ? ENOENT : errno)
        }
        let v: JSONValue
        do { v = try JSONValue.parse(Array(data)) } catch { throw MixError.manifest(path: path, reason: "not valid JSON (\(error))") }
        func string(_ value: JSONValue?, _ name: String) throws -> String {
            guard let s = value?.stringValue else { throw MixError.manifest(path: path, reason: "\(name) is missing or not a string") }
            return s
        }
        func number(_ value: JSONValue?, _ name: String) throws -> Double {
            guard let d = value?.doubleValue else { throw MixError.manifest(path: path, reason: "\(name) is missing or not a number") }
            return d
        }
        var defaults = WorkspaceConfig().mix
        defaults.humanFloor = try number(v["defaults"]?["human_floor"], "defaults.human_floor")
        defaults.syntheticCapRatio = try number(v["defaults"]?["synthetic_cap_ratio"], "defaults.synthetic_cap_ratio")
        defaults.criticalSyntheticMax = try number(v["defaults"]?["critical_synthetic_max"], "defaults.critical_synthetic_max")
        // Mixes built before lineage have none: their specs were read without a fresh floor.
        if v["defaults"]?["fresh_human_floor"] != nil {
            defaults.freshHumanFloor = try number(v["defaults"]?["fresh_human_floor"], "defaults.fresh_human_floor")
        }
        var outputs: [String: String] = [:]
        for (name, hash) in v["outputs"]?.objectValue ?? [] {
            // Names are paths `mix verify` opens: only the files a mix writes, in its own folder.
            guard isOutputName(name) else {
                throw MixError.manifest(path: path, reason: "outputs names \"\(Sanitiser.clean(name))\", not a file a mix writes (data.jsonl, eval.jsonl, STAGE/data.jsonl, STAGE/eval.jsonl)")
            }
            outputs[name] = try string(hash, "outputs.\(name)")
        }
        var stages: [Stage] = []
        if let value = v["stages"], value.arrayValue == nil { throw MixError.manifest(path: path, reason: "stages is not a list") }
        for (i, stage) in (v["stages"]?.arrayValue ?? []).enumerated() {
            let name = try string(stage["name"], "stages[\(i)].name")
            stages.append(Stage(name: name, format: try string(stage["format"], "stages.\(name).format"),
                                rows: try string(stage["rows"], "stages.\(name).rows"),
                                lineage: try MixLineageUse.read(stage["lineage"], path: path),
                                judge: try MixJudgeCut.read(stage["judge"], path: path, stage: name)))
        }
        return MixManifest(
            name: try string(v["name"], "name"), tool: try string(v["tool"], "tool"), seed: try string(v["seed"], "seed"),
            specPath: try string(v["spec"]?["path"], "spec.path"), specText: try string(v["spec"]?["text"], "spec.text"),
            specHash: try string(v["spec"]?["sha256"], "spec.sha256"), defaults: defaults,
            configHash: try string(v["config_sha256"], "config_sha256"),
            headSeq: Int(try number(v["log"]?["head_seq"], "log.head_seq")), headHash: try string(v["log"]?["head_hash"], "log.head_hash"),
            sources: try (v["sources"]?.arrayValue ?? []).map { (try string($0["sha256"], "sources.sha256"), try string($0["file"], "sources.file")) },
            format: try string(v["format"], "format"), stripProvenance: v["strip_provenance"]?.boolValue ?? false,
            bestEffort: v["best_effort"]?.boolValue ?? false, outputs: outputs, counts: v["counts"] ?? .null,
            lineage: try MixLineageUse.read(v["lineage"], path: path), stages: stages,
            judge: try MixJudgeCut.read(v["judge"], path: path, stage: "(the mix)"))
    }
}
