import CNCursesW
import TerminalCore

extension CursesTerminal {
    /// Draws a whole frame. Only rows that differ from the last frame are handed to curses:
    /// curses diffs its own buffers too, but building a `cchar_t` for every one of 1920+ cells
    /// per key press is the cost worth skipping (see the timing test). A frame of another size
    /// than the last, or than the terminal, is drawn in full on a cleared screen.
    ///
    /// Most cells go through curses as complex characters. A cluster curses cannot carry whole
    /// or would measure unlike the canvas (a flag, a ZWJ family, ❤️, a keycap, a conjunct) is
    /// given to curses as invisible blanks over its columns and written raw afterwards at its
    /// own position (CursesTerminal+Clusters.swift), on every frame that touches its row.
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
        var clusters: [RawCluster] = []
        canvas.cells.withUnsafeBufferPointer { cells in
            before.withUnsafeBufferPointer { before in
                for y in 0..<rows {
                    let start = y * width
                    if !before.isEmpty && (start..<(start + columns)).allSatisfy({ cells[$0] == before[$0] }) { continue }
                    var x = 0
                    while x < columns {
                        let index = start + x
                        var span = 1
                        while x + span < width && cells[index + span].isContinuation { span += 1 }
                        let cell = cells[index]
                        let changed = before.isEmpty || (index..<(index + span)).contains { cells[$0] != before[$0] }
                        if cell.isContinuation {
                            // A continuation with no cluster before it cannot come from Canvas.put.
                            if changed { draw(Cell(text: " ", style: cell.style), x: Int32(x), y: Int32(y), in: window) }
                        } else if !drawWhole(cell, columns: span, changed: changed, x: Int32(x), y: Int32(y), in: window) {
                            if x + span <= columns { clusters.append(RawCluster(cell: cell, x: x, y: y, columns: span)) }
                        }
                        x += span
                    }
                }
            }
        }
        wmove(window, 0, 0)
        wnoutrefresh(window)
        doupdate()
        if !clusters.isEmpty { writeRaw(clusters, screen: live) }
        previous = canvas
        needsFullRedraw = false
    }

    /// A cell curses can draw itself (one complex character whose width the C library agrees
    /// on) is drawn when it changed; returns false for a cluster to be written raw, after
    /// giving curses invisible blanks over its columns when it changed. Blank cells that carry
    /// `A_INVIS` differ from every cell a canvas can hold, so whatever replaces them later is
    /// drawn by curses, and the raw cluster under them is overwritten.
    func drawWhole(_ cell: Cell, columns: Int, changed: Bool, x: Int32, y: Int32, in window: UnsafeMutablePointer<WINDOW>?) -> Bool {
        if !changed {
            // Only whether it is drawn raw matters: printable ASCII never is.
            if cell.text.utf8.count == 1 { return true }
            return withUnsafeTemporaryAllocation(of: wchar_t.self, capacity: Int(CCHARW_MAX) + 1) { buffer in
                CursesTerminal.complexCharacter(cell.text, columns: columns, into: buffer) != nil
            }
        }
        let rendition = CursesStyle.rendition(cell.style, colour: supportsColour)
        var character = cchar_t()
        let whole = withUnsafeTemporaryAllocation(of: wchar_t.self, capacity: Int(CCHARW_MAX) + 1) { buffer in
            guard let count = CursesTerminal.complexCharacter(cell.text, columns: columns, into: buffer) else { return false }
            buffer[count] = 0
            return setcchar(&character, buffer.baseAddress, rendition.attributes, rendition.pair, nil) == OK
        }
        if whole {
            // At the bottom-right corner curses cannot advance the cursor and reports ERR after
            // placing the character; that is not a failure.
            _ = mvwadd_wch(window, y, x, &character)
            return true
        }
        let hidden = Cell(text: " ", style: cell.style)
        for column in 0..<Int32(columns) { draw(hidden, x: x + column, y: y, in: window, extra: winnow_attr_invisible()) }
        return false
    }

    /// One single-column cell: `cell.text` must be one scalar curses measures as one column
    /// (a space, the blanks under a raw cluster).
    func draw(_ cell: Cell, x: Int32, y: Int32, in window: UnsafeMutablePointer<WINDOW>?, extra: attr_t = 0) {
        let rendition = CursesStyle.rendition(cell.style, colour: supportsColour)
        var character = cchar_t()
        var text: [wchar_t] = [wchar_t(bitPattern: cell.text.unicodeScalars.first?.value ?? 0x20), 0]
        _ = setcchar(&character, &text, rendition.attributes | extra, rendition.pair, nil)
        _ = mvwadd_wch(window, y, x, &character)
    }
}
