import ArgumentParser
import Foundation
import Mixer
import ReviewQueue
import WinnowCore
import Workspace

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Trust statistics: verdict rates with 95 % Wilson intervals, unreviewed-row error estimates, agreement, throughput, variety, AI-judge calibration.")

    @OptionGroup var workspace: WorkspaceOption
    @Option(help: "Precision the judge-score threshold must keep on reviewed rows (default: [review] judge_precision).")
    var precision: Double?
    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        if let precision, !(precision > 0 && precision <= 1) { throw ValidationError("--precision must be in (0, 1]") }
    }

    func run() throws {
        let session = try workspace.open(access: .readOnly)
        let queue = try QueueService(session: session)
        let lineage = try MixLineage.read(config: session.config, root: session.paths.root)
        let report = try queue.trustReport(precisionTarget: precision ?? session.config.review.judgePrecision,
                                           generations: lineage.generators.mapValues(\.generation))
        if json { return Output.json(report.json) }
        for (title, groups) in [("Slices (synthetic rows)", report.slices), ("Slices (human rows)", report.humanSlices),
                                ("Generators", report.generators), ("Templates", report.templates)] where !groups.isEmpty {
            Output.line("\(title)")
            for g in groups { Output.line(Self.describe(g)) }
            Output.line()
        }
        if !session.config.generators.isEmpty {
            // Without a declared lineage every synthetic row is generation 0: nothing to compare.
            Output.line("Generations (synthetic rows; [generators] in winnow.toml)")
            for g in report.generations {
                var line = Self.describe(g.group)
                line += "; near-duplicate share \(Self.pct(g.nearDuplicateShare.rate)) of \(g.nearDuplicateShare.trials)"
                if !g.generators.isEmpty { line += "; from \(g.generators.map(Output.safe).joined(separator: ", "))" }
                Output.line(line)
            }
            Output.line()
        }
        if !report.agreement.byPair.isEmpty {
            Output.line("Agreement on overlap rows (Cohen's kappa)")
            for p in report.agreement.byPair {
                Output.line("  \(Output.safe(p.pair.first)) / \(Output.safe(p.pair.second)): \(Self.fmt(p.agreement.kappa)) over \(p.agreement.items) rows")
            }
            Output.line()
        }
        if !report.throughput.isEmpty {
            Output.line("Throughput")
            for t in report.throughput {
                Output.line("  \(Output.safe(t.reviewer)): \(t.decisions) decisions, \(Self.fmt(t.decisionsPerHour)) per hour, median \(Self.fmt(t.medianSecondsPerDecision)) s")
            }
            Output.line()
        }
        if !report.variety.isEmpty {
            Output.line("Variety")
            for v in report.variety {
                Output.line("  \(Output.safe(v.generator)): near-duplicate share \(Self.pct(v.nearDuplicateShare.rate)) of \(v.nearDuplicateShare.trials), distinct-2 \(Self.fmt(v.distinct2))")
            }
            Output.line()
        }
        if let j = report.judge {
            Output.line("AI judge vs reviewers (\(j.rows) rows)")
            Output.line("  AUC predicting acceptance \(Self.fmt(j.auc)); length correlation: judge \(Self.fmt(j.lengthBias.judge)), reviewers \(Self.fmt(j.lengthBias.human))")
            if let t = j.threshold {
                Output.line("  keep score >= \(Self.fmt(t.threshold)) for precision \(Self.pct(t.precision)) (recall \(Self.pct(t.recall)), \(t.kept) rows)")
            } else {
                Output.line("  no score threshold reaches precision \(Self.pct(j.precisionTarget)) on the reviewed rows")
            }
        }
    }

    static func describe(_ g: TrustReport.Group) -> String {
        var text = "  \(Output.safe(g.name)): \(g.tally.reviewed)/\(g.rows) reviewed"
        for verdict in [Verdict.accept, .edit, .reject] {
            let p = g.tally.proportion(of: verdict)
            if let range = p.wilson() { text += ", \(verdict.rawValue) \(pct(p.rate)) [\(pct(range.lowerBound))-\(pct(range.upperBound))]" }
        }
        if g.bothBad > 0 { text += " (\(g.bothBad) of the rejects: pairs with both answers bad)" }
        if let e = g.unreviewedEstimate {
            text += "; unreviewed \(e.unreviewed): error \(pct(e.errorRate)) [\(pct(e.errorRateInterval.lowerBound))-\(pct(e.errorRateInterval.upperBound))]"
        }
        return text
    }

    static func fmt(_ v: Double?) -> String { v.map { String(format: "%.2f", $0) } ?? "n/a" }
    static func pct(_ v: Double?) -> String { v.map { String(format: "%.1f%%", $0 * 100) } ?? "n/a" }
}
