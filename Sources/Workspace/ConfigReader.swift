import Foundation
import Gates
import PostgresStore
import ProvenanceLog
import WinnowCore

/// Turns the TOML tree into a `WorkspaceConfig`, refusing unknown keys (a typo in a setting
/// would otherwise silently fall back to a default) and values of the wrong type or range.
/// The typed getters are public: a mix spec is read with the same rules and messages.
public struct ConfigReader {
    public let document: TOMLDocument

    public init(document: TOMLDocument) { self.document = document }

    static let sections: [String: Set<String>] = [
        "workspace": ["seed", "follow_symlinks", "group"],
        "import": ["max_line_bytes", "paths"],
        "gates": ["max_turn_chars", "max_row_chars", "near_duplicate_threshold", "shingle_words",
                  "template_share_max", "contamination_ngram", "contamination_min_words",
                  "contamination_exact_min_words", "eval_files", "blocklist", "blocklist_regex", "on_flag"],
        "review": ["overlap_share", "lease_minutes", "judge_precision"],
        "mix": ["human_floor", "synthetic_cap_ratio", "critical_synthetic_max", "fresh_human_floor"],
        "store": ["url"],
        "slices": [], "reasons": [], "generators": [],
    ]
    static let sliceKeys: Set<String> = [
        "priority", "critical", "review_rate", "description", "keywords", "group",
        "keyword_regex", "blocklist", "blocklist_regex", "max_turn_chars", "max_row_chars", "pii",
    ]

    func read() throws -> WorkspaceConfig {
        var config = WorkspaceConfig()
        let root = document.root.objectValue ?? []
        // Where the store is says nothing about the data: two boxes reach one server by different
        // URLs (its socket on one, TCP on the other), and their gate runs must not differ for it.
        config.configHash = ContentHash.of(.object(root.filter { $0.0 != "store" }))
        config.gatesConfigHash = ContentHash.of(.object(root.compactMap { name, value in
            if name == "store" || name == "generators" { return nil }
            if name == "mix", let members = value.objectValue {  // the fresh floor is the mixer's alone
                return (name, .object(members.filter { $0.0 != "fresh_human_floor" }))
            }
            return (name, value)
        }))
        // What a store's boxes must agree on: the same, less the settings about this box's own
        // files (its Unix group, whether its folders may be links).
        config.sharedSettingsHash = ContentHash.of(.object(root.compactMap { name, value in
            if name == "store" { return nil }
            if name == "workspace", let members = value.objectValue {
                return (name, .object(members.filter { !["group", "follow_symlinks"].contains($0.0) }))
            }
            return (name, value)
        }))
        for (name, _) in root where Self.sections[name] == nil {
            throw unknown(name, known: Array(Self.sections.keys), table: [], what: "section")
        }
        let table = { (name: String) in document.root[name]?.objectValue ?? [] }
        for section in ["workspace", "import", "gates", "review", "mix", "store"] {
            for (key, _) in table(section) where !(Self.sections[section]!.contains(key)) {
                throw unknown(key, known: Array(Self.sections[section]!), table: [section], what: "setting")
            }
        }
        config.seed = try string(["workspace"], "seed") ?? config.seed
        config.followSymlinks = try bool(["workspace"], "follow_symlinks") ?? config.followSymlinks
        if let group = try string(["workspace"], "group") {
            guard !group.isEmpty, !group.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw fail(["workspace"], "group", "expected a Unix group name (not empty, no control characters)")
            }
            config.group = group
        }
        if let text = try string(["store"], "url") {
            do {
                config.store = try StoreURL(text, operatingSystemUser: LogActor.current.user)
            } catch {
                throw fail(["store"], "url", error.message)
            }
        }
        config.maxLineBytes = try int(["import"], "max_line_bytes", min: 1024, max: 1 << 30) ?? config.maxLineBytes
        config.importPaths = try readPaths()
        config.slices = try readSlices()
        config.reasons = try readReasons()
        config.gates = try readGates()
        config.generators = try readGenerators()
        config.review.overlapShare = try number(["review"], "overlap_share", 0...1) ?? config.review.overlapShare
        config.review.leaseMinutes = try int(["review"], "lease_minutes", min: 1, max: 7 * 24 * 60) ?? config.review.leaseMinutes
        config.review.judgePrecision = try number(["review"], "judge_precision", 0.01...1) ?? config.review.judgePrecision
        config.mix.humanFloor = try number(["mix"], "human_floor", 0...1) ?? config.mix.humanFloor
        config.mix.syntheticCapRatio = try number(["mix"], "synthetic_cap_ratio", 0...1_000_000) ?? config.mix.syntheticCapRatio
        config.mix.criticalSyntheticMax = try number(["mix"], "critical_synthetic_max", 0...1) ?? config.mix.criticalSyntheticMax
        config.mix.freshHumanFloor = try number(["mix"], "fresh_human_floor", 0...1)
        return config
    }

    public func value(_ table: [String], _ key: String) -> JSONValue? {
        var node: JSONValue? = document.root
        for part in table { node = node?[part] }
        return node?[key]
    }

    public func fail(_ table: [String], _ key: String?, _ reason: String) -> WorkspaceError {
        let name = key.map { table.isEmpty ? $0 : "[\(table.joined(separator: "."))] \($0)" }
            ?? "[\(table.joined(separator: "."))]"
        return .config(document.location(table: table, key: key), "\(name): \(reason)")
    }

    public func unknown(_ name: String, known: [String], table: [String], what: String) -> WorkspaceError {
        var reason = "unknown \(what) '\(name)'"
        if let near = Suggestion.nearest(to: name, in: known) { reason += " (did you mean '\(near)'?)" }
        let location = document.location(table: table.isEmpty ? [name] : table, key: table.isEmpty ? nil : name)
        return .config(location, reason)
    }

    public func string(_ table: [String], _ key: String) throws -> String? {
        guard let v = value(table, key) else { return nil }
        guard let s = v.stringValue else { throw fail(table, key, "expected a string, found \(v.typeName)") }
        return s
    }

    public func strings(_ table: [String], _ key: String) throws -> [String]? {
        guard let v = value(table, key) else { return nil }
        if let s = v.stringValue { return [s] }
        guard let items = v.arrayValue, items.allSatisfy({ $0.stringValue != nil }) else {
            throw fail(table, key, "expected a list of strings, found \(v.typeName)")
        }
        return items.compactMap(\.stringValue)
    }

    /// A whole number in `min...max`; the default upper bound keeps arithmetic on any setting
    /// (minutes to seconds, counts to bytes) far from overflow.
    public func int(_ table: [String], _ key: String, min: Int, max: Int = Int(Int32.max)) throws -> Int? {
        guard let v = value(table, key) else { return nil }
        guard let i = v.intValue, v.doubleValue == Double(i) else {
            throw fail(table, key, "expected a whole number, found \(v.typeName)")
        }
        guard i >= min else { throw fail(table, key, "must be at least \(min), found \(i)") }
        guard i <= max else { throw fail(table, key, "must be at most \(max), found \(i)") }
        return i
    }

    public func int(_ table: [String], _ key: String, _ range: ClosedRange<Int>) throws -> Int? {
        guard let i = try int(table, key, min: range.lowerBound) else { return nil }
        guard i <= range.upperBound else { throw fail(table, key, "must be at most \(range.upperBound), found \(i)") }
        return i
    }

    public func number(_ table: [String], _ key: String, _ range: ClosedRange<Double>) throws -> Double? {
        guard let v = value(table, key) else { return nil }
        guard let d = v.doubleValue else { throw fail(table, key, "expected a number, found \(v.typeName)") }
        guard range.contains(d) else {
            throw fail(table, key, "must be between \(range.lowerBound) and \(range.upperBound), found \(d)")
        }
        return d
    }

    public func bool(_ table: [String], _ key: String) throws -> Bool? {
        guard let v = value(table, key) else { return nil }
        guard let b = v.boolValue else { throw fail(table, key, "expected true or false, found \(v.typeName)") }
        return b
    }

    func readPaths() throws -> [RowField: [FieldPath]] {
        var result: [RowField: [FieldPath]] = [:]
        guard let paths = value(["import"], "paths") else { return result }
        guard let members = paths.objectValue else { throw fail(["import"], "paths", "expected a table") }
        for (key, _) in members {
            guard let field = RowField(rawValue: key) else {
                throw unknown(key, known: RowField.allCases.map(\.rawValue), table: ["import", "paths"], what: "field")
            }
            let texts = try strings(["import", "paths"], key) ?? []
            result[field] = try texts.map { text in
                guard let path = FieldPath(text) else {
                    throw fail(["import", "paths"], key, "'\(text)' is not a dotted path like meta.generator")
                }
                return path
            }
        }
        return result
    }

    func readSlices() throws -> [WorkspaceConfig.Slice] {
        guard let table = value([], "slices") else { return WorkspaceConfig.defaultSlices }
        var slices: [WorkspaceConfig.Slice] = []
        for (name, body) in table.objectValue ?? [] {
            let at = ["slices", name]
            guard body.objectValue != nil else { throw fail(["slices"], name, "expected a table [slices.\(name)]") }
            guard Suggestion.isCode(name) else {
                throw fail(at, nil, "slice names are lowercase letters, digits and '-'")
            }
            for (key, _) in body.objectValue ?? [] where !Self.sliceKeys.contains(key) {
                throw unknown(key, known: Array(Self.sliceKeys), table: at, what: "slice setting")
            }
            let critical = try bool(at, "critical") ?? false
            var slice = WorkspaceConfig.Slice(
                name: name, priority: try int(at, "priority", min: 0) ?? 100, critical: critical,
                reviewRate: try number(at, "review_rate", 0...1) ?? (critical ? 1 : 0.05),
                description: try string(at, "description") ?? "", keywords: try strings(at, "keywords") ?? [],
                group: try string(at, "group"))
            slice.keywordRegex = try regexes(at, "keyword_regex")
            slice.blocklist = try strings(at, "blocklist") ?? []
            slice.blocklistRegex = try regexes(at, "blocklist_regex")
            slice.maxTurnChars = try int(at, "max_turn_chars", min: 1)
            slice.maxRowChars = try int(at, "max_row_chars", min: 1)
            slice.pii = try string(at, "pii")
            if let pii = slice.pii, pii != "reject" && pii != "flag" {
                throw fail(at, "pii", "must be \"reject\" or \"flag\", found \"\(pii)\"")
            }
            slices.append(slice)
        }
        return slices.sorted { ($0.priority, $0.name) < ($1.priority, $1.name) }
    }

    func readReasons() throws -> [WorkspaceConfig.Reason] {
        guard let table = value([], "reasons") else { return WorkspaceConfig.defaultReasons }
        var reasons: [WorkspaceConfig.Reason] = []
        // TOML tables are unordered once parsed; keep the order the file lists them in. Each
        // key's line is looked up once (a look-up scans the file: inside the sort's comparisons
        // it made reading a config 8 ms, the most of what every command pays to start).
        let members = (table.objectValue ?? []).map { (line: document.line(table: ["reasons"], key: $0.0) ?? 0, member: $0) }
        for (code, label) in members.sorted(by: { $0.line < $1.line }).map(\.member) {
            guard Suggestion.isCode(code) else {
                throw fail(["reasons"], code, "reason codes are lowercase letters, digits and '-'")
            }
            guard let text = label.stringValue else {
                throw fail(["reasons"], code, "expected a description string, found \(label.typeName)")
            }
            reasons.append(.init(code: code, label: text))
        }
        return reasons
    }

    /// `[generators.NAME] trained_on = ["mixes/round-1", ...]`: mix folders, each named once.
    func readGenerators() throws -> [WorkspaceConfig.Generator] {
        guard let table = value([], "generators") else { return [] }
        guard let members = table.objectValue else { throw fail([], "generators", "expected tables [generators.NAME]") }
        var generators: [WorkspaceConfig.Generator] = []
        var names = Set<String>()
        for (name, body) in members {
            // TOML compares keys byte by byte, Swift by canonical equivalence: "é" written two
            // ways is one generator twice.
            guard names.insert(name).inserted else { throw fail(["generators"], name, "this generator is declared twice") }
            let at = ["generators", name]
            guard !name.isEmpty, !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw fail(["generators"], name, "a generator's name must not be empty or hold control characters")
            }
            guard let keys = body.objectValue else { throw fail(["generators"], name, "expected a table [generators.\(name)]") }
            for (key, _) in keys where key != "trained_on" {
                throw unknown(key, known: ["trained_on"], table: at, what: "setting")
            }
            let mixes = try strings(at, "trained_on") ?? []
            var seen = Set<String>()
            for mix in mixes {
                guard !mix.isEmpty, !mix.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                    throw fail(at, "trained_on", "a mix folder must not be empty or hold control characters")
                }
                guard seen.insert(mix).inserted else { throw fail(at, "trained_on", "'\(mix)' is listed twice") }
            }
            generators.append(.init(name: name, trainedOn: mixes, location: document.location(table: at, key: "trained_on")))
        }
        return generators.sorted { $0.name < $1.name }
    }

    func readGates() throws -> WorkspaceConfig.Gates {
        var g = WorkspaceConfig.Gates()
        let t = ["gates"]
        g.maxTurnChars = try int(t, "max_turn_chars", min: 1) ?? g.maxTurnChars
        g.maxRowChars = try int(t, "max_row_chars", min: 1) ?? g.maxRowChars
        g.nearDuplicateThreshold = try number(t, "near_duplicate_threshold", 0...1) ?? g.nearDuplicateThreshold
        g.shingleWords = try int(t, "shingle_words", min: 1) ?? g.shingleWords
        g.templateShareMax = try number(t, "template_share_max", 0...1) ?? g.templateShareMax
        g.contaminationNgram = try int(t, "contamination_ngram", 3...64) ?? g.contaminationNgram
        // Unset, the minimum is 8 or n when n is smaller; set above n it would silently never
        // apply (prompts of n words or more are cut into n-grams), so that is refused.
        g.contaminationMinimumWords = try int(t, "contamination_min_words", 1...64) ?? min(g.contaminationMinimumWords, g.contaminationNgram)
        if g.contaminationMinimumWords > g.contaminationNgram {
            throw fail(t, "contamination_min_words",
                       "must not be above contamination_ngram (\(g.contaminationNgram)), found \(g.contaminationMinimumWords)")
        }
        g.contaminationExactMinimumWords = try int(t, "contamination_exact_min_words", 1...64) ?? g.contaminationExactMinimumWords
        g.evalFiles = try strings(t, "eval_files") ?? g.evalFiles
        g.blocklist = try strings(t, "blocklist") ?? g.blocklist
        g.blocklistRegex = try regexes(t, "blocklist_regex")
        g.onFlag = try readFlagPolicies()
        // The detectors refuse settings they cannot work with; say so here, with the line.
        if let problem = NearDuplicateOptions(threshold: g.nearDuplicateThreshold, shingleWords: g.shingleWords).problem {
            throw fail(t, value(t, "shingle_words") != nil && g.shingleWords > 32 ? "shingle_words" : "near_duplicate_threshold", problem)
        }
        if let problem = TemplateLockInOptions(maxShare: g.templateShareMax).problem {
            throw fail(t, "template_share_max", problem)
        }
        return g
    }

    /// `[gates.on_flag]`: gate name = "review" | "exclude" | "ignore". Unknown gate names are
    /// refused like any other unknown setting: a typo would leave that gate on the default.
    func readFlagPolicies() throws -> [String: WorkspaceConfig.FlagPolicy] {
        let t = ["gates", "on_flag"]
        guard let table = value(["gates"], "on_flag") else { return [:] }
        guard let members = table.objectValue else { throw fail(["gates"], "on_flag", "expected a table [gates.on_flag]") }
        var result: [String: WorkspaceConfig.FlagPolicy] = [:]
        let choices = WorkspaceConfig.FlagPolicy.allCases.map(\.rawValue)
        for (gate, _) in members {
            guard GateFinding.gateNames.contains(gate) else {
                throw unknown(gate, known: GateFinding.gateNames, table: t, what: "gate")
            }
            let text = try string(t, gate) ?? ""
            guard let policy = WorkspaceConfig.FlagPolicy(rawValue: text) else {
                throw fail(t, gate, "must be one of \(choices.map { "\"\($0)\"" }.joined(separator: ", ")), found \"\(text)\"")
            }
            result[gate] = policy
        }
        return result
    }

    /// A list of regular expressions, each compiled now so a bad one is reported with its line.
    func regexes(_ table: [String], _ key: String) throws -> [String] {
        let patterns = try strings(table, key) ?? []
        for pattern in patterns {
            if let problem = GateSettings.regexProblem(pattern) {
                throw fail(table, key, "'\(pattern)' is not a valid regular expression: \(problem)")
            }
        }
        return patterns
    }
}

extension WorkspaceConfig {
    static let defaultSlices: [Slice] = [
        .init(name: "safety", priority: 1, critical: true, reviewRate: 1, description: "", keywords: [], group: nil),
        .init(name: "legal", priority: 2, critical: true, reviewRate: 1, description: "", keywords: [], group: nil),
        .init(name: "medical", priority: 3, critical: true, reviewRate: 1, description: "", keywords: [], group: nil),
        .init(name: "billing", priority: 4, critical: true, reviewRate: 1, description: "", keywords: [], group: nil),
        .init(name: "general", priority: 10, critical: false, reviewRate: 0.05, description: "", keywords: [], group: nil),
    ]
    static let defaultReasons: [Reason] = [
        "factual-error", "invented-policy", "unsafe", "pii", "off-slice", "template-echo", "low-quality", "duplicate",
    ].map { Reason(code: $0, label: $0) }
}
