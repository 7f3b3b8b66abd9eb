import TerminalCore
import WinnowCore

/// A one-line text prompt drawn over the screen below it (search, a rejection note). Typed
/// keys go to the text, not the keymap: Enter submits, Esc cancels, Backspace deletes,
/// Ctrl-U clears; Tab completes when the prompt has a completer (the `:` command line).
final class LinePrompt: Screen {
    let label: String
    /// Between the label and the text: ": " for "Search: ", nothing for the command line's ":".
    let separator: String
    var text: String
    let submit: (String, Workbench) throws -> Void
    /// What Tab does: the text completed, and a line of candidates or advice to show above the
    /// prompt (already sanitised). Nil: Tab is not read.
    let complete: ((String, Workbench) throws -> (text: String, hint: String?))?
    /// The completer's last candidates, shown until the next key.
    var hint: String?
    /// The screen underneath, drawn first so the prompt sits over what it is about.
    weak var below: (any Screen)?

    init(label: String, separator: String = ": ", initial: String = "",
         complete: ((String, Workbench) throws -> (text: String, hint: String?))? = nil,
         submit: @escaping (String, Workbench) throws -> Void) {
        self.label = label
        self.separator = separator
        text = initial
        self.complete = complete
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
        if let hint {
            // Up to three lines above the prompt; a longer list is cut (typing more narrows it).
            let lines = TextWrap.wrap(hint, style: .bold, width: max(1, area.width)).prefix(min(3, area.height - 1))
            for (i, line) in lines.enumerated() {
                let row = y - lines.count + i
                canvas.fill(y: row, style: .plain)
                line.draw(on: &canvas, x: area.x, y: row, width: area.width)
            }
        }
        let shown = Sanitiser.clean(text)
        let prefix = label + separator
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
        hint = nil
        switch key {
        case .tab:
            guard let complete else { return true }
            (text, hint) = try complete(text, workbench)
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
