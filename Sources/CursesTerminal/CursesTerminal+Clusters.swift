import CNCursesW
import TerminalCore

/// A grapheme cluster written past curses, at the canvas position it was laid out at.
struct RawCluster {
    var cell: Cell
    var x: Int
    var y: Int
    /// Columns the canvas gave it.
    var columns: Int
}

/// Clusters that curses cannot draw as they were written.
///
/// curses keeps one `cchar_t` per column: a spacing character and at most `CCHARW_MAX - 1`
/// (four) non-spacing ones, placed by the C library's `wcwidth` of the first. That cannot hold
/// a ZWJ family (five to eleven scalars, several of them spacing), a flag (two spacing regional
/// indicators), a skin-toned emoji, or a conjunct (`स्ते`: two consonants), and glibc measures
/// ❤️, 1️⃣ and the newest emoji unlike Unicode's emoji rules. Drawn through curses they lost
/// their tone, half their flag, or became U+FFFD (issue 12).
///
/// So such a cluster is given to curses as invisible blanks over the columns the canvas gave
/// it, which keeps curses' model of every other cell exact, and after curses has updated the
/// screen (and parked the cursor at the top-left) its bytes are written whole at its own
/// position with absolute cursor addressing (terminfo `cup`, attributes through `vid_puts` so
/// curses' record of them stays right), the cursor is put back where curses left it, and the
/// stream is flushed. A terminal
/// that measures the cluster differently from the canvas (tmux 3.3 gives 👍🏽 four columns)
/// can then spoil at most the cells it overlaps, never shift the rest of the row. The raw
/// write is repeated on every frame that changes anything on its row, since curses may
/// repaint the blanks under it. Two things keep curses from moving it behind winnow's back:
/// no insert/delete-character optimisation (`idcok` off) and no abandoned updates on
/// typeahead (`typeahead(-1)`); lines are never scrolled (`idlok` stays off).
extension CursesTerminal {
    /// The cluster as a curses complex character, when that is faithful: its first scalar is
    /// a spacing character the C library gives exactly `columns` columns, every other one is
    /// zero-width, and there are at most `CCHARW_MAX`. Returns how many were written, or nil.
    static func complexCharacter(_ text: String, columns: Int, into buffer: UnsafeMutableBufferPointer<wchar_t>) -> Int? {
        var count = 0
        for scalar in text.unicodeScalars {
            guard count < Int(CCHARW_MAX), !isControl(scalar) else { return nil }
            guard winnow_wcwidth(scalar.value) == (count == 0 ? Int32(columns) : 0) else { return nil }
            buffer[count] = wchar_t(bitPattern: scalar.value)
            count += 1
        }
        return count > 0 ? count : nil
    }

    /// Writes `clusters` raw (see above) and flushes curses' buffer. A cluster that would end
    /// in the bottom-right cell of a terminal that wraps at once (no xenl) is left blank:
    /// writing there would scroll the screen.
    func writeRaw(_ clusters: [RawCluster], screen: Size) {
        let wrapsLate = winnow_wraps_late() != 0
        for cluster in clusters {
            if !wrapsLate && cluster.y == screen.rows - 1 && cluster.x + cluster.columns >= screen.columns { continue }
            let rendition = CursesStyle.rendition(cluster.cell.style, colour: supportsColour)
            winnow_write_cluster(outputStream, Int32(cluster.y), Int32(cluster.x), Int32(cluster.columns),
                                 Self.printable(cluster.cell.text), rendition.attributes, rendition.pair)
        }
        // present() parks curses' cursor at the top-left.
        winnow_end_clusters(outputStream, 0, 0)
    }

    /// The cluster, or U+FFFD if it holds a control character (the canvas already replaces
    /// those): nothing written raw can be read by the terminal as a command.
    static func printable(_ text: String) -> String {
        text.unicodeScalars.contains(where: isControl) ? "\u{FFFD}" : text
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}
