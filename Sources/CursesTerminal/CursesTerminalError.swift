import WinnowCore

/// Why the real terminal could not be opened, worded for the person at it: what is wrong and
/// what to do about it.
public enum CursesTerminalError: UserFacingError, Equatable {
    /// stdin or stdout is a pipe or a file: there is no screen to draw on or keyboard to read.
    case notATerminal(stdin: Bool, stdout: Bool)
    /// No terminal description could be loaded for `$TERM` or any fallback.
    case unknownTerminal(term: String?, tried: [String])
    /// The terminal description has no cursor addressing (TERM=dumb, an editor's shell
    /// buffer): a full-screen program cannot draw there. Not a case for fallbacks: the type is
    /// known, and may well be true.
    case cannotMoveCursor(term: String)
    /// Another `CursesTerminal` is open in this process; curses has one screen per process.
    case alreadyOpen

    public var message: String {
        switch self {
        case .notATerminal(let stdin, let stdout):
            let which = [stdin ? "standard input" : nil, stdout ? "standard output" : nil]
                .compactMap { $0 }.joined(separator: " and ")
            return "\(which) \(stdin && stdout ? "are" : "is") not a terminal: this screen needs one "
                + "(run it in a terminal window or an ssh session with a tty, e.g. ssh -t)"
        case .unknownTerminal(let term, let tried):
            let what = term.map { $0.isEmpty ? "TERM is empty" : "TERM=\($0) is not a terminal type this system knows" }
                ?? "TERM is not set"
            return "\(what); tried \(tried.joined(separator: ", ")) and none could be loaded.\n"
                + "Set TERM to your terminal's type (e.g. export TERM=xterm-256color) or install its "
                + "description (the ncurses-term package)."
        case .cannotMoveCursor(let term):
            return "TERM=\(term) cannot move the cursor, which this screen needs; run it in a full terminal, "
                + "or if yours is one, set TERM to its type (e.g. export TERM=xterm-256color)"
        case .alreadyOpen:
            return "a curses terminal is already open in this process; close it first"
        }
    }
}
