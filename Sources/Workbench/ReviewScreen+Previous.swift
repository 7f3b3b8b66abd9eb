import Foundation
import ReviewQueue
import TerminalCore
import WinnowCore
import Workspace

/// One of this session's decisions shown again by `previous-row`: the row as it was judged and
/// what was decided. It is only shown: no key records anything over it but undo, which takes
/// exactly this decision back (logged as a revert) and brings the row back to decide again.
struct PastDecision {
    /// Its place in the desk's list of decisions made here (`ReviewDesk.madeHere`).
    var position: Int
    var seq: Int
    var row: IndexedRow
    var text: RowText
    /// The decision as the index holds it; nil once it no longer stands (reverted since).
    var recorded: RecordedDecision?
    /// The scroll of the row underneath, put back on leaving.
    var savedScroll: Scroll
}

extension ReviewScreen {
    /// Shows the decision before the one shown (the latest, first time), on this kind of screen
    /// (review or adjudication). The row on screen stays claimed underneath.
    func showPrevious(workbench: Workbench) throws {
        let made = workbench.desk.madeHere
        let before = past?.position ?? made.count
        guard let position = made.indices.last(where: { $0 < before && made[$0].adjudication == adjudication }) else {
            workbench.say(past == nil ? "no decision of yours in this session to go back to"
                : "that was your first decision in this session; \(workbench.keymap.keyName(for: .back, in: context)) goes back")
            return
        }
        let entry = made[position]
        guard let row = try workbench.desk.row(id: entry.row) else {
            workbench.say("\(Sanitiser.clean(entry.row)) is no longer in the index", error: true)
            return
        }
        let text = try workbench.desk.text(of: row)
        let recorded = try workbench.desk.decisions(on: row.id).first { $0.seq == entry.seq }
        past = PastDecision(position: position, seq: entry.seq, row: row, text: text, recorded: recorded,
                            savedScroll: past?.savedScroll ?? scroll)
        scroll = Scroll()
        let undo = workbench.keymap.keyName(for: .undo, in: context)
        workbench.say(recorded == nil ? "#\(entry.seq) no longer stands: it was taken back since"
            : "your decision #\(entry.seq), shown again: nothing is recorded here but \(undo), which undoes it")
    }

    /// Keys over a past decision: undo takes it back, previous-row walks on, back returns to the
    /// row underneath; every other decision key records nothing and says so. False leaves the
    /// action to the usual handling (help, home, moving).
    func performOverPast(_ action: Action, workbench: Workbench) throws -> Bool {
        guard let shown = past else { return false }
        switch action {
        case .previousRow:
            try showPrevious(workbench: workbench)
        case .undo:
            // Whatever happens, the list of decisions may have changed under `position`.
            defer { leavePast() }
            try undo(workbench: workbench, position: shown.position)
        case .back, .cancel:
            leavePast()
            workbench.say(item.map { "back to \(Sanitiser.clean($0.row.id))" } ?? "back")
        case .accept, .reject, .edit, .flag, .skip, .swapPair, .pickFirst, .pickSecond, .backToSkipped, .openNeighbour,
             .search, .searchNext, .searchPrevious:
            let undo = workbench.keymap.keyName(for: .undo, in: context)
            let back = workbench.keymap.keyName(for: .back, in: context)
            workbench.say("this is your decision #\(shown.seq) on \(Sanitiser.clean(shown.row.id)), shown again: nothing was done. "
                + "\(undo) undoes it (then decide it anew); \(back) goes back to the row you were on")
        default:
            return false
        }
        return true
    }

    func leavePast() {
        guard let shown = past else { return }
        past = nil
        scroll = shown.savedScroll
    }

    /// What the screen shows over a past decision: what was decided and how to take it back,
    /// then the row.
    func drawPast(_ shown: PastDecision, on canvas: inout Canvas, in area: Area, workbench: Workbench) {
        let width = area.width
        let dot = " \(glyphs.separator) "
        let what: String
        if let recorded = shown.recorded {
            let reason = recorded.reason.map { " (\(Sanitiser.clean($0)))" } ?? ""
            let note = recorded.note.map { " \"\(Sanitiser.clean($0))\"" } ?? ""
            what = "you: \(recorded.verdict.rawValue)\(reason)\(note)"
        } else {
            what = "no longer stands"
        }
        let tag = Span(" YOUR DECISION #\(shown.seq) ", Style(bold: true, reverse: true))
        let slice = shown.row.provenance.slices.first.map { Sanitiser.clean($0) } ?? "no slice"
        var y = area.y
        for line in TextWrap.wrap([tag, Span(" " + what, .bold), Span(dot + slice + dot + Sanitiser.clean(shown.row.id), .dim)],
                                  width: width, indent: 2).prefix(2) {
            line.draw(on: &canvas, x: area.x, y: y, width: width)
            y += 1
        }
        let undo = workbench.keymap.keyName(for: .undo, in: context)
        let previous = workbench.keymap.keyName(for: .previousRow, in: context)
        let back = workbench.keymap.keyName(for: .back, in: context)
        let returning = item.map { "the row you were on, \(Sanitiser.clean($0.row.id))" } ?? "the queue"
        for line in TextWrap.wrap("\(undo) undoes it \(glyphs.dash) \(previous) goes further back \(glyphs.dash) \(back) returns to \(returning)",
                                  style: .dim, width: width, indent: 2).prefix(2) {
            line.draw(on: &canvas, x: area.x, y: y, width: width)
            y += 1
        }
        let body = RowRenderer(text: shown.text, glyphs: glyphs).render(width: width).lines
        let page = max(1, area.y + area.height - y - 1)
        lastBodyLines = body.count
        lastPage = page
        scroll.clamp(page: page, total: body.count)
        let rule = String(repeating: glyphs.horizontal, count: max(0, width))
        canvas.put(rule, x: area.x, y: y, style: .dim, limit: width)
        y += 1
        for (i, line) in body.dropFirst(scroll.offset).prefix(page).enumerated() {
            line.draw(on: &canvas, x: area.x, y: y + i, width: width)
        }
    }
}
