/// What a terminal tells the workbench.
public enum TerminalEvent: Hashable, Sendable {
    case key(Key)
    /// The window changed size; the next frame must be drawn at this size.
    case resize(Size)
    /// The session must end now (Ctrl-C, `kill`, an ssh drop): finish the current write, release
    /// leases, restore the terminal.
    case signal(TerminalSignal)
    /// Text the person pasted (bracketed paste): text, never keys, so a pasted newline or letter
    /// can neither submit a prompt nor record a decision.
    case paste(String)
    /// A key sequence winnow does not know, dropped whole (never split into keys): shown so the
    /// person knows the key did nothing. The text names it (`ESC [1;5A`), already printable.
    case ignoredSequence(String)
}

public enum TerminalSignal: String, Hashable, Sendable {
    case interrupt = "SIGINT", terminate = "SIGTERM", hangup = "SIGHUP"
}

/// A surface the workbench draws on and reads keys from: curses on a real terminal, an
/// in-memory grid in tests. Only whole frames are presented; the implementation decides how to
/// get them on screen cheaply.
public protocol Terminal: AnyObject {
    var size: Size { get }
    /// False under `NO_COLOR` or on a terminal without colours: styles fall back to attributes.
    var supportsColour: Bool { get }
    func present(_ canvas: Canvas)
    /// The next event, or nil when `timeoutMilliseconds` pass without one (the workbench uses
    /// the pause to refresh live views and renew leases).
    func nextEvent(timeoutMilliseconds: Int) -> TerminalEvent?
    /// Hands the real terminal to another program (the reviewer's editor) while `body` runs,
    /// then takes it back and forces a full redraw.
    func runOutside<T>(_ body: () throws -> T) rethrows -> T
    /// Forgets what is on the physical screen, so the next frame is drawn in full (Ctrl-L after
    /// another program scribbled on the terminal).
    func invalidate()
}

extension Terminal {
    public func invalidate() {}
}
