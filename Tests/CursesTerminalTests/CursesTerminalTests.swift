import CNCursesW
import Foundation
import TerminalCore
import Testing
@testable import CursesTerminal

/// The real curses terminal on a pseudo-terminal inside the test process: keys typed as a
/// terminal sends them, frames drawn, signals and resizes. Serialized: curses has one screen
/// per process.
@Suite(.serialized)
struct CursesTerminalTests {
    @Test func keysArriveAsTheirNames() throws {
        let pty = try PseudoTerminal()
        defer { pty.close() }
        let terminal = try pty.open()
        defer { terminal.close() }
        // What xterm sends in keypad-transmit mode (terminfo kcuu1, kf1, kf5, kdch1, knp).
        let typed: [(String, Key)] = [
            ("\u{1b}OA", .up), ("\u{1b}OP", .function(1)), ("\u{1b}[15~", .function(5)), ("\u{1b}[3~", .delete),
            ("\u{1b}[6~", .pageDown), ("\u{04}", .control("d")), ("\r", .enter), ("\u{7f}", .backspace),
            ("q", .character("q")), ("中", .character("中")), ("\u{1b}x", .alt("x")), ("\u{1b}[Z", .backTab),
        ]
        for (bytes, key) in typed {
            pty.type(bytes)
            #expect(terminal.nextEvent(timeoutMilliseconds: 2000) == .key(key), "typed \(bytes.debugDescription)")
        }
    }

    @Test func escapeAloneIsEscapeAfterTheShortDelay() throws {
        let pty = try PseudoTerminal()
        defer { pty.close() }
        let terminal = try pty.open()
        defer { terminal.close() }
        let clock = ContinuousClock()
        pty.type("\u{1b}")
        let start = clock.now
        #expect(terminal.nextEvent(timeoutMilliseconds: 2000) == .key(.escape))
        #expect(start.duration(to: clock.now) < .milliseconds(500))
        // Two escapes are two Escape keys, not Alt-Escape.
        pty.type("\u{1b}\u{1b}")
        #expect(terminal.nextEvent(timeoutMilliseconds: 2000) == .key(.escape))
        #expect(terminal.nextEvent(timeoutMilliseconds: 2000) == .key(.escape))
    }

    @Test func timeoutReturnsNilOnTime() throws {
        let pty = try PseudoTerminal()
        defer { pty.close() }
        let terminal = try pty.open()
        defer { terminal.close() }
        let clock = ContinuousClock()
        let start = clock.now
        #expect(terminal.nextEvent(timeoutMilliseconds: 250) == nil)
        let waited = start.duration(to: clock.now)
        #expect(waited >= .milliseconds(240) && waited < .milliseconds(1500), "waited \(waited)")
        #expect(terminal.nextEvent(timeoutMilliseconds: 0) == nil)
    }

    @Test func aSignalEndsALongWaitAndStaysReported() throws {
        let pty = try PseudoTerminal()
        defer { pty.close() }
        let terminal = try pty.open()
        defer { terminal.close() }
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { _ = kill(getpid(), SIGTERM) }
        let clock = ContinuousClock()
        let start = clock.now
        #expect(terminal.nextEvent(timeoutMilliseconds: 10_000) == .signal(.terminate))
        #expect(start.duration(to: clock.now) < .seconds(2))
        #expect(terminal.nextEvent(timeoutMilliseconds: 10_000) == .signal(.terminate))
    }

    @Test func inputThatIsGoneIsAHangupEvenWithoutTheSignal() throws {
        let pty = try PseudoTerminal()
        defer { pty.close() }
        let terminal = try pty.open()
        defer { terminal.close() }
        pty.hangUp()
        let clock = ContinuousClock()
        let start = clock.now
        #expect(terminal.nextEvent(timeoutMilliseconds: 10_000) == .signal(.hangup))
        #expect(start.duration(to: clock.now) < .seconds(2))
    }

    @Test func aResizeIsAnEventWithTheNewSize() throws {
        let pty = try PseudoTerminal(columns: 80, rows: 24)
        defer { pty.close() }
        let terminal = try pty.open()
        defer { terminal.close() }
        #expect(terminal.size == Size(columns: 80, rows: 24))
        pty.resize(columns: 100, rows: 30)
        _ = kill(getpid(), SIGWINCH)
        #expect(terminal.nextEvent(timeoutMilliseconds: 2000) == .resize(Size(columns: 100, rows: 30)))
        #expect(terminal.size == Size(columns: 100, rows: 30))
    }

    @Test func framesReachTheScreenAndHostileCellsDoNot() throws {
        let pty = try PseudoTerminal()
        defer { pty.close() }
        let terminal = try pty.open(noColor: "1")
        defer { terminal.close() }
        #expect(!terminal.supportsColour)
        var canvas = Canvas(size: terminal.size)
        canvas.put("plain 中文 e\u{301}", x: 0, y: 0)
        // Bypassing put's own replacement: the terminal must still not emit the escape.
        canvas[0, 1] = Cell(text: "\u{1b}]0;pwned\u{07}")
        canvas[1, 1] = Cell(text: "\u{9b}")
        canvas.put("last", x: 10, y: 2)
        terminal.present(canvas)
        // The bad cells are not complex characters curses can take: they are written raw after
        // the rest, as U+FFFD.
        let shown = pty.waitForOutput(containing: "\u{1B}[2;2H\u{FFFD}")
        #expect(shown.contains("中") && shown.contains("last"))
        #expect(!shown.contains("]0;pwned") && !shown.unicodeScalars.contains("\u{07}") && !shown.unicodeScalars.contains("\u{9b}"))
        #expect(shown.contains("\u{FFFD}"))
    }

    /// The texts of issue 12, item 5: each cluster curses cannot hold whole, or measures unlike
    /// the canvas, reaches the terminal as its own bytes, unbroken, addressed to the column the
    /// canvas gave it; the text between them is curses' as before. Before, 🇬🇧 arrived as 🇬,
    /// 👍🏽 without its tone, ❤️ and 1️⃣ as U+FFFD and स्ते as स्.
    @Test func clustersReachTheTerminalWholeAtTheirColumns() throws {
        let pty = try PseudoTerminal()
        defer { pty.close() }
        let terminal = try pty.open()
        defer { terminal.close() }
        var canvas = Canvas(size: terminal.size)
        let row = "नमस्ते हिन्दी 🇬🇧 1️⃣ ❤️ 👍🏽 👨‍👩‍👧 🫪 \u{4DC0} end"
        canvas.put(row, x: 2, y: 3)
        terminal.present(canvas)
        let shown = pty.waitForOutput(containing: "\u{1B}[4;29H🫪")
        var column = 2
        for cluster in row {
            let text = String(cluster)
            let simple = text.unicodeScalars.count == 1 && text != "🫪"
            if !simple {
                #expect(shown.contains("\u{1B}[4;\(column + 1)H" + text), "\(text) at column \(column)")
            }
            column += DisplayWidth.of(cluster)
        }
        #expect(shown.contains("end"))
        #expect(!shown.contains("\u{FFFD}"))
        // A frame that changes the row elsewhere writes the clusters again (curses may have
        // repainted the blanks under them); one that changes another row leaves them be.
        _ = pty.takeOutput()
        canvas.put("!", x: 70, y: 3)
        terminal.present(canvas)
        let again = pty.waitForOutput(containing: "\u{1B}[4;29H🫪")
        #expect(again.contains("👨‍👩‍👧") && again.contains("!"))
        _ = pty.takeOutput()
        canvas.put("other row", x: 0, y: 5)
        terminal.present(canvas)
        let other = pty.waitForOutput(containing: "other row")
        usleep(50_000)
        #expect(!(other + String(decoding: pty.takeOutput(), as: UTF8.self)).contains("👨"))
    }

    @Test func runOutsideGivesTheTerminalAwayAndRedrawsAfter() throws {
        let pty = try PseudoTerminal()
        defer { pty.close() }
        let terminal = try pty.open()
        defer { terminal.close() }
        var canvas = Canvas(size: terminal.size)
        canvas.put("still here", x: 3, y: 5)
        terminal.present(canvas)
        _ = pty.waitForOutput(containing: "still here")
        let wasOutside = terminal.runOutside { isendwin() }
        #expect(wasOutside)
        terminal.present(canvas) // the same frame: drawn in full again
        #expect(pty.waitForOutput(containing: "still here").contains("still here"))
    }

    @Test func ctrlCDuringAnotherProgramIsThatProgramsButHangupIsNot() throws {
        let pty = try PseudoTerminal()
        defer { pty.close() }
        let terminal = try pty.open()
        defer { terminal.close() }
        terminal.runOutside {
            _ = kill(getpid(), SIGINT)
            usleep(100_000) // delivered on whichever thread does not block it
        }
        #expect(terminal.nextEvent(timeoutMilliseconds: 150) == nil)
        terminal.runOutside {
            _ = kill(getpid(), SIGHUP)
            usleep(100_000)
        }
        #expect(terminal.nextEvent(timeoutMilliseconds: 1000) == .signal(.hangup))
    }

    @Test func unknownTermFallsBackAndSaysSo() throws {
        let saved = getenv("TERM").map { String(cString: $0) }
        defer { if let saved { setenv("TERM", saved, 1) } else { unsetenv("TERM") } }
        let pty = try PseudoTerminal()
        defer { pty.close() }
        let terminal = try pty.open(term: "winnow-no-such-terminal")
        defer { terminal.close() }
        #expect(terminal.terminalType == "xterm-256color")
        #expect(terminal.fallbackNotice?.contains("winnow-no-such-terminal") == true)
        #expect(String(cString: getenv("TERM")) == "xterm-256color")
    }

    @Test func aTerminalThatCannotMoveTheCursorIsRefused() throws {
        let pty = try PseudoTerminal()
        defer { pty.close() }
        #expect(throws: CursesTerminalError.cannotMoveCursor(term: "dumb")) { _ = try pty.open(term: "dumb") }
        try pty.open().close() // nothing left half-open
    }

    @Test func oneAtATimeAndCloseIsIdempotent() throws {
        let pty = try PseudoTerminal()
        defer { pty.close() }
        let terminal = try pty.open()
        #expect(throws: CursesTerminalError.alreadyOpen) { _ = try pty.open() }
        terminal.close()
        terminal.close()
        #expect(terminal.isClosed)
        #expect(terminal.nextEvent(timeoutMilliseconds: 10) == nil)
        terminal.present(Canvas(size: Size(columns: 80, rows: 24)))
        let again = try pty.open()
        again.close()
    }
}
