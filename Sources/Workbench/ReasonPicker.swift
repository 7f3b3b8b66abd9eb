import Keymap
import TerminalCore
import WinnowCore
import Workspace

/// The one-key reject: digits 1-9 pick a configured reason code at once; `add-note` first
/// asks for a note to go with it. Drawn over the row, which stays visible above.
final class ReasonPicker: Screen {
    let reasons: [WorkspaceConfig.Reason]
    let rowID: String
    let choose: (String, String?, Workbench) throws -> Void
    var withNote = false
    var selected = 0
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

    func draw(on canvas: inout Canvas, in area: Area, workbench: Workbench) {
        below?.draw(on: &canvas, in: area, workbench: workbench)
        let shown = Array(reasons.prefix(9))
        let height = shown.count + 3
        let top = max(area.y, area.y + area.height - height)
        for y in top..<(area.y + area.height) { canvas.fill(y: y, style: .plain) }
        canvas.put(canvas.glyphs.horizontal + " Reject: why? " + (withNote ? "(a note follows) " : ""), x: area.x, y: top, style: .bold)
        for (i, reason) in shown.enumerated() where top + 1 + i < area.y + area.height {
            let style: Style = i == selected ? .reverse : .plain
            canvas.put(" \(i + 1)  \(Sanitiser.clean(reason.code))", x: area.x, y: top + 1 + i, style: style.with(bold: true))
            canvas.put(DisplayWidth.truncate(Sanitiser.clean(reason.label), to: area.width - 25, mark: canvas.glyphs.ellipsis), x: area.x + 24, y: top + 1 + i, style: style)
        }
        if reasons.count > 9 {
            canvas.put("(the first nine reasons; others through winnow decide)", x: area.x, y: area.y + area.height - 1, style: .dim)
        }
    }

    func perform(_ action: Action, workbench: Workbench) throws -> Bool {
        switch action {
        case .addNote:
            withNote.toggle()
            return true
        case .moveDown:
            selected = max(0, min(selected + 1, min(9, reasons.count) - 1))
            return true
        case .moveUp:
            selected = max(0, selected - 1)
            return true
        case .confirm:
            try pick(selected, workbench: workbench)
            return true
        default:
            return false
        }
    }

    /// Digits pick directly; Enter picks the highlighted one.
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
            try pick(selected, workbench: workbench)
            return true
        default:
            return false
        }
    }

    private func pick(_ index: Int, workbench: Workbench) throws {
        guard !reasons.isEmpty else {
            workbench.say("no reason codes are configured: add them under [reasons] in winnow.toml", error: true)
            return
        }
        guard index >= 0 && index < reasons.count else { return }
        let code = reasons[index].code
        workbench.pop()
        if withNote {
            workbench.push(LinePrompt(label: "Note for \(Sanitiser.clean(code))") { note, bench in
                try self.choose(code, note.isEmpty ? nil : note, bench)
            })
        } else {
            try choose(code, nil, workbench)
        }
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
