/// One cell of the grid: a grapheme cluster (or "" for the right half of a wide character).
public struct Cell: Hashable, Sendable {
    public var text: String
    public var style: Style

    public init(text: String = " ", style: Style = .plain) {
        self.text = text
        self.style = style
    }

    public static let blank = Cell()
    /// The right half of a two-column character: drawn by the cell before it.
    public var isContinuation: Bool { text.isEmpty }
}

/// The screen a frame is drawn into, laid out by display width, then handed whole to a
/// `Terminal`. Screens never write to a terminal directly, which is what lets the same code be
/// snapshot-tested on `VirtualTerminal` and shown through curses.
///
/// As a last line of defence, `put` replaces any control character with U+FFFD: untrusted text
/// is sanitised before it gets here, but nothing that reaches a terminal can be an escape.
public struct Canvas: Sendable, Equatable {
    public let size: Size
    public private(set) var cells: [Cell]

    public init(size: Size) {
        self.size = size
        cells = Array(repeating: .blank, count: size.columns * size.rows)
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * size.columns + x] }
        set { cells[y * size.columns + x] = newValue }
    }

    /// Writes `text` from column `x` on row `y`, clipped at `limit` columns (default: the right
    /// edge). Returns the column after the last one written.
    @discardableResult
    public mutating func put(_ text: some StringProtocol, x: Int, y: Int, style: Style = .plain, limit: Int? = nil) -> Int {
        guard y >= 0, y < size.rows, x < size.columns else { return x }
        let end = min(size.columns, limit.map { x + max(0, $0) } ?? size.columns)
        var column = max(0, x)
        for character in text {
            let safe = Canvas.safeCharacter(character)
            let width = DisplayWidth.of(safe)
            if width == 0 {
                if column > 0 { attachMark(safe, x: column - 1, y: y) }
                continue
            }
            if column + width > end {
                if column < end { set(" ", x: column, y: y, style: style) }
                return end
            }
            set(String(safe), x: column, y: y, style: style)
            if width == 2 { set("", x: column + 1, y: y, style: style) }
            column += width
        }
        return column
    }

    /// Fills `width` columns of row `y` from `x` with spaces in `style` (a bar, a selection).
    public mutating func fill(x: Int = 0, y: Int, width: Int? = nil, style: Style) {
        guard y >= 0, y < size.rows else { return }
        let end = min(size.columns, x + (width ?? size.columns))
        for column in max(0, x)..<max(max(0, x), end) { set(" ", x: column, y: y, style: style) }
    }

    /// Restyles existing cells without changing their text (highlighting a match in place).
    public mutating func restyle(x: Int, y: Int, width: Int, style: Style) {
        guard y >= 0, y < size.rows, x < size.columns, width > 0 else { return }
        for column in max(0, x)..<min(size.columns, max(max(0, x), x + width)) { self[column, y].style = style }
    }

    /// Row `y` as text, wide characters once, trailing spaces trimmed.
    public func line(_ y: Int) -> String {
        var text = ""
        for x in 0..<size.columns { text += self[x, y].text }
        while text.last == " " { text.removeLast() }
        return text
    }

    /// The whole canvas as text, one line per row: what snapshot tests compare.
    public var text: String { (0..<size.rows).map(line).joined(separator: "\n") }

    private mutating func set(_ text: String, x: Int, y: Int, style: Style) {
        // Half of a wide character left behind would draw garbage: blank its other half.
        if self[x, y].isContinuation && x > 0 { self[x - 1, y].text = " " }
        if !self[x, y].isContinuation, DisplayWidth.of(self[x, y].text) == 2, x + 1 < size.columns {
            self[x + 1, y].text = " "
        }
        self[x, y] = Cell(text: text, style: style)
    }

    private mutating func attachMark(_ mark: Character, x: Int, y: Int) {
        var column = x
        while column > 0 && self[column, y].isContinuation { column -= 1 }
        self[column, y].text.append(mark)
    }

    static func safeCharacter(_ character: Character) -> Character {
        for scalar in character.unicodeScalars {
            let value = scalar.value
            if value < 0x20 || (0x7F...0x9F).contains(value) { return "\u{FFFD}" }
        }
        return character
    }
}
