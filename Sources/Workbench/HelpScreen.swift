import Keymap
import TerminalCore
import WinnowCore

/// Keys for the screen it was opened from, generated from the active keymap and the action
/// registry: what the reviewer reads is what the keys do, whatever keymap is loaded.
final class HelpScreen: Screen {
    let forContext: String
    let keymap: Keymap
    var lines: [StyledLine] = []
    var builtForWidth = 0
    var scroll = Scroll()
    var lastPage = 10

    init(for screen: any Screen, keymap: Keymap) {
        forContext = screen.context
        self.keymap = keymap
    }

    var context: String { "help" }
    var title: String { "keys: \(forContext)" }
    var statusActions: [Action] { [.back] }

    static func lines(context: String, keymap: Keymap, width: Int) -> [StyledLine] {
        var out: [StyledLine] = []
        let sections: [(String, [Action])] = [
            ("This screen (\(context))", Action.allCases.filter { $0.contexts.contains(context) }),
            ("Everywhere", Action.allCases.filter { $0.contexts.contains(KeymapCatalog.globalContext) }),
        ]
        for (heading, actions) in sections where !actions.isEmpty {
            out.append(StyledLine(heading, Style(bold: true, underline: true)))
            for action in actions {
                let keys = keymap.keys(for: action.name, in: context).map(KeyNotation.name)
                let shown = keys.isEmpty ? "(unbound)" : keys.joined(separator: " ")
                let line = [Span("  " + DisplayWidth.pad(shown, to: 16), .bold), Span(DisplayWidth.pad(action.name, to: 19) + " ", .dim),
                            Span(action.summary)]
                out += TextWrap.wrap(line, width: width, indent: 38)
            }
            out.append(StyledLine())
        }
        if context == "reasons" {
            out.append(StyledLine("  1-9               pick that reason code"))
        }
        out.append(StyledLine("Keys come from the active keymap (--keymap NAME|FILE); see Keymaps/README.md.", .dim))
        return out
    }

    func draw(on canvas: inout Canvas, in area: Area, workbench: Workbench) {
        if builtForWidth != area.width {
            lines = Self.lines(context: forContext, keymap: keymap, width: area.width - 1)
            builtForWidth = area.width
        }
        lastPage = area.height
        scroll.clamp(page: area.height, total: lines.count)
        for (i, line) in lines.dropFirst(scroll.offset).prefix(area.height).enumerated() {
            line.draw(on: &canvas, x: area.x + 1, y: area.y + i, width: area.width - 1)
        }
    }

    func perform(_ action: Action, workbench: Workbench) throws -> Bool {
        scroll.apply(action, page: lastPage, total: lines.count)
    }
}
