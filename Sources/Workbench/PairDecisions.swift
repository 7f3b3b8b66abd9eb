import Foundation
import TerminalCore
import WinnowCore
import Workspace

/// The decisions only a preference pair has: swap (after a confirmation, since it rewrites the
/// row) and both bad; and showing or collapsing the pair's shared context.
extension ReviewScreen {
    /// Shows the pair as a swap would save it; nothing is recorded until the reviewer confirms.
    func confirmSwap(workbench: Workbench) throws {
        guard let current = item else { return }
        guard isPreference else {
            workbench.say("swap is for preference pairs; this row is \(current.row.shape.rawValue)")
            return
        }
        let swapped = try Self.swapped(try workbench.desk.value(of: current.row))
        workbench.push(ConfirmSwapScreen(review: self, rowID: current.row.id, swapped: swapped, text: text))
    }

    /// Rejects the pair with the reason `both-bad`: one key, like any decision; on a row that
    /// is not a pair, says why not and records nothing.
    func bothBad(workbench: Workbench) throws {
        guard let current = item else { return }
        guard isPreference else {
            let reject = workbench.keymap.keyName(for: .reject, in: context)
            workbench.say("both bad is for preference pairs (two answers to judge); this row is \(current.row.shape.rawValue): "
                + "\(reject) rejects it with a reason")
            return
        }
        try record(.reject, reason: WorkspaceConfig.bothBadReason, workbench: workbench)
    }

    /// A search hit inside a collapsed context would be hidden: show the context whole.
    func revealContext(for mark: RowRenderer.Mark) {
        guard !contextExpanded, let pair = PairLayout(text) else { return }
        if pair.context.contains(where: { $0.segment == mark.segment && $0.range.overlaps(mark.range) }) { contextExpanded = true }
    }

    func toggleContext(workbench: Workbench) {
        guard item != nil, PairLayout(text) != nil else {
            workbench.say("only a preference pair has a shared context to show or collapse")
            return
        }
        contextExpanded.toggle()
        scroll = Scroll()
        workbench.say(contextExpanded ? "shared context shown whole" : "shared context collapsed to its last lines")
    }
}

/// "Save this swap?": the pair as it would be saved (chosen and rejected exchanged), to save
/// as an edit or cancel. Until then nothing is in the log.
final class ConfirmSwapScreen: Screen {
    let review: ReviewScreen
    let rowID: String
    let swapped: JSONValue
    /// The row's text with its sides exchanged: what the reviewer would be saving.
    let preview: RowText
    var list = ScrollingLines()
    var builtFor: Int?

    init(review: ReviewScreen, rowID: String, swapped: JSONValue, text: RowText) {
        self.review = review
        self.rowID = rowID
        self.swapped = swapped
        preview = RowText(segments: text.segments.map { segment in
            var segment = segment
            if segment.side == "chosen" { segment.side = "rejected" } else if segment.side == "rejected" { segment.side = "chosen" }
            if segment.label == "chosen" { segment.label = "rejected" } else if segment.label == "rejected" { segment.label = "chosen" }
            return segment
        })
    }

    static let note = "swapped chosen and rejected"

    var context: String { "confirm" }
    var title: String { "swap \(Sanitiser.clean(rowID)): save chosen and rejected exchanged?" }
    var statusActions: [Action] { [.confirm, .cancel] }

    func draw(on canvas: inout Canvas, in area: Area, workbench: Workbench) {
        if builtFor != area.width {
            let save = workbench.keymap.keyName(for: .confirm, in: context), cancel = workbench.keymap.keyName(for: .cancel, in: context)
            var lines = TextWrap.wrap("Nothing is recorded yet. \(save) saves the pair as below, as an edit (note: \"\(Self.note)\"); "
                + "\(cancel) leaves it as it was.", style: .bold, width: max(1, area.width - 1))
            lines.append(StyledLine())
            lines += RowRenderer(text: preview, glyphs: canvas.glyphs).render(width: area.width - 1).lines
            list.lines = lines
            builtFor = area.width
        }
        list.draw(on: &canvas, in: area)
    }

    func perform(_ action: Action, workbench: Workbench) throws -> Bool {
        if list.perform(action) { return true }
        switch action {
        case .confirm:
            workbench.screens.removeAll { $0 === self }
            try review.record(.edit, note: Self.note, newRow: swapped, workbench: workbench)
        case .cancel, .back:
            workbench.pop()
            workbench.say("swap cancelled: nothing recorded")
        default:
            return false
        }
        return true
    }
}
