import TerminalCore
import WinnowCore

/// A one-line text prompt drawn over the screen below it (search, a rejection note). Typed
/// keys go to the text, not the keymap: Enter submits, Esc cancels, Backspace deletes,
/// Ctrl-U clears.
final class LinePrompt: Screen {
    let label: String
    var text: String
    let submit: (String, Workbench) throws -> Void
    /// The screen underneath, drawn first so the prompt sits over what it is about.
    weak var below: (any Screen)?

    init(label: String, initial: String = "", submit: @escaping (String, Workbench) throws -> Void) {
        self.label = label
        text = initial
        self.submit = submit
    }

    var context: String { "prompt" }
    var title: String { below?.title ?? label.lowercased() }
    var statusActions: [Action] { [] }

    func appear(workbench: Workbench) throws {
        below = workbench.screens.dropLast().last
    }

    func draw(on canvas: inout Canvas, in area: Area, workbench: Workbench) {
        below?.draw(on: &canvas, in: area, workbench: workbench)
        let y = area.y + area.height - 1
        canvas.fill(y: y, style: .reverse)
        let shown = Sanitiser.clean(text)
        let prefix = "\(label): "
        // Keep the end of long input visible: the cursor is there.
        let room = area.width - DisplayWidth.of(prefix) - 2
        var visible = ""
        var used = 0
        for character in shown.reversed() {
            used += DisplayWidth.of(character)
            if used > room { break }
            visible.insert(character, at: visible.startIndex)
        }
        canvas.put(prefix + visible + canvas.glyphs.cursor, x: area.x, y: y, style: .reverse)
    }

    /// Pasted text goes into the line as typed text would, on one line: line breaks and tabs
    /// become spaces and other control characters are left out (a pasted newline does not submit).
    func insert(pasted: String) {
        for scalar in pasted.unicodeScalars {
            switch scalar.value {
            case 0x09, 0x0A, 0x0D: if !text.hasSuffix(" ") { text.append(" ") }
            case 0x00...0x1F, 0x7F...0x9F: continue
            default: text.unicodeScalars.append(scalar)
            }
        }
    }

    func perform(_ action: Action, workbench: Workbench) throws -> Bool { false }

    func consume(_ key: Key, workbench: Workbench) throws -> Bool {
        switch key {
        case .enter:
            workbench.pop()
            try submit(text, workbench)
        case .escape, .control("c"), .control("g"):
            workbench.pop()
        case .backspace:
            if !text.isEmpty { text.removeLast() }
        case .control("u"):
            text = ""
        case .character(let character):
            text.append(character)
        default:
            break
        }
        return true
    }
}
