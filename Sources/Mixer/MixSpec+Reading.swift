import Foundation
import WinnowCore
import Workspace

/// Reading a spec from TOML with the same reader as `winnow.toml`: unknown keys are refused
/// with a suggestion, wrong types and out-of-range values name the file and line.
extension MixSpec {
    static let topKeys: Set<String> = ["name", "seed", "total", "format", "eval_fraction", "constraints", "slices", "weights"]
    static let constraintKeys: Set<String> = ["human_min_fraction", "synthetic_max_per_human", "critical_synthetic_max",
                                              "unreviewed_max_reject_rate", "max_generation", "fresh_human_min_fraction"]
    static let sliceKeys: Set<String> = ["human_min_fraction", "synthetic_max_fraction"]
    static let weightKeys: Set<String> = ["max_repeats", "origin", "source", "generation_decay"]

    public static func load(path: String, defaults: WorkspaceConfig.Mix) throws -> MixSpec {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MixError.io(path: path, action: "read the mix spec", errno: errno == 0 ? ENOENT : errno)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw MixError.spec(SourceLocation(file: path), "not valid UTF-8")
        }
        return try parse(text: text, path: path, defaults: defaults)
    }

    public static func parse(text: String, path: String, defaults: WorkspaceConfig.Mix) throws -> MixSpec {
        let reader = ConfigReader(document: try TOMLDocument(path: path, text: text))
        let root = reader.document.root.objectValue ?? []
        for (key, _) in root where !topKeys.contains(key) {
            throw reader.unknown(key, known: Array(topKeys), table: [], what: "setting")
        }
        try refuseUnknown(reader, ["constraints"], constraintKeys)
        try refuseUnknown(reader, ["weights"], weightKeys)
        guard let name = try reader.string([], "name") else { throw reader.fail([], "name", "is missing (the mix's folder name)") }
        guard Suggestion.isCode(name) else { throw reader.fail([], "name", "use lowercase letters, digits and '-', found \"\(name)\"") }
        let seed: String
        switch reader.value([], "seed") {
        case .none: throw reader.fail([], "seed", "is missing (every sampling choice is a function of hash(seed, row id))")
        case .some(let value): seed = value.stringValue ?? value.intValue.map(String.init) ?? ""
        }
        guard !seed.isEmpty else { throw reader.fail([], "seed", "expected a number or a non-empty string") }
        let formatName = try reader.string([], "format") ?? "chat"
        guard let format = MixFormat(rawValue: formatName) else {
            throw reader.fail([], "format", "must be one of \(MixFormat.allCases.map(\.rawValue).joined(separator: ", ")), found \"\(formatName)\"")
        }
        let c = ["constraints"]
        var spec = MixSpec(
            name: name, seed: seed, format: format,
            humanMinFraction: try reader.number(c, "human_min_fraction", 0...1) ?? defaults.humanFloor,
            syntheticMaxPerHuman: try reader.number(c, "synthetic_max_per_human", 0...1_000_000) ?? defaults.syntheticCapRatio,
            criticalSyntheticMax: try reader.number(c, "critical_synthetic_max", 0...1) ?? defaults.criticalSyntheticMax,
            text: text, path: path)
        spec.total = try reader.int([], "total", min: 1)
        spec.evalFraction = try reader.number([], "eval_fraction", 0...0.9)
        spec.unreviewedMaxRejectRate = try reader.number(c, "unreviewed_max_reject_rate", 0...1)
        spec.maxGeneration = try reader.int(c, "max_generation", min: 0, max: 1000)
        spec.freshHumanMinFraction = try reader.number(c, "fresh_human_min_fraction", 0...1) ?? defaults.freshHumanFloor
        spec.slices = try readSlices(reader)
        spec.weights = try readWeights(reader)
        return spec
    }

    static func refuseUnknown(_ reader: ConfigReader, _ table: [String], _ known: Set<String>) throws {
        guard let value = reader.value([], table[0]) else { return }
        guard let members = value.objectValue else { throw reader.fail([], table[0], "expected a table [\(table[0])]") }
        for (key, _) in members where !known.contains(key) {
            throw reader.unknown(key, known: Array(known), table: table, what: "setting")
        }
    }

    static func readSlices(_ reader: ConfigReader) throws -> [String: SliceRule] {
        guard let table = reader.value([], "slices") else { return [:] }
        var rules: [String: SliceRule] = [:]
        for (slice, body) in table.objectValue ?? [] {
            let at = ["slices", slice]
            guard let members = body.objectValue else { throw reader.fail(["slices"], slice, "expected a table [slices.\(slice)]") }
            for (key, _) in members where !sliceKeys.contains(key) {
                throw reader.unknown(key, known: Array(sliceKeys), table: at, what: "slice setting")
            }
            rules[slice] = SliceRule(
                humanMinFraction: try reader.number(at, "human_min_fraction", 0...1),
                syntheticMaxFraction: try reader.number(at, "synthetic_max_fraction", 0...1),
                location: reader.document.location(table: at))
        }
        return rules
    }

    static func readWeights(_ reader: ConfigReader) throws -> Weights {
        var weights = Weights()
        let w = ["weights"]
        weights.maxRepeats = try reader.int(w, "max_repeats", min: 1) ?? weights.maxRepeats
        weights.generationDecay = try reader.number(w, "generation_decay", 0...1)
        if let origins = reader.value(w, "origin") {
            for (key, _) in origins.objectValue ?? [] {
                guard let origin = Origin(rawValue: key), origin != .unknown else {
                    throw reader.unknown(key, known: ["human", "synthetic"], table: ["weights", "origin"], what: "origin")
                }
                weights.origins[origin] = try reader.number(["weights", "origin"], key, 0...1000)
            }
        }
        if let sources = reader.value(w, "source") {
            for (key, _) in sources.objectValue ?? [] {
                weights.sources[key] = try reader.number(["weights", "source"], key, 0...1000)
                weights.sourceLocations[key] = reader.document.location(table: ["weights", "source"], key: "\"\(key)\"")
            }
        }
        return weights
    }
}
