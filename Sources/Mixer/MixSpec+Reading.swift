import Foundation
import WinnowCore
import Workspace

/// Reading a spec from TOML with the same reader as `winnow.toml`: unknown keys are refused
/// with a suggestion, wrong types and out-of-range values name the file and line.
extension MixSpec {
    static let topKeys: Set<String> = ["name", "seed", "total", "format", "rows", "eval_fraction", "constraints", "slices", "weights", "stages"]
    static let constraintKeys: Set<String> = ["human_min_fraction", "synthetic_max_per_human", "critical_synthetic_max",
                                              "unreviewed_max_reject_rate", "max_generation", "fresh_human_min_fraction"]
    static let sliceKeys: Set<String> = ["human_min_fraction", "synthetic_max_fraction"]
    static let weightKeys: Set<String> = ["max_repeats", "origin", "source", "generation_decay"]
    /// What a stage may set for itself; the rest is the whole mix's (see `MixStage`).
    static let stageKeys: Set<String> = ["format", "total", "rows", "constraints", "slices"]
    static let stageConstraintKeys: Set<String> = ["human_min_fraction", "synthetic_max_per_human", "critical_synthetic_max",
                                                   "max_generation", "fresh_human_min_fraction"]
    /// Bounds on the human share: meaningless in an output that takes synthetic rows only.
    static let humanBoundKeys = ["human_min_fraction", "synthetic_max_per_human", "critical_synthetic_max", "fresh_human_min_fraction"]

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
        try refuseUnknown(reader, at: [], "constraints", constraintKeys)
        try refuseUnknown(reader, at: [], "weights", weightKeys)
        guard let name = try reader.string([], "name") else { throw reader.fail([], "name", "is missing (the mix's folder name)") }
        guard Suggestion.isCode(name) else { throw reader.fail([], "name", "use lowercase letters, digits and '-', found \"\(name)\"") }
        let seed: String
        switch reader.value([], "seed") {
        case .none: throw reader.fail([], "seed", "is missing (every sampling choice is a function of hash(seed, row id))")
        case .some(let value): seed = value.stringValue ?? value.intValue.map(String.init) ?? ""
        }
        guard !seed.isEmpty else { throw reader.fail([], "seed", "expected a number or a non-empty string") }
        let c = ["constraints"]
        var spec = MixSpec(
            name: name, seed: seed, humanMinFraction: defaults.humanFloor, syntheticMaxPerHuman: defaults.syntheticCapRatio,
            criticalSyntheticMax: defaults.criticalSyntheticMax, text: text, path: path)
        spec.freshHumanMinFraction = defaults.freshHumanFloor
        try readOutput(reader, at: [], into: &spec)
        spec.evalFraction = try reader.number([], "eval_fraction", 0...0.9)
        spec.unreviewedMaxRejectRate = try reader.number(c, "unreviewed_max_reject_rate", 0...1)
        spec.weights = try readWeights(reader)
        spec.stages = try readStages(reader, top: spec)
        if !spec.stages.isEmpty, spec.rows.syntheticOnly {
            throw reader.fail([], "rows", "\"judge-kept\" at the top would take the human rows out of every stage: "
                + "set it in the stage that takes rejection-sampled rows")
        }
        if !spec.stages.isEmpty, reader.value([], "total") != nil {
            throw reader.fail([], "total", "a staged mix sets total in each [stages.NAME]: one number cannot say how the stages share it")
        }
        return spec
    }

    /// What one output is: its format, size, row filter and bounds, laid over `spec` (the
    /// workspace defaults for the top of the spec, the top of the spec for a stage).
    static func readOutput(_ reader: ConfigReader, at: [String], into spec: inout MixSpec) throws {
        let c = at + ["constraints"]
        if let formatName = try reader.string(at, "format") {
            guard let format = MixFormat(rawValue: formatName) else {
                throw reader.fail(at, "format", "must be one of \(MixFormat.allCases.map(\.rawValue).joined(separator: ", ")), found \"\(formatName)\"")
            }
            spec.format = format
        }
        if let filter = try reader.string(at, "rows") {
            guard let rows = MixRowFilter(rawValue: filter) else {
                throw reader.fail(at, "rows", "must be one of \(MixRowFilter.allCases.map(\.rawValue).joined(separator: ", ")), found \"\(filter)\"")
            }
            spec.rows = rows
            spec.rowsLocation = reader.document.location(table: at, key: "rows")
        }
        if spec.format == .preference && spec.rows == .nonPairs {
            throw reader.fail(at, "rows", "\"non-pairs\" leaves a preference output nothing to write")
        }
        spec.total = try reader.int(at, "total", min: 1)
        spec.humanMinFraction = try reader.number(c, "human_min_fraction", 0...1) ?? spec.humanMinFraction
        spec.syntheticMaxPerHuman = try reader.number(c, "synthetic_max_per_human", 0...1_000_000) ?? spec.syntheticMaxPerHuman
        spec.criticalSyntheticMax = try reader.number(c, "critical_synthetic_max", 0...1) ?? spec.criticalSyntheticMax
        if let most = try reader.int(c, "max_generation", min: 0, max: 1000) {
            // The whole mix's bound decided which rows are eligible at all: a stage can only tighten it.
            if let whole = spec.maxGeneration, most > whole, !at.isEmpty {
                throw reader.fail(c, "max_generation", "\(most) is above the whole mix's max_generation = \(whole): a stage can only tighten it")
            }
            spec.maxGeneration = most
        }
        spec.freshHumanMinFraction = try reader.number(c, "fresh_human_min_fraction", 0...1) ?? spec.freshHumanMinFraction
        // A stage's rule for a slice is laid over the top's key by key, like every other setting:
        // a stage that sets one bound keeps the other it inherited.
        for (slice, rule) in try readSlices(reader, at: at) {
            let inherited = spec.slices[slice]
            spec.slices[slice] = SliceRule(humanMinFraction: rule.humanMinFraction ?? inherited?.humanMinFraction,
                                           syntheticMaxFraction: rule.syntheticMaxFraction ?? inherited?.syntheticMaxFraction,
                                           location: rule.location)
        }
        if spec.rows.syntheticOnly { try dropHumanBounds(reader, at: at, from: &spec) }
    }

    /// A `judge-kept` output holds synthetic rows only: a human bound written for it is a
    /// mistake to name; inherited ones are the other outputs' and are dropped here.
    static func dropHumanBounds(_ reader: ConfigReader, at: [String], from spec: inout MixSpec) throws {
        let why = "rows = \"judge-kept\" takes synthetic rows only, so a bound on the human share cannot hold here"
            + (at.isEmpty ? "" : " (set it in the stages that take human rows)")
        for key in humanBoundKeys where reader.value(at + ["constraints"], key) != nil {
            throw reader.fail(at + ["constraints"], key, why)
        }
        if let slices = reader.value(at, "slices")?.objectValue, let first = slices.first {
            throw reader.fail(at + ["slices", first.0], nil, why)
        }
        spec.humanMinFraction = 0
        spec.criticalSyntheticMax = 1
        spec.freshHumanMinFraction = nil
        spec.slices = [:]
    }

    /// `[stages.NAME]` tables in the order written; each is the top of the spec with its own
    /// settings laid over it.
    static func readStages(_ reader: ConfigReader, top: MixSpec) throws -> [MixStage] {
        guard let value = reader.value([], "stages") else { return [] }
        guard let tables = value.objectValue, !tables.isEmpty else {
            throw reader.fail([], "stages", "expected one or more tables [stages.NAME] (say, [stages.sft] and [stages.preference])")
        }
        // The document's tables come back by name; a spec is read in the order it was written.
        let line = { (name: String) in reader.document.location(table: ["stages", name]).line ?? Int.max }
        var stages: [MixStage] = []
        for (name, body) in tables.sorted(by: { (line($0.0), $0.0) < (line($1.0), $1.0) }) {
            let at = ["stages", name]
            guard body.objectValue != nil else { throw reader.fail(["stages"], name, "expected a table [stages.\(name)]") }
            guard Suggestion.isCode(name) else {
                throw reader.fail(at, nil, "a stage's name is its folder's: use lowercase letters, digits and '-', found \"\(name)\"")
            }
            for (key, _) in body.objectValue ?? [] where !stageKeys.contains(key) {
                if topKeys.contains(key) || key == "unreviewed_max_reject_rate" {
                    throw reader.fail(at, key, "is set once for the whole mix, at the top of the spec: every stage shares "
                        + "one pool, one seed and one train/eval split")
                }
                throw reader.unknown(key, known: Array(stageKeys), table: at, what: "stage setting")
            }
            if let slices = reader.value(at, "slices"), slices.objectValue == nil {
                throw reader.fail(at, "slices", "expected a table [stages.\(name).slices]")
            }
            for (key, _) in reader.value(at, "constraints")?.objectValue ?? [] where constraintKeys.contains(key) && !stageConstraintKeys.contains(key) {
                throw reader.fail(at + ["constraints"], key, "is set once for the whole mix, in the top [constraints]: "
                    + "which unreviewed rows are trusted is a property of the rows, not of a stage")
            }
            try refuseUnknown(reader, at: at, "constraints", stageConstraintKeys)
            var spec = top
            spec.stages = []
            try readOutput(reader, at: at, into: &spec)
            stages.append(MixStage(name: name, spec: spec, location: reader.document.location(table: at)))
        }
        return stages
    }

    static func refuseUnknown(_ reader: ConfigReader, at: [String], _ table: String, _ known: Set<String>) throws {
        guard let value = reader.value(at, table) else { return }
        guard let members = value.objectValue else { throw reader.fail(at, table, "expected a table [\((at + [table]).joined(separator: "."))]") }
        for (key, _) in members where !known.contains(key) {
            throw reader.unknown(key, known: Array(known), table: at + [table], what: "setting")
        }
    }

    static func readSlices(_ reader: ConfigReader, at prefix: [String]) throws -> [String: SliceRule] {
        guard let table = reader.value(prefix, "slices") else { return [:] }
        guard let slices = table.objectValue else { throw reader.fail(prefix, "slices", "expected tables [slices.NAME]") }
        var rules: [String: SliceRule] = [:]
        for (slice, body) in slices {
            let at = prefix + ["slices", slice]
            guard let members = body.objectValue else { throw reader.fail(prefix + ["slices"], slice, "expected a table [slices.\(slice)]") }
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
