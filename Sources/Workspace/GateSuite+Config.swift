import Foundation
import Gates
import WinnowCore

extension GateSuite {
    /// The pseudo-gate whose "finding" is the classifier's slice for a row that came without one.
    static let tagGate = "slice-tag"

    /// The gates `winnow.toml` asks for: per-row (schema, length, blocklist, PII, classifier,
    /// contamination against the eval files) and corpus (exact and near duplicates, template
    /// lock-in). Eval files that cannot be read are an error; bad lines in them are warnings.
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
        var warnings: [String] = []
        var contamination: ContaminationIndex?
        if !g.evalFiles.isEmpty {
            do {
                let loaded = try ContaminationIndex.load(
                    files: g.evalFiles, relativeTo: paths.root, n: settings.contaminationNgram,
                    minimumWords: settings.contaminationMinimumWords)
                contamination = loaded.index
                warnings += loaded.warnings.map(\.description)
            } catch {
                throw WorkspaceError.config(location(of: "eval_files", in: paths.config), error.message)
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
            configHash: config.configHash)
        return (suite, warnings)
    }

    /// The config line that mentions `text` (a pattern or a key), for messages.
    static func location(of text: String, in path: String) -> SourceLocation {
        let lines = (try? String(contentsOfFile: path, encoding: .utf8))?.split(separator: "\n", omittingEmptySubsequences: false) ?? []
        let line = lines.firstIndex { $0.contains(text) }.map { $0 + 1 }
        return SourceLocation(file: path, line: line)
    }
}

extension WorkspaceSession {
    /// Runs the gates and logs what changed (see `GateRunner`): over the rows imported since
    /// the last run, or over every row when `everything` is asked for (`gates --rerun`).
    public func runGates(everything: Bool = false) throws -> GateRunSummary {
        let (suite, warnings) = try GateSuite.make(config: config, paths: paths)
        var summary = try GateRunner(paths: paths, index: index, log: log, suite: suite).run(everything: everything)
        summary.warnings += warnings
        return summary
    }
}
