import TerminalCore

/// An in-memory terminal for tests: keys are scripted, frames are kept as text. Snapshot tests
/// of every screen run the real workbench against it, headless.
public final class VirtualTerminal: Terminal {
    public private(set) var size: Size
    public var supportsColour: Bool
    /// The last frame presented.
    public private(set) var screen: Canvas
    public private(set) var framesPresented = 0
    /// Events still to deliver, in order.
    public private(set) var pending: [TerminalEvent] = []
    /// What `runOutside` ran: the tests' stand-in for suspending curses around an editor.
    public private(set) var outsideRuns = 0

    public init(size: Size = Size(columns: 80, rows: 24), supportsColour: Bool = false) {
        self.size = size
        self.supportsColour = supportsColour
        screen = Canvas(size: size)
    }

    /// Queues keys written in keymap notation (`"ax<Enter>"`, `"<C-l>"`).
    public func type(_ notation: String) throws {
        for key in try KeyNotation.parse(notation) { pending.append(.key(key)) }
    }

    public func send(_ event: TerminalEvent) {
        if case .resize(let newSize) = event { size = newSize }
        pending.append(event)
    }

    /// Resizes now and queues the event, as SIGWINCH would.
    public func resize(to newSize: Size) { send(.resize(newSize)) }

    public func present(_ canvas: Canvas) {
        screen = canvas
        framesPresented += 1
    }

    public func nextEvent(timeoutMilliseconds: Int) -> TerminalEvent? {
        pending.isEmpty ? nil : pending.removeFirst()
    }

    public func runOutside<T>(_ body: () throws -> T) rethrows -> T {
        outsideRuns += 1
        return try body()
    }

    /// The screen as text, trailing spaces trimmed per line.
    public var text: String { screen.text }
}
