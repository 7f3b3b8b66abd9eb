import CNCursesW
import TerminalCore

extension CursesTerminal {
    /// Draws a whole frame. Only cells that differ from the last frame are handed to curses:
    /// curses diffs its own buffers too, but building a `cchar_t` for every one of 1920+ cells
    /// per key press is the cost worth skipping (see the timing test). A frame of another size
    /// than the last, or than the terminal, is drawn in full on a cleared screen.
    public func present(_ canvas: Canvas) {
        guard !closed else { return }
        let window = winnow_stdscr()
        let live = Size(columns: Int(winnow_cols()), rows: Int(winnow_lines()))
        let full = needsFullRedraw || previous?.size != canvas.size || canvas.size != live
        if full {
            werase(window)
            if needsFullRedraw { clearok(winnow_curscr(), true) }
        }
        let columns = min(canvas.size.columns, live.columns), rows = min(canvas.size.rows, live.rows)
        let width = canvas.size.columns
        let before = full ? [] : previous?.cells ?? []
        canvas.cells.withUnsafeBufferPointer { cells in
            before.withUnsafeBufferPointer { before in
                for y in 0..<rows {
                    for x in 0..<columns {
                        let index = y * width + x
                        if cells[index].isContinuation { continue }
                        if !before.isEmpty, before[index] == cells[index] { continue }
                        let wide = x + 1 < width && cells[index + 1].isContinuation
                        draw(cells[index], wide: wide, x: Int32(x), y: Int32(y), in: window)
                    }
                }
            }
        }
        wnoutrefresh(window)
        doupdate()
        previous = canvas
        needsFullRedraw = false
    }

    /// One cell as a complex character: its spacing character plus up to `CCHARW_MAX - 1`
    /// combining marks, with the cell's attributes and colour pair. `wide`: the canvas gave it
    /// two columns.
    ///
    /// curses places characters by the C library's wcwidth, the canvas by winnow's own Unicode
    /// tables; where they disagree (glibc 2.36: CJK extension G/H, Yijing hexagrams, some
    /// circled numbers, old Hangul jamo) drawing the character would shift the rest of the
    /// row. Such a cell shows U+FFFD in exactly the canvas's columns instead.
    func draw(_ cell: Cell, wide: Bool, x: Int32, y: Int32, in window: UnsafeMutablePointer<WINDOW>?) {
        let rendition = CursesStyle.rendition(cell.style, colour: supportsColour)
        var character = cchar_t()
        var padRight = false
        withUnsafeTemporaryAllocation(of: wchar_t.self, capacity: Int(CCHARW_MAX) + 1) { buffer in
            var count = CursesTerminal.wideCharacters(cell.text, into: buffer)
            if winnow_wcwidth(UInt32(bitPattern: buffer[0])) != (wide ? 2 : 1) {
                buffer[0] = CursesTerminal.replacement
                count = 1
                padRight = wide
            }
            buffer[count] = 0
            // ncurses refuses a cluster whose later scalars also take space (some emoji
            // sequences); then the first scalar alone is better than nothing.
            if setcchar(&character, buffer.baseAddress, rendition.attributes, rendition.pair, nil) != OK {
                count = 1
                buffer[1] = 0
                if setcchar(&character, buffer.baseAddress, rendition.attributes, rendition.pair, nil) != OK {
                    buffer[0] = wchar_t(UInt8(ascii: "?"))
                    _ = setcchar(&character, buffer.baseAddress, rendition.attributes, rendition.pair, nil)
                }
            }
        }
        // At the bottom-right corner curses cannot advance the cursor and reports ERR after
        // placing the character; that is not a failure.
        _ = mvwadd_wch(window, y, x, &character)
        if padRight { draw(Cell(text: " ", style: cell.style), wide: false, x: x + 1, y: y, in: window) }
    }

    /// U+FFFD where the C library can draw it in one column, else "?" (no UTF-8 locale at all).
    static var replacement: wchar_t {
        winnow_wcwidth(0xFFFD) == 1 ? 0xFFFD : wchar_t(UInt8(ascii: "?"))
    }

    /// The scalars of one cell as `wchar_t`s, at most `CCHARW_MAX`; returns how many. A control
    /// character (which `Canvas` already replaces) becomes U+FFFD as the spacing character and
    /// is dropped as a mark: nothing written here can be read by the terminal as a command.
    static func wideCharacters(_ text: String, into buffer: UnsafeMutableBufferPointer<wchar_t>) -> Int {
        var count = 0
        for scalar in text.unicodeScalars {
            guard count < Int(CCHARW_MAX) else { break }
            if isControl(scalar) {
                if count == 0 { buffer[0] = 0xFFFD; count = 1 }
                continue
            }
            buffer[count] = wchar_t(bitPattern: scalar.value)
            count += 1
        }
        if count == 0 { buffer[0] = wchar_t(UInt8(ascii: " ")); count = 1 }
        return count
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}
