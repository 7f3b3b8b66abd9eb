import Foundation
import WinnowCore

extension MixReport {
    /// One stage of a staged mix: what it is and its own report (each stage's bounds hold in
    /// its own files, so each has its own composition, binding lines and exclusions).
    public struct Stage: Sendable {
        public var name: String
        public var format: String
        public var rowFilter: String
        /// The judge cut a `judge-kept` stage used.
        public var judge: MixJudgeCut?
        public var report: MixReport
    }

    /// The report of a staged mix, from each stage's.
    init(name: String, stages: [(stage: MixStage, judge: MixJudgeCut?, report: MixReport)]) {
        self.name = name
        self.stages = stages.map {
            Stage(name: $0.stage.name, format: $0.stage.spec.format.rawValue, rowFilter: $0.stage.spec.rows.rawValue,
                  judge: $0.judge, report: $0.report)
        }
        rows = stages.reduce(0) { $0 + $1.report.rows }
        uniqueRows = stages.reduce(0) { $0 + $1.report.uniqueRows }
        slices = []
        binding = stages.flatMap { s in s.report.binding.map { "stage \(s.stage.name): " + $0 } }
        warnings = stages.flatMap { s in s.report.warnings.map { "stage \(s.stage.name): " + $0 } }
        excluded = []
        evalRows = stages.contains { $0.report.evalRows != nil } ? stages.reduce(0) { $0 + ($1.report.evalRows ?? 0) } : nil
    }

    /// What the judge cut kept, in words.
    static func describe(_ cut: MixJudgeCut) -> String {
        String(format: "judge score >= %@, precision %.2f (target %.2f) on %d reviewed rows",
               MixSelection.number(cut.threshold) as NSString, cut.precision, cut.precisionTarget, cut.reviewed)
    }

    /// A summary line per stage, then each stage's own report under its name.
    var stagedLines: [String] {
        var out = ["Mix \(Sanitiser.clean(name)): \(stages.count) stages, \(rows) rows"
                   + (evalRows.map { ", \($0) held out for eval" } ?? "")]
        for stage in stages {
            let r = stage.report
            out.append("  " + Self.row([stage.name, stage.format, stage.rowFilter, "\(r.rows)"])
                       + " rows" + (r.evalRows.map { " (\($0) eval)" } ?? "") + (stage.judge.map { "; " + Self.describe($0) } ?? ""))
        }
        for stage in stages {
            out.append("")
            out.append("== Stage \(stage.name): \(stage.name)/data.jsonl, \(stage.format), rows = \(stage.rowFilter) ==")
            if stage.judge != nil {
                out.append("synthetic rows only: the bounds on the human share hold in the stages that take human rows")
            }
            out += stage.report.lines
        }
        return out
    }

    var stagedJSON: JSONValue {
        .object([
            ("name", .string(name)), ("rows", .int(rows)), ("eval_rows", evalRows.map(JSONValue.int) ?? .null),
            ("stages", .array(stages.map { stage in
                .object([("name", .string(stage.name)), ("format", .string(stage.format)), ("rows_filter", .string(stage.rowFilter)),
                         ("judge", stage.judge?.json ?? .null), ("report", stage.report.json)])
            })),
            ("binding", .array(binding.map(JSONValue.string))),
            ("warnings", .array(warnings.map(JSONValue.string))),
        ])
    }
}
