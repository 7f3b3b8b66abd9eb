import Foundation
import ReviewQueue
import TerminalCore
import WinnowCore

/// Where a session starts and returns to: every slice with its counts and review budget, the
/// adjudication backlog, and what this reviewer has done today. Enter starts review on the
/// chosen line; the first line reviews everything by priority.
final class HomeScreen: Screen {
    var summary: QueueSummary?
    var tally = ReviewerTally()
    var selected = 0
    var loadedAt = 0.0
    /// The summary was read while the queue plan was still being built (its counts are a part).
    var loadedWhilePlanning = false
    /// How far the queue plan is while it is being built (at the last draw).
    var planning: (placed: Int, total: Int)?

    var context: String { "home" }
    var title: String { "home" }
    var statusActions: [Action] { [.startReview, .reviewAll, .startAdjudication, .stats, .log, .quit] }

    func appear(workbench: Workbench) throws { try reload(workbench: workbench) }

    func reload(workbench: Workbench) throws {
        loadedWhilePlanning = workbench.desk.queue.planningProgress != nil
        summary = try workbench.desk.summary()
        tally = try workbench.desk.tallyToday()
        selected = min(selected, slices.count)
        loadedAt = Date().timeIntervalSince1970
    }

    /// Back from review: counts changed.
    func tick(workbench: Workbench) throws -> Bool {
        guard workbench.top === self else { return false }
        // While the plan is built the progress line moves; once it is done the counts are read
        // again, whole.
        if workbench.desk.queue.planningProgress != nil { return true }
        // The summary groups every row (over a second on a million): refresh it now and then.
        guard loadedWhilePlanning || Date().timeIntervalSince1970 - loadedAt > 30 else { return false }
        try reload(workbench: workbench)
        return true
    }

    var slices: [QueueSummary.SliceLine] { summary?.slices ?? [] }

    /// Back from review (or first shown): the counts have changed.
    func resume(workbench: Workbench) throws { try reload(workbench: workbench) }

    func draw(on canvas: inout Canvas, in area: Area, workbench: Workbench) {
        var y = area.y + 1
        let name = 14, number = 9
        let glyphs = canvas.glyphs
        planning = workbench.desk.queue.planningProgress
        if let planning {
            canvas.put("Planning the review queue: \(ReviewScreen.percent(planning))% of \(planning.total) rows placed; the counts below are a part until it is done",
                       x: area.x + 2, y: y, style: .bold, limit: area.width - 2)
            y += 2
        }
        // "rejected" is reviewers' rejections; a gate's rejections are counted apart, so a slice
        // the gates emptied does not look like one its reviewers turned down.
        let header = DisplayWidth.pad("  slice", to: name + 2) + ["pending", "reviewed", "accepted", "rejected", "gate-rej", "flagged"]
            .map { DisplayWidth.pad($0, to: number) }.joined() + "budget"
        canvas.put(header, x: area.x, y: y, style: .bold)
        y += 1
        // The bar takes what the numbers leave, with room for "reviewed/budget" after it.
        // Under 6 columns of bar (80 columns) the bar is left out and the numbers stay.
        let barWidth = area.width - (2 + name + number * 6) - 12
        let entries: [(String, QueueSummary.SliceLine?)] = [("all slices, by priority", nil)] + slices.map { ($0.slice, $0) }
        // Keep the chosen line in view when there are more slices than rows.
        let capacity = max(1, area.height - 6 - (planning == nil ? 0 : 2))
        let first = max(0, selected - capacity + 1)
        for (i, entry) in entries.enumerated().dropFirst(first).prefix(capacity) {
            let marker = i == selected ? glyphs.pointer + " " : "  "
            let style: Style = i == selected ? .reverse : .plain
            canvas.fill(y: y, style: style)
            guard let line = entry.1 else {
                let pending = slices.reduce(0) { $0 + $1.pending }
                let total = "\(pending) pending"
                let pad = max(DisplayWidth.of(entry.0) + 1, min(name + number * 6, area.width - 2 - DisplayWidth.of(total)))
                canvas.put(marker + DisplayWidth.pad(entry.0, to: pad, mark: glyphs.ellipsis) + total, x: area.x, y: y, style: style.with(bold: true))
                y += 1
                continue
            }
            let label = Sanitiser.clean(line.slice) + (line.critical ? " !" : "")
            var text = marker + DisplayWidth.pad(label, to: name, mark: glyphs.ellipsis)
            for value in [line.pending, line.reviewed, line.accepted + line.edited, line.rejected, line.gateRejected, line.flagged] {
                text += DisplayWidth.pad(String(value), to: number)
            }
            let end = canvas.put(text, x: area.x, y: y, style: style)
            if line.budget > 0 {
                let done = min(1.0, Double(line.reviewed) / Double(line.budget))
                canvas.put((barWidth >= 6 ? Bar.draw(fraction: done, width: barWidth, glyphs: glyphs) + " " : "") + "\(line.reviewed)/\(line.budget)",
                           x: end, y: y, style: style)
            } else {
                canvas.put("no review budget", x: end, y: y, style: style.with(dim: true))
            }
            y += 1
        }
        y += 1
        let backlog = summary?.adjudicationBacklog ?? 0
        canvas.put("Adjudication backlog: \(backlog) row\(backlog == 1 ? "" : "s")", x: area.x + 2, y: y, style: backlog > 0 ? .bold : .plain)
        y += 1
        canvas.put("You today: \(tally.total) decisions \(glyphs.dash) \(tally.accepted) accepted, \(tally.edited) edited, \(tally.rejected) rejected, \(tally.flagged) flagged",
                   x: area.x + 2, y: y)
        y += 1
        canvas.put("! a critical slice, reviewed in full; budget: the rows the plan asks for", x: area.x + 2, y: y, style: .dim)
    }

    func perform(_ action: Action, workbench: Workbench) throws -> Bool {
        let count = slices.count + 1
        switch action {
        case .moveDown: selected = min(count - 1, selected + 1)
        case .moveUp: selected = max(0, selected - 1)
        case .top: selected = 0
        case .bottom: selected = count - 1
        case .startReview:
            // "(none)" reviews the rows without a slice (the queue reads it so), not everything.
            workbench.push(ReviewScreen(slice: selected == 0 ? nil : slices[selected - 1].slice))
        case .reviewAll: workbench.push(ReviewScreen())
        case .startAdjudication: workbench.push(ReviewScreen(adjudication: true))
        default: return false
        }
        return true
    }
}

/// Text bars that read without colour: filled and empty blocks.
enum Bar {
    static func draw(fraction: Double, width: Int, glyphs: Glyphs = .unicode) -> String {
        let clamped = min(1, max(0, fraction.isFinite ? fraction : 0))
        let filled = Int((clamped * Double(width)).rounded())
        return String(repeating: glyphs.barFull, count: filled) + String(repeating: glyphs.barEmpty, count: max(0, width - filled))
    }
}
