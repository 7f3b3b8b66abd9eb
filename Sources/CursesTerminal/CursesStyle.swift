import CNCursesW
import TerminalCore

/// How a `Style` is drawn by curses, and whether colour is used at all. Pure, so the mapping
/// and the `NO_COLOR` rule are tested without a terminal.
public enum CursesStyle {
    /// Attributes and colour pair for one cell. Pair numbers equal `Style.Colour` raw values
    /// (1...6, the curses colour numbers red...cyan on the default background); 0 is the
    /// terminal's own colours, which is all a cell gets when colour is off.
    public struct Rendition: Hashable, Sendable {
        public var attributes: attr_t
        public var pair: Int16
    }

    public static func rendition(_ style: Style, colour: Bool) -> Rendition {
        var attributes: attr_t = 0
        if style.bold { attributes |= winnow_attr_bold() }
        if style.underline { attributes |= winnow_attr_underline() }
        if style.reverse { attributes |= winnow_attr_reverse() }
        if style.dim { attributes |= winnow_attr_dim() }
        let pair = colour ? Int16(style.colour?.rawValue ?? 0) : 0
        return Rendition(attributes: attributes, pair: pair)
    }

    /// The curses colour number each pair's foreground uses.
    public static func foreground(_ colour: Style.Colour) -> Int16 {
        switch colour {
        case .red: Int16(COLOR_RED)
        case .green: Int16(COLOR_GREEN)
        case .yellow: Int16(COLOR_YELLOW)
        case .blue: Int16(COLOR_BLUE)
        case .magenta: Int16(COLOR_MAGENTA)
        case .cyan: Int16(COLOR_CYAN)
        }
    }

    /// Colour is used only when the terminal has it and the person has not asked for none:
    /// per no-color.org, `NO_COLOR` set to any non-empty value turns colour off; set but empty
    /// means nothing.
    public static func wantsColour(noColor: String?, terminalHasColours: Bool) -> Bool {
        guard terminalHasColours else { return false }
        guard let noColor else { return true }
        return noColor.isEmpty
    }
}
