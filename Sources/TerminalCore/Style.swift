/// How a cell is drawn. Colour is only ever a second signal: every state a reviewer must tell
/// apart (a decision, a flag, a highlight) also shows as text, reverse video or underline, so
/// `NO_COLOR` and monochrome terminals lose nothing.
public struct Style: Hashable, Sendable {
    public enum Colour: Int, Sendable, CaseIterable {
        case red = 1, green, yellow, blue, magenta, cyan
    }

    public var bold = false
    public var underline = false
    public var reverse = false
    public var dim = false
    public var colour: Colour?

    public init(bold: Bool = false, underline: Bool = false, reverse: Bool = false, dim: Bool = false,
                colour: Colour? = nil) {
        self.bold = bold
        self.underline = underline
        self.reverse = reverse
        self.dim = dim
        self.colour = colour
    }

    public static let plain = Style()
    public static let bold = Style(bold: true)
    public static let reverse = Style(reverse: true)
    public static let dim = Style(dim: true)
    public static let underline = Style(underline: true)
    /// A match the reviewer should see: underlined and reversed, so it shows without colour.
    public static let highlight = Style(underline: true, reverse: true, colour: .yellow)
}

/// Columns × rows of a terminal or canvas.
public struct Size: Hashable, Sendable, CustomStringConvertible {
    public var columns: Int
    public var rows: Int

    public init(columns: Int, rows: Int) {
        self.columns = max(0, columns)
        self.rows = max(0, rows)
    }

    public var description: String { "\(columns)x\(rows)" }
}
