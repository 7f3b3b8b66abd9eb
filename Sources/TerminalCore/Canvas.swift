/// One cell of the grid: a grapheme cluster, or "" for a column covered by the cluster to its
/// left (a wide character's right half, the second column of a conjunct).
public struct Cell: Hashable, Sendable {
    public var text: String
    public var style: Style

    public init(text: String = " ", style: Style = .plain) {
        self.text = text
        self.style = style
    }

    public static let blank = Cell()
    /// A column drawn by the cluster before it.
    public var isContinuation: Bool { text.isEmpty }
}

/// The screen a frame is drawn into, laid out by display width, then handed whole to a
/// `Terminal`. Screens never write to a terminal directly, which is what lets the same code be
/// snapshot-tested on `VirtualTerminal` and shown through curses.
///
/// Text is placed one extended grapheme cluster at a time (Swift's `Character`), each in one
/// cell followed by a continuation cell for every further column it takes (`DisplayWidth`): a
/// flag, a ZWJ family, a keycap or a conjunct is never split, never clipped in half, and reaches
/// the terminal as the bytes it was written with. A cluster that does not fit before the limit
/// is left out whole (its columns blanked). A zero-width cluster (a lone mark) joins the cell
/// before it.
///
/// As a last line of defence, `put` replaces any cluster holding a control character with
/// U+FFFD: untrusted text is sanitised before it gets here, but nothing that reaches a
/// terminal can be an escape.
public struct Canvas: Sendable, Equatable {
    public let size: Size
    /// The characters screens draw frames and marks with (ASCII when the locale is not UTF-8).
    public let glyphs: Glyphs
    public private(set) var cells: [Cell]

    public init(size: Size, glyphs: Glyphs = .unicode) {
        self.size = size
        self.glyphs = glyphs
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
        // Printable ASCII, most of what screens draw, is one column a byte: no segmenting.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
            for byte in text.utf8 {
                guard column < end else { return end }
                place(String(Unicode.Scalar(byte)), width: 1, x: column, y: y, style: style)
                column += 1
            }
            return column
        }
        for character in text {
            let safe = Canvas.safeCharacter(character)
            let width = DisplayWidth.of(safe)
            if width == 0 {
                if column > 0 { attachMark(safe, x: column - 1, y: y) }
                continue
            }
            if column + width > end {
                for blank in column..<max(column, end) { place(" ", width: 1, x: blank, y: y, style: style) }
                return max(column, end)
            }
            place(String(safe), width: width, x: column, y: y, style: style)
            column += width
        }
        return column
    }

    /// Fills `width` columns of row `y` from `x` with spaces in `style` (a bar, a selection).
    public mutating func fill(x: Int = 0, y: Int, width: Int? = nil, style: Style) {
        guard y >= 0, y < size.rows else { return }
        let end = min(size.columns, x + (width ?? size.columns))
        for column in max(0, x)..<max(max(0, x), end) { place(" ", width: 1, x: column, y: y, style: style) }
    }

    /// Restyles existing cells without changing their text (highlighting a match in place).
    public mutating func restyle(x: Int, y: Int, width: Int, style: Style) {
        guard y >= 0, y < size.rows, x < size.columns, width > 0 else { return }
        for column in max(0, x)..<min(size.columns, max(max(0, x), x + width)) { self[column, y].style = style }
    }

    /// Row `y` as text, each cluster once, trailing spaces trimmed.
    public func line(_ y: Int) -> String {
        var text = ""
        for x in 0..<size.columns { text += self[x, y].text }
        while text.last == " " { text.removeLast() }
        return text
    }

    /// The whole canvas as text, one line per row: what snapshot tests compare.
    public var text: String { (0..<size.rows).map(line).joined(separator: "\n") }

    /// The columns `x..<x+width` of row `y` become one cluster. A cluster that covered any of
    /// them only partly is blanked whole first: half a wide character left behind would draw
    /// garbage.
    private mutating func place(_ text: String, width: Int, x: Int, y: Int, style: Style) {
        let row = y * size.columns
        // Only a cluster reaching in from the left (x is a continuation) or out to the right
        // (x + width is one) is cut; clusters wholly inside are overwritten cell by cell.
        if cells[row + x].isContinuation || (x + width < size.columns && cells[row + x + width].isContinuation) {
            blankCluster(covering: x, y: y)
            blankCluster(covering: x + width - 1, y: y)
        }
        cells[row + x] = Cell(text: text, style: style)
        for column in (x + 1)..<(x + width) { cells[row + column] = Cell(text: "", style: style) }
    }

    /// Blanks the multi-column cluster that covers column `x` of row `y`, if there is one.
    private mutating func blankCluster(covering x: Int, y: Int) {
        let row = y * size.columns
        var start = x
        while start > 0 && cells[row + start].isContinuation { start -= 1 }
        var end = x + 1
        while end < size.columns && cells[row + end].isContinuation { end += 1 }
        guard end - start > 1 || cells[row + start].isContinuation else { return }
        for column in start..<end { cells[row + column].text = " " }
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
