import Foundation
import ReviewQueue
import TerminalCore
import WinnowCore

/// `winnow stats` as bar charts: per slice and per generator, how much was reviewed and what
/// share was accepted and rejected (with the 95 % interval), and the unreviewed rows' estimated
/// error where a sample allows one.
final class StatsScreen: Screen {
    var list = ScrollingLines()
    var builtForWidth = 0
    var report: TrustReport?

    var context: String { "stats" }
    var title: String { "stats" }
    var statusActions: [Action] { [.back] }

    func appear(workbench: Workbench) throws { report = try workbench.desk.trustReport() }

    func draw(on canvas: inout Canvas, in area: Area, workbench: Workbench) {
        if builtForWidth != area.width, let report {
            list.lines = Self.lines(report, width: area.width - 1, glyphs: canvas.glyphs)
            builtForWidth = area.width
        }
        list.draw(on: &canvas, in: area)
    }

    func perform(_ action: Action, workbench: Workbench) throws -> Bool { list.perform(action) }

    static func lines(_ report: TrustReport, width: Int, glyphs: Glyphs = .unicode) -> [StyledLine] {
        var out: [StyledLine] = []
        let bar = width >= 120 ? max(6, (width - 39) / 2 - 26) : max(6, width - 39 - 26)
        for (heading, groups) in [("Per slice, synthetic rows", report.slices), ("Per slice, human rows", report.humanSlices),
                                  ("Per generator", report.generators)] {
            out.append(StyledLine(heading, Style(bold: true, underline: true)))
            if groups.isEmpty { out.append(StyledLine("  nothing reviewed yet", .dim)) }
            for group in groups {
                // One line when both bars fit, else reject under accept.
                let oneLine = width >= 120
                var spans = [Span("  " + DisplayWidth.pad(Sanitiser.clean(group.name), to: 20, mark: glyphs.ellipsis) + " ", .bold),
                             Span(DisplayWidth.pad("\(group.tally.reviewed)/\(group.rows) reviewed", to: 16, mark: glyphs.ellipsis))]
                for (label, verdict) in [("accept", Verdict.accept), ("reject", .reject)] {
                    let p = group.tally.proportion(of: verdict)
                    if !oneLine && verdict == .reject {
                        out.append(StyledLine(spans))
                        spans = [Span(String(repeating: " ", count: 39))]
                    }
                    spans.append(Span(label + " "))
                    spans.append(Span(Bar.draw(fraction: p.rate ?? 0, width: bar, glyphs: glyphs), Style(colour: verdict == .accept ? .green : .red)))
                    spans.append(Span(" " + DisplayWidth.pad(interval(p), to: 18, mark: glyphs.ellipsis)))
                }
                out.append(StyledLine(spans))
                if group.bothBad > 0 {
                    out.append(StyledLine("    \(group.bothBad) of the rejects: preference pairs with both answers bad", .dim))
                }
                if let e = group.unreviewedEstimate {
                    out.append(StyledLine("    \(e.unreviewed) unreviewed: estimated error \(percent(e.errorRate)) "
                                          + "[\(percent(e.errorRateInterval.lowerBound))-\(percent(e.errorRateInterval.upperBound))]", .dim))
                }
            }
            out.append(StyledLine())
        }
        if let judge = report.judge {
            out.append(StyledLine("AI judge", Style(bold: true, underline: true)))
            out.append(StyledLine("  AUC \(fixed(judge.auc)); length correlation: judge \(fixed(judge.lengthBias.judge)), reviewers \(fixed(judge.lengthBias.human))"))
        }
        return out
    }

    static func interval(_ p: Proportion) -> String {
        guard let rate = p.rate, let range = p.wilson() else { return "n/a" }
        return "\(percent(rate)) [\(percent(range.lowerBound))-\(percent(range.upperBound))]"
    }

    static func percent(_ v: Double?) -> String { v.map { String(format: "%.0f%%", $0 * 100) } ?? "n/a" }
    static func fixed(_ v: Double?) -> String { v.map { String(format: "%.2f", $0) } ?? "n/a" }
}
