import Foundation
import WinnowCore
import Workspace

/// What a data lead reads before training on a mix: per slice, what it is made of (with a bar),
/// which constraints decided the sizes, and what to worry about. The same lines go to the
/// terminal and to `report.md`; every name that came from a row or a config is sanitised here.
public struct MixReport: Sendable {
    public struct SliceLine: Sendable {
        public var slice: String
        public var critical: Bool
        public var counts: [MixKind: Int]
        public var total: Int { counts.values.reduce(0, +) }
        public var human: Int { counts[.human] ?? 0 }
    }

    public var name: String
    public var rows: Int
    public var uniqueRows: Int
    public var slices: [SliceLine]
    public var binding: [String]
    public var warnings: [String]
    public var excluded: [(reason: String, count: Int)]
    public var evalRows: Int?
    /// With an eval split, each file's own composition (every bound holds in each).
    public var files: [(name: String, slices: [SliceLine])] = []
    /// Synthetic copies by generation, human copies fresh or held before (`MixReport+Generations`).
    public var lineage = LineageCounts()
    /// Preference pairs per slice, and how many come from two different generators.
    public var pairs = PairCounts()
    /// A staged mix's stages, each with its own report (`MixReport+Stages`); empty otherwise.
    public var stages: [Stage] = []

    static let barWidth = 30
    static let symbols: [(MixKind, Character)] = [(.human, "#"), (.accepted, "="), (.edited, "~"), (.trusted, ".")]

    /// Per generator: reviewer rejections and decisions (for the "high reject rate" warning).
    typealias GeneratorVerdicts = [RowIndex.GeneratorVerdictCount]

    init(composition c: MixComposition, generatorVerdicts: GeneratorVerdicts) {
        let counts = c.counts()
        name = c.spec.name
        rows = c.units.count
        uniqueRows = Set(c.units.map(\.row)).count
        let sliceOrder = c.pool.sliceNames.indices.sorted { c.pool.sliceNames[$0] < c.pool.sliceNames[$1] }
        func lines(_ counts: [String: [MixKind: Int]]) -> [SliceLine] {
            sliceOrder.map { i in
                SliceLine(slice: c.pool.sliceNames[i], critical: c.pool.critical[i], counts: counts[c.pool.sliceNames[i]] ?? [:])
            }
        }
        slices = lines(counts)
        if c.spec.evalFraction != nil {
            files = [("data.jsonl", lines(c.counts(eval: false))), ("eval.jsonl", lines(c.counts(eval: true)))]
        }
        binding = c.selection.binding + (c.evalSelection?.binding ?? [])
        excluded = c.pool.excluded.map { ($0.key, $0.value) }.sorted { ($1.count, $0.reason) < ($0.count, $1.reason) }
        evalRows = c.spec.evalFraction.map { _ in c.units.filter(\.eval).count }
        warnings = Self.warnings(c, slices: slices, generatorVerdicts: generatorVerdicts)
        lineage = LineageCounts(c)
        warnings += lineage.warnings
        pairs = PairCounts(c)
        warnings += pairs.warnings
    }

    static func warnings(_ c: MixComposition, slices: [SliceLine], generatorVerdicts: GeneratorVerdicts) -> [String] {
        var warnings: [String] = []
        let humans = slices.reduce(0) { $0 + $1.human }, total = slices.reduce(0) { $0 + $1.total }
        let upweighted = (c.spec.weights.origins[.human] ?? 1) > 1
        // An output of synthetic rows only (`judge-kept`) has no human share to warn about.
        let syntheticOnly = c.spec.rows.syntheticOnly
        if total > 0, Double(humans) / Double(total) < 0.2, !upweighted, !syntheticOnly {
            warnings.append(String(format: "human rows are only %.1f%% of the mix: they will be drowned unless upweighted ([weights.origin] human = 2 or more)",
                                   Double(humans) * 100 / Double(total)))
        }
        for slice in c.selection.slices where slice.humansEligible == 0 && !syntheticOnly {
            let used = slice.synthetic
            warnings.append("slice \(Sanitiser.clean(slice.name)) has no eligible human rows: nothing anchors it to human-written data"
                + (used > 0 ? " (\(used) synthetic rows used)" : " (none of its \(slice.syntheticEligible) synthetic rows can be used)"))
        }
        // Rows no gate has seen (`import --no-gates`, not gated since): mixed as their reviews
        // and trust allow, but a data lead must know nothing checked them.
        let ungated = c.units.filter { c.pool.rows[Int($0.row)].n > c.pool.gatedThrough }.count
        if ungated > 0 {
            warnings.append("\(ungated) rows of the mix were never seen by a logged gate run (imported with --no-gates, or gated "
                + "by a winnow older than gate runs): nothing here says they were checked for eval contamination, personal data, "
                + "duplicates or template echoes; run 'winnow gates' and build the mix again")
        }
        // Generators whose reviewed rows are often rejected, yet still contribute.
        let threshold = c.spec.unreviewedMaxRejectRate ?? 0.2
        var contributing: [String: Int] = [:]
        for unit in c.units { if let g = c.pool.rows[Int(unit.row)].generator { contributing[g, default: 0] += 1 } }
        for v in generatorVerdicts {
            guard v.decided > 0, let used = contributing[v.generator], Double(v.rejected) / Double(v.decided) >= threshold else { continue }
            warnings.append(String(format: "generator %@ has a %.0f%% reject rate (%d of %d reviewed) and still contributes %d rows",
                                   Sanitiser.clean(v.generator), Double(v.rejected) * 100 / Double(v.decided), v.rejected, v.decided, used))
        }
        return warnings
    }

    /// The bar for one slice: one symbol per kind, `barWidth` wide at the largest slice.
    func bar(_ line: SliceLine, widest: Int) -> String {
        var text = ""
        for (kind, symbol) in Self.symbols {
            let n = line.counts[kind] ?? 0
            let width = widest == 0 ? 0 : Int((Double(n) * Double(Self.barWidth) / Double(widest)).rounded(.up))
            text += String(repeating: symbol, count: n > 0 ? max(1, width) : 0)
        }
        return text
    }

    /// The report as plain lines (the terminal prints them; `markdown` wraps them).
    public var lines: [String] {
        if !stages.isEmpty { return stagedLines }
        var out = ["Mix \(Sanitiser.clean(name)): \(rows) rows (\(uniqueRows) distinct)" + (evalRows.map { ", \($0) held out for eval" } ?? "")]
        out.append("")
        out += table(slices)
        out.append("* critical slice")
        out += lineage.lines
        out += pairs.lines
        for (file, lines) in files {
            let total = lines.reduce(0) { $0 + $1.total }, human = lines.reduce(0) { $0 + $1.human }
            out.append("")
            out.append("\(file): \(total) rows, " + (total == 0 ? "empty" : String(format: "%.2f%% human", Double(human) * 100 / Double(total))))
            out += table(lines)
        }
        out.append("")
        out.append("Binding constraints:")
        out += binding.isEmpty ? ["  none: every eligible row is in the mix"] : binding.map { "  - " + Sanitiser.clean($0) }
        out.append("")
        out.append("Warnings:")
        out += warnings.isEmpty ? ["  none"] : warnings.map { "  - " + $0 }
        out.append("")
        out.append("Rows left out, by reason:")
        out += excluded.isEmpty ? ["  none"] : excluded.map { "  \($0.count)  \(Sanitiser.clean($0.reason))" }
        return out
    }

    /// Per slice: rows, each kind, the human share and a bar.
    func table(_ slices: [SliceLine]) -> [String] {
        var out = [Self.row(["slice", "rows", "human", "accept", "edit", "trusted", "human%"]) + "  # human = accepted ~ edited . trusted"]
        let widest = slices.map(\.total).max() ?? 0
        for line in slices {
            let share = line.total == 0 ? "-" : String(format: "%.1f", Double(line.human) * 100 / Double(line.total))
            out.append(Self.row([Sanitiser.clean(line.slice) + (line.critical ? "*" : ""), "\(line.total)", "\(line.human)",
                                 "\(line.counts[.accepted] ?? 0)", "\(line.counts[.edited] ?? 0)", "\(line.counts[.trusted] ?? 0)", share])
                       + "  " + bar(line, widest: widest))
        }
        return out
    }

    /// A table row: the first cell left-aligned in 14 columns, the rest right-aligned in 8.
    static func row(_ cells: [String]) -> String {
        let first = cells[0].count >= 14 ? cells[0] : cells[0] + String(repeating: " ", count: 14 - cells[0].count)
        return first + cells.dropFirst().map { String(repeating: " ", count: max(1, 8 - $0.count)) + $0 }.joined()
    }

    public var markdown: String {
        "# Mix report: \(Sanitiser.clean(name))\n\n```\n" + lines.joined(separator: "\n") + "\n```\n"
    }

    static func json(_ slices: [SliceLine]) -> JSONValue {
        .array(slices.map { line in
            .object([("slice", .string(line.slice)), ("critical", .bool(line.critical)), ("rows", .int(line.total))]
                + MixKind.allCases.map { ($0.rawValue, .int(line.counts[$0] ?? 0)) })
        })
    }

    public var json: JSONValue {
        if !stages.isEmpty { return stagedJSON }
        return .object([
            ("name", .string(name)), ("rows", .int(rows)), ("distinct_rows", .int(uniqueRows)),
            ("eval_rows", evalRows.map(JSONValue.int) ?? .null),
            ("slices", Self.json(slices)),
            ("files", .object(files.map { ($0.name, Self.json($0.slices)) })),
            ("binding", .array(binding.map(JSONValue.string))),
            ("warnings", .array(warnings.map(JSONValue.string))),
            ("excluded", .object(excluded.map { ($0.reason, .int($0.count)) })),
            ("lineage", lineage.json),
            ("pairs", pairs.json),
        ])
    }
}
