import CursesTerminal
import TerminalCore
import Testing

/// Style → curses attributes, checked against the attribute bits in ncurses' curses.h
/// (NCURSES_BITS(1, n) is 1 << (n + 8)), and the NO_COLOR rule from no-color.org.
struct CursesStyleTests {
    static let bold: UInt32 = 1 << 21, underline: UInt32 = 1 << 17, reverse: UInt32 = 1 << 18, dim: UInt32 = 1 << 20

    @Test func eachFlagIsItsAttribute() {
        #expect(CursesStyle.rendition(.plain, colour: true).attributes == 0)
        #expect(CursesStyle.rendition(.bold, colour: true).attributes == Self.bold)
        #expect(CursesStyle.rendition(.underline, colour: true).attributes == Self.underline)
        #expect(CursesStyle.rendition(.reverse, colour: true).attributes == Self.reverse)
        #expect(CursesStyle.rendition(.dim, colour: true).attributes == Self.dim)
        let all = Style(bold: true, underline: true, reverse: true, dim: true)
        #expect(CursesStyle.rendition(all, colour: false).attributes == Self.bold | Self.underline | Self.reverse | Self.dim)
    }

    @Test func colourIsAPairOnlyWhenColourIsOn() {
        #expect(CursesStyle.rendition(.highlight, colour: true).pair == 3)
        #expect(CursesStyle.rendition(Style(colour: .red), colour: true).pair == 1)
        #expect(CursesStyle.rendition(Style(colour: .cyan), colour: true).pair == 6)
        #expect(CursesStyle.rendition(.plain, colour: true).pair == 0)
        // Without colour the highlight still shows: underline + reverse, the terminal's colours.
        let monochrome = CursesStyle.rendition(.highlight, colour: false)
        #expect(monochrome.pair == 0)
        #expect(monochrome.attributes == Self.underline | Self.reverse)
    }

    @Test func pairsUseTheCursesColourNumbers() {
        // COLOR_RED ... COLOR_CYAN are 1 ... 6 in curses.h, in Style.Colour's order.
        #expect(Style.Colour.allCases.map(CursesStyle.foreground) == [1, 2, 3, 4, 5, 6])
    }

    @Test func noColorAnyNonEmptyValueTurnsColourOff() {
        #expect(CursesStyle.wantsColour(noColor: nil, terminalHasColours: true))
        #expect(CursesStyle.wantsColour(noColor: "", terminalHasColours: true))
        #expect(!CursesStyle.wantsColour(noColor: "1", terminalHasColours: true))
        #expect(!CursesStyle.wantsColour(noColor: "0", terminalHasColours: true))
        #expect(!CursesStyle.wantsColour(noColor: "false", terminalHasColours: true))
        #expect(!CursesStyle.wantsColour(noColor: nil, terminalHasColours: false))
    }

    @Test func errorsSayWhatWasTriedAndWhatToSet() {
        let unknown = CursesTerminalError.unknownTerminal(term: "kitty-direct", tried: ["kitty-direct", "xterm-256color", "xterm", "vt100"])
        #expect(unknown.message.contains("TERM=kitty-direct"))
        #expect(unknown.message.contains("tried kitty-direct, xterm-256color, xterm, vt100"))
        #expect(unknown.message.contains("export TERM=xterm-256color"))
        #expect(CursesTerminalError.unknownTerminal(term: nil, tried: ["vt100"]).message.hasPrefix("TERM is not set"))
        #expect(CursesTerminalError.cannotMoveCursor(term: "dumb").message.hasPrefix("TERM=dumb cannot move the cursor"))
        #expect(CursesTerminalError.notATerminal(stdin: true, stdout: false).message.hasPrefix("standard input is not a terminal"))
        #expect(CursesTerminalError.notATerminal(stdin: true, stdout: true).message.hasPrefix("standard input and standard output are not"))
    }
}
