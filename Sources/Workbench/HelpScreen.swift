import Keymap
import TerminalCore
import WinnowCore

/// Keys for the screen it was opened from, generated from the active keymap and the action
/// registry: what the reviewer reads is what the keys do, whatever keymap is loaded.
final class HelpScreen: Screen {
    let forContext: String
    let keymap: Keymap
    var list = ScrollingLines()
    var builtForWidth = 0

    init(for screen: any Screen, keymap: Keymap) {
        forContext = screen.context
        self.keymap = keymap
    }

    var context: String { "help" }
    var title: String { "keys: \(forContext)" }
    var statusActions: [Action] { [.back] }

    static func lines(context: String, keymap: Keymap, width: Int, glyphs: Glyphs = .unicode) -> [StyledLine] {
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
                // Keys too wide for their column get a line of their own, so they never run
                // into the action's name ("<C-f> <PageDown>page-down").
                var keyColumn = DisplayWidth.pad(shown, to: 16, mark: glyphs.ellipsis)
                if DisplayWidth.of(shown) > 15 {
                    out += TextWrap.wrap([Span("  " + shown, .bold)], width: width, indent: 2)
                    keyColumn = String(repeating: " ", count: 16)
                }
                let line = [Span("  " + keyColumn, .bold),
                            Span(DisplayWidth.pad(action.name, to: 19, mark: glyphs.ellipsis) + " ", .dim),
                            Span(action.summary)]
                out += TextWrap.wrap(line, width: width, indent: 38)
            }
            out.append(StyledLine())
        }
        if context == "reasons" {
            out.append(StyledLine("  1-9               pick that reason code"))
        }
        if let colon = keymap.keys(for: Action.commandLine.name, in: context).first.map(KeyNotation.name) {
            out.append(StyledLine("Command line (\(colon))", Style(bold: true, underline: true)))
            for command in ColonCommand.allCases { out += TextWrap.wrap("  " + command.usage, width: width, indent: 16) }
            out += TextWrap.wrap("  :ACTION       what the action's key does here (:accept, :skip, ...); Tab completes names, slices and row ids",
                                 width: width, indent: 16)
            out += TextWrap.wrap("  A count before a move repeats it (5j, 3<PageDown>, 2n); before a decision it does nothing.",
                                 width: width, indent: 4)
            out.append(StyledLine())
        }
        out.append(StyledLine("Keys come from the active keymap (--keymap NAME|FILE); see Keymaps/README.md.", .dim))
        return out
    }

    func draw(on canvas: inout Canvas, in area: Area, workbench: Workbench) {
        if builtForWidth != area.width {
            list.lines = Self.lines(context: forContext, keymap: keymap, width: area.width - 1, glyphs: canvas.glyphs)
            builtForWidth = area.width
        }
        list.draw(on: &canvas, in: area)
    }

    func perform(_ action: Action, workbench: Workbench) throws -> Bool { list.perform(action) }
}
