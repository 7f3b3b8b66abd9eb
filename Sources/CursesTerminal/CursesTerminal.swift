import CNCursesW
import TerminalCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The real terminal: ncurses (wide-character build) on stdin/stdout.
///
/// Life cycle: `try CursesTerminal()` takes over the screen; `close()` gives it back (also on
/// deinit, exactly once). Everything happens on the thread that drives the workbench; curses
/// has one screen per process, so only one instance can be open at a time.
///
/// Modes are chosen for people working over ssh for hours: cbreak rather than raw, so Ctrl-C
/// and Ctrl-Z stay signals and Ctrl-S/Ctrl-Q stay flow control; a 25 ms ESC delay so Esc feels
/// instant; no echo, hidden cursor; colour only when the terminal has it and `NO_COLOR` is
/// unset or empty.
///
/// Signals: SIGINT, SIGTERM and SIGHUP only set a flag; `nextEvent` reports the first one as
/// `.signal(...)`, and keeps reporting it on every later call, so nested loops unwind too. The
/// caller finishes its write and calls `close()`. SIGTSTP is ncurses' own (it leaves curses
/// mode, stops, restores on resume); after SIGCONT `nextEvent` returns `.resize(size)` so the
/// caller presents a frame, which is drawn in full. SIGPIPE is ignored while open.
public final class CursesTerminal: Terminal {
    public private(set) var size: Size
    public let supportsColour: Bool
    /// The terminal description in use: `$TERM`, or the fallback that loaded when it did not.
    public let terminalType: String
    /// Set when `$TERM` was missing or unknown and `terminalType` is a fallback; the caller may
    /// tell the person (after `close()`), since keys and colours may be off.
    public let fallbackNotice: String?

    /// Tried in order when `$TERM` is unset or has no terminfo entry on this machine (common
    /// when ssh forwards a TERM the server does not know, e.g. a new terminal emulator's own).
    public static let fallbackTypes = ["xterm-256color", "xterm", "vt100"]
    /// How long ncurses waits after ESC for the rest of a key sequence (ms). Short, because
    /// Esc is a key people press; 25 ms still covers a sequence split across ssh packets.
    public static let escapeDelayMilliseconds: Int32 = 25

    let screen: OpaquePointer
    /// The stream curses writes to (nil: stdout), for the control strings curses has no call for.
    let outputStream: UnsafeMutablePointer<FILE>?
    /// The last frame drawn, to rewrite only what changed.
    var previous: Canvas?
    /// Set after anything that may have left the physical screen unlike `previous` (another
    /// program ran, the process was stopped, a resize): the next frame is drawn in full.
    var needsFullRedraw = true
    var closed = false
    /// Consecutive reads that failed at once: input is gone (a hung-up tty) if this grows.
    var instantFailures = 0
    /// The signal dispositions found at open, put back at close.
    private let savedActions = UnsafeMutablePointer<sigaction>.allocate(capacity: Int(WINNOW_CAUGHT_SIGNAL_COUNT))

    nonisolated(unsafe) private static var isOpen = false

    /// Opens the terminal on stdin/stdout. Throws `.notATerminal` when either is redirected,
    /// `.unknownTerminal` when no terminal description loads.
    public convenience init() throws(CursesTerminalError) {
        let inputIsTerminal = isatty(STDIN_FILENO) == 1, outputIsTerminal = isatty(STDOUT_FILENO) == 1
        guard inputIsTerminal && outputIsTerminal else {
            throw .notATerminal(stdin: !inputIsTerminal, stdout: !outputIsTerminal)
        }
        try self.init(term: Self.environment("TERM"), noColor: Self.environment("NO_COLOR"), input: nil, output: nil)
    }

    /// Opens curses on the given streams (nil: stdin/stdout); tests pass a pseudo-terminal.
    init(term: String?, noColor: String?, input: UnsafeMutablePointer<FILE>?, output: UnsafeMutablePointer<FILE>?)
    throws(CursesTerminalError) {
        outputStream = output
        guard !Self.isOpen else {
            savedActions.deallocate()
            throw .alreadyOpen
        }
        Self.chooseLocale()
        // Before newterm: ncurses only installs its own SIGINT/SIGTERM handlers (which end the
        // process) when they are still at their defaults.
        winnow_install_signal_handlers(savedActions)
        winnow_unblock_terminal_signals()
        var tried: [String] = []
        var opened: (OpaquePointer, String)?
        for candidate in Self.candidates(term: term) {
            tried.append(candidate)
            if let screen = winnow_newterm(candidate, output, input) {
                opened = (screen, candidate)
                break
            }
        }
        guard let (screen, type) = opened, winnow_can_address_cursor() != 0 else {
            if let (screen, _) = opened {
                endwin()
                delscreen(screen)
            }
            winnow_restore_signal_handlers(savedActions)
            savedActions.deallocate()
            throw opened == nil ? .unknownTerminal(term: term, tried: tried) : .cannotMoveCursor(term: tried.last ?? "")
        }
        if type != term {
            // Programs started from here (the reviewer's editor) need a TERM that works too.
            setenv("TERM", type, 1)
            fallbackNotice = "TERM=\(term ?? "(unset)") is not known here; used \(type) instead"
        } else {
            fallbackNotice = nil
        }
        self.screen = screen
        terminalType = type
        Self.isOpen = true
        set_term(screen)
        Self.setModes()
        supportsColour = CursesStyle.wantsColour(noColor: noColor, terminalHasColours: has_colors())
        if supportsColour { Self.startColour() }
        size = Size(columns: Int(winnow_cols()), rows: Int(winnow_lines()))
        setBracketedPaste(true)
    }

    deinit {
        close()
        savedActions.deallocate()
    }

    /// Gives the terminal back: leaves curses mode (exactly once; later calls do nothing),
    /// frees the screen, and puts back the signal handlers that were there before.
    public func close() {
        guard !closed else { return }
        closed = true
        set_term(screen)
        setBracketedPaste(false)
        endwin()
        delscreen(screen)
        winnow_flush_stdout()
        winnow_restore_signal_handlers(savedActions)
        Self.isOpen = false
    }

    public var isClosed: Bool { closed }

    /// The next `present` clears the physical screen and draws every cell (Ctrl-L).
    public func invalidate() { needsFullRedraw = true }

    /// Leaves curses mode while `body` runs (an editor gets a normal terminal), then restores
    /// it, even when `body` throws, and makes the next `present` redraw everything.
    ///
    /// Like system(3), a Ctrl-C typed meanwhile belongs to the other program and is forgotten;
    /// SIGTERM and SIGHUP still end the session (`nextEvent` reports them afterwards).
    public func runOutside<T>(_ body: () throws -> T) rethrows -> T {
        guard !closed else { return try body() }
        let signalledBefore = Self.pendingSignal != nil
        def_prog_mode()
        setBracketedPaste(false)
        endwin()
        winnow_flush_stdout()
        defer {
            if !signalledBefore { winnow_forget_interrupt() }
            reset_prog_mode()
            setBracketedPaste(true)
            clearok(winnow_curscr(), true)
            needsFullRedraw = true
            // The window may have changed size while the other program ran.
            refreshSize()
        }
        return try body()
    }

    /// Bracketed paste (xterm's mode 2004): the terminal wraps pasted text in `ESC [ 200 ~` and
    /// `ESC [ 201 ~`, and it arrives as one `.paste` event. Without it a pasted "refund⏎all
    /// fine" ran as keys: a search, then an accept. Terminals without the mode ignore it.
    func setBracketedPaste(_ on: Bool) {
        winnow_write_raw(outputStream, on ? "\u{1B}[?2004h" : "\u{1B}[?2004l")
    }

    func refreshSize() {
        size = Size(columns: Int(winnow_cols()), rows: Int(winnow_lines()))
    }

    /// The person's locale, but always a UTF-8 character set: over ssh LANG is often not
    /// passed on (or names a locale the server lacks) and the C locale would make curses read
    /// and draw every non-ASCII character wrong. Terminals today speak UTF-8.
    static func chooseLocale() {
        setlocale(LC_ALL, "")
        guard winnow_codeset_is_utf8() == 0 else { return }
        for name in ["C.UTF-8", "C.utf8", "en_US.UTF-8"] where setlocale(LC_CTYPE, name) != nil {
            if winnow_codeset_is_utf8() != 0 { return }
        }
    }

    static func candidates(term: String?) -> [String] {
        var list: [String] = []
        if let term, !term.isEmpty { list.append(term) }
        for fallback in fallbackTypes where !list.contains(fallback) { list.append(fallback) }
        return list
    }

    private static func setModes() {
        let window = winnow_stdscr()
        cbreak()
        noecho()
        nonl()
        keypad(window, true)
        meta(window, true)
        set_escdelay(escapeDelayMilliseconds)
        curs_set(0)
        // The cursor is hidden, but curses still parks it at the top-left after each update:
        // clusters written past curses (CursesTerminal+Clusters.swift) put it back there, so
        // curses always knows where it is. They must also stay where they were put: no
        // shifting a row's cells with insert/delete-character, no update left half done
        // because a key arrived.
        leaveok(window, false)
        idcok(window, false)
        typeahead(-1)
    }

    private static func startColour() {
        start_color()
        use_default_colors()
        for colour in Style.Colour.allCases {
            init_pair(Int16(colour.rawValue), CursesStyle.foreground(colour), -1)
        }
    }

    private static func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }
}
