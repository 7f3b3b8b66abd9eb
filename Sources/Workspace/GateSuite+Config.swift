import Foundation
import Gates
import WinnowCore

extension GateSuite {
    /// The pseudo-gate whose "finding" is the classifier's slice for a row that came without one.
    static let tagGate = "slice-tag"
    /// Bumped when a gate is added or changes what it finds (2: the pair gate).
    static let suiteVersion = 2

    /// The gates `winnow.toml` asks for: per-row (schema, length, blocklist, PII, classifier,
    /// contamination against the eval files) and corpus (exact and near duplicates, template
    /// lock-in). Eval files that cannot be read are an error; bad lines in them are warnings.
    /// Everything that can fail is done here, before a row is checked: a run that starts
    /// finishes.
    static func make(config: WorkspaceConfig, paths: WorkspacePaths) throws -> (GateSuite, warnings: [String]) {
        var settings = GateSettings()
        let g = config.gates
        settings.maxTurnChars = g.maxTurnChars
        settings.maxRowChars = g.maxRowChars
        settings.blocklist = g.blocklist
        settings.blocklistRegex = g.blocklistRegex
        settings.contaminationNgram = g.contaminationNgram
        settings.slices = config.slices.map {
            SliceGateSettings(
                name: $0.name, priority: $0.priority, keywords: $0.keywords, keywordRegex: $0.keywordRegex,
                maxTurnChars: $0.maxTurnChars, maxRowChars: $0.maxRowChars, blocklist: $0.blocklist,
                blocklistRegex: $0.blocklistRegex, piiAction: $0.pii.flatMap(GateAction.init))
        }
        settings.defaultSlice = config.slice(named: "general") != nil ? "general" : nil
        settings.contaminationMinimumWords = g.contaminationMinimumWords
        settings.contaminationExactMinimumWords = g.contaminationExactMinimumWords
        settings.pairSimilarityMax = g.nearDuplicateThreshold
        settings.pairShingleWords = g.shingleWords
        var warnings: [String] = []
        var contamination: ContaminationIndex?
        // The suite's own version beside the settings: a winnow with a new gate (the pair gate,
        // suite 2) has not seen the rows an older one gated, so its first run reads them all.
        var configHash = ContentHash.hex(Array((config.gatesConfigHash + "|suite|\(suiteVersion)").utf8))
        if !g.evalFiles.isEmpty {
            do throws(ContaminationError) {
                let loaded = try EvalFiles.load(g.evalFiles, root: paths.root, settings: settings)
                contamination = loaded.index
                warnings += loaded.warnings
                configHash = ContentHash.hex(Array((configHash + "|eval|" + loaded.contentHash).utf8))
            } catch {
                throw WorkspaceError.config(location(table: ["gates"], key: "eval_files", in: paths.config), "eval_files: \(error.message)")
            }
        }
        let compiled: GateSettings.Compiled
        do { compiled = try settings.compile(contamination: contamination) } catch {
            throw WorkspaceError.config(location(of: error.pattern, in: paths.config), error.message)
        }
        let near = NearDuplicateOptions(threshold: g.nearDuplicateThreshold, shingleWords: g.shingleWords)
        let template = TemplateLockInOptions(maxShare: g.templateShareMax)
        let suite = GateSuite(
            perRow: { row in
                let result = compiled.run(row)
                var findings = result.findings
                if result.assignment.tagged, !result.assignment.slices.isEmpty {
                    findings.append(GateFinding(
                        gate: tagGate, reason: "tagged",
                        detail: [("slices", .array(result.assignment.slices.map(JSONValue.string)))]))
                }
                return findings
            },
            corpus: CorpusGates(near: near, template: template),
            configHash: configHash)
        return (suite, warnings)
    }

    /// The first config line that mentions `text` (a pattern) outside a comment, for messages:
    /// the template's comments mention settings and examples too.
    static func location(of text: String, in path: String) -> SourceLocation {
        let line = configLines(path).firstIndex {
            !$0.trimmingCharacters(in: .whitespaces).hasPrefix("#") && $0.contains(text)
        }.map { $0 + 1 }
        return SourceLocation(file: path, line: line)
    }

    /// The config line where `[table] key` is set, for messages.
    static func location(table: [String], key: String, in path: String) -> SourceLocation {
        SourceLocation(file: path, line: TOMLDocument.line(in: configLines(path), table: table, key: key))
    }

    private static func configLines(_ path: String) -> [Substring] {
        (try? String(contentsOfFile: path, encoding: .utf8))?.split(separator: "\n", omittingEmptySubsequences: false) ?? []
    }
}

/// A gate suite built from the config with its eval files read, and what loading them warned
/// about: made before an import, so a bad eval file stops the import before anything is
/// imported or logged, then used for the gate run after it.
public struct PreparedGates {
    let suite: GateSuite
    public let warnings: [String]
}

extension WorkspaceSession {
    /// Builds the gates the config asks for (reading the eval files); throws, naming the file
    /// and the reason, when one is unusable.
    public func prepareGates() throws -> PreparedGates {
        let (suite, warnings) = try GateSuite.make(config: config, paths: paths)
        return PreparedGates(suite: suite, warnings: warnings)
    }

    /// Whether the last gate run used the gates this config and this winnow make (their
    /// settings, eval files and suite version): false when a setting or the suite changed since,
    /// so its verdicts say nothing of what today's gates would find. True when no gate ever ran
    /// (rows imported with `--no-gates`: a mix says so row by row).
    public func gatesAreCurrent() throws -> Bool {
        guard let gated = try index.gatedThrough() else { return true }
        return gated.config == (try prepareGates()).suite.configHash
    }

    /// Runs the gates with gates prepared earlier or built now, and logs what changed (see
    /// `GateRunner`): over the rows imported since the last run, or over every row when
    /// `everything` is asked for (`gates --rerun`).
    public func runGates(_ prepared: PreparedGates? = nil, everything: Bool = false) throws -> GateRunSummary {
        try requireWritable(to: "run the gates")
        let prepared = try prepared ?? prepareGates()
        var summary = try GateRunner(paths: paths, index: index, log: log, suite: prepared.suite).run(everything: everything)
        summary.warnings += prepared.warnings
        return summary
    }
}
