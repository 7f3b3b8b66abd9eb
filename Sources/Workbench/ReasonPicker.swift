import Keymap
import TerminalCore
import WinnowCore
import Workspace

/// The one-key reject: digits 1-9 pick a configured reason code at once. `add-note` asks for
/// the note first, in a prompt that takes every key as text, and comes back here to pick the
/// reason: before, the note prompt came after the digit, so a reviewer who typed the note
/// straight after `n` had its letters read as keys (and its digits as reasons).
///
/// Enter decides nothing until a reason is highlighted with the movement keys; then it rejects
/// with that one, and the box says so. A stray Enter after `x` used to reject with reason 1.
final class ReasonPicker: Screen {
    let reasons: [WorkspaceConfig.Reason]
    let rowID: String
    let choose: (String, String?, Workbench) throws -> Void
    var note: String?
    /// The highlighted reason; nil until the reviewer moves to one.
    var selected: Int?
    weak var below: (any Screen)?

    init(reasons: [WorkspaceConfig.Reason], rowID: String, choose: @escaping (String, String?, Workbench) throws -> Void) {
        self.reasons = reasons
        self.rowID = rowID
        self.choose = choose
    }

    var context: String { "reasons" }
    var title: String { "reject \(Sanitiser.clean(rowID)): why?" }
    var statusActions: [Action] { [.addNote, .cancel] }

    func appear(workbench: Workbench) throws { below = workbench.screens.dropLast().last }

    var shownCount: Int { min(9, reasons.count) }

    func draw(on canvas: inout Canvas, in area: Area, workbench: Workbench) {
        below?.draw(on: &canvas, in: area, workbench: workbench)
        let shown = Array(reasons.prefix(9))
        let height = shown.count + 4
        let top = max(area.y, area.y + area.height - height)
        for y in top..<(area.y + area.height) { canvas.fill(y: y, style: .plain) }
        let noteText = note.map { "(note: \(Sanitiser.clean($0))) " } ?? ""
        canvas.put(DisplayWidth.truncate(canvas.glyphs.horizontal + " Reject: why? " + noteText, to: area.width, mark: canvas.glyphs.ellipsis),
                   x: area.x, y: top, style: .bold)
        for (i, reason) in shown.enumerated() where top + 1 + i < area.y + area.height {
            let style: Style = i == selected ? .reverse : .plain
            canvas.put(" \(i + 1)  \(Sanitiser.clean(reason.code))", x: area.x, y: top + 1 + i, style: style.with(bold: true))
            canvas.put(DisplayWidth.truncate(Sanitiser.clean(reason.label), to: area.width - 25, mark: canvas.glyphs.ellipsis), x: area.x + 24, y: top + 1 + i, style: style)
        }
        let down = workbench.keymap.keyName(for: .moveDown, in: context), up = workbench.keymap.keyName(for: .moveUp, in: context)
        let enter = selected.map { "<Enter> rejects as \(Sanitiser.clean(reasons[$0].code))" }
            ?? "<Enter> does nothing until \(down)/\(up) highlight a reason"
        let hint = shown.isEmpty ? "no reason codes are configured" : "1-\(shown.count) reject with that reason \(canvas.glyphs.separator) \(enter)"
        let y = top + 1 + shown.count
        if y < area.y + area.height { canvas.put(DisplayWidth.truncate(hint, to: area.width, mark: canvas.glyphs.ellipsis), x: area.x, y: y, style: .dim) }
        if reasons.count > 9, y + 1 < area.y + area.height {
            canvas.put("(the first nine reasons; others through winnow decide)", x: area.x, y: y + 1, style: .dim)
        }
    }

    func perform(_ action: Action, workbench: Workbench) throws -> Bool {
        switch action {
        case .addNote:
            workbench.push(LinePrompt(label: "Note for this rejection (Enter, then pick the reason)") { [weak self] text, bench in
                guard let self else { return }
                self.note = text.isEmpty ? nil : text
                bench.say(self.note == nil ? "no note" : "note kept: now pick the reason")
            })
            return true
        case .moveDown:
            guard shownCount > 0 else { return true }
            selected = min((selected ?? -1) + 1, shownCount - 1)
            return true
        case .moveUp:
            guard shownCount > 0 else { return true }
            selected = max(0, (selected ?? 1) - 1)
            return true
        case .confirm:
            try enter(workbench: workbench)
            return true
        default:
            return false
        }
    }

    /// Digits pick directly; Enter picks the highlighted one, if any.
    func consume(_ key: Key, workbench: Workbench) throws -> Bool {
        switch key {
        case .character(let c) where c.isASCII && c.isNumber && c != "0":
            let index = Int(String(c))! - 1
            guard index < reasons.count else {
                workbench.say("there are \(reasons.count) reasons; \(c) is not one")
                return true
            }
            try pick(index, workbench: workbench)
            return true
        case .enter:
            try enter(workbench: workbench)
            return true
        default:
            return false
        }
    }

    private func enter(workbench: Workbench) throws {
        guard let selected else {
            workbench.say("nothing rejected: press a reason's digit, or highlight one with "
                + "\(workbench.keymap.keyName(for: .moveDown, in: context)) and then press Enter")
            return
        }
        try pick(selected, workbench: workbench)
    }

    private func pick(_ index: Int, workbench: Workbench) throws {
        guard !reasons.isEmpty else {
            workbench.say("no reason codes are configured: add them under [reasons] in winnow.toml", error: true)
            return
        }
        guard index >= 0 && index < reasons.count else { return }
        let code = reasons[index].code
        workbench.pop()
        try choose(code, note, workbench)
    }
}

extension Style {
    func with(bold: Bool) -> Style {
        var copy = self
        copy.bold = bold
        return copy
    }

    func with(dim: Bool) -> Style {
        var copy = self
        copy.dim = dim
        return copy
    }
}
