import TerminalCore

/// Where a screen may draw: the rows between the title bar and the status line.
public struct Area: Sendable, Equatable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }
}

/// One view of the workbench. Screens draw into a canvas and react to actions; they never talk
/// to a terminal, so each one is snapshot-tested headless.
protocol Screen: AnyObject {
    /// The keymap context its keys are looked up in (then `global`).
    var context: String { get }
    /// Shown in the title bar (already safe: built from sanitised parts).
    var title: String { get }
    /// Actions worth a place on the status line, most important first.
    var statusActions: [Action] { get }
    func draw(on canvas: inout Canvas, in area: Area, workbench: Workbench)
    /// Handles an action meant for this screen; false leaves it to the workbench.
    func perform(_ action: Action, workbench: Workbench) throws -> Bool
    /// Raw keys for screens that take typed input (a prompt, the reason picker's digits),
    /// before the keymap sees them; true when consumed.
    func consume(_ key: Key, workbench: Workbench) throws -> Bool
    /// Called when the terminal has been idle a while; true asks for a redraw.
    func tick(workbench: Workbench) throws -> Bool
    /// Called once when the screen is pushed: load what it shows (errors go to the status line).
    func appear(workbench: Workbench) throws
    /// Called when the screen is in front again after the one above it closed.
    func resume(workbench: Workbench) throws
    /// Called when the screen is about to be closed or the session ends.
    func close(workbench: Workbench)
}

extension Screen {
    func consume(_ key: Key, workbench: Workbench) throws -> Bool { false }
    func tick(workbench: Workbench) throws -> Bool { false }
    func appear(workbench: Workbench) throws {}
    func resume(workbench: Workbench) throws {}
    func close(workbench: Workbench) {}
}

/// The scroll position of a screen's content; shared by every screen that lists lines.
struct Scroll {
    var offset = 0

    mutating func apply(_ action: Action, page: Int, total: Int) -> Bool {
        let last = max(0, total - page)
        switch action {
        case .moveDown: offset += 1
        case .moveUp: offset -= 1
        case .pageDown: offset += max(1, page - 1)
        case .pageUp: offset -= max(1, page - 1)
        case .top: offset = 0
        case .bottom: offset = last
        default: return false
        }
        offset = min(max(0, offset), last)
        return true
    }

    mutating func clamp(page: Int, total: Int) { offset = min(max(0, offset), max(0, total - page)) }
}

/// A list of lines that scrolls: what help, stats, the log and the edit diff show.
struct ScrollingLines {
    var lines: [StyledLine] = []
    var scroll = Scroll()
    var page = 10

    /// Draws the visible part, `inset` columns in.
    mutating func draw(on canvas: inout Canvas, in area: Area, inset: Int = 1) {
        page = area.height
        scroll.clamp(page: area.height, total: lines.count)
        for (i, line) in lines.dropFirst(scroll.offset).prefix(area.height).enumerated() {
            line.draw(on: &canvas, x: area.x + inset, y: area.y + i, width: area.width - inset)
        }
    }

    mutating func perform(_ action: Action) -> Bool { scroll.apply(action, page: page, total: lines.count) }

    var isAtEnd: Bool { scroll.offset >= max(0, lines.count - page) }
}
