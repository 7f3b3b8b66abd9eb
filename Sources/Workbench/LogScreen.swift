import ProvenanceLog
import TerminalCore
import WinnowCore

/// The end of the provenance log, newest last, re-read whenever the file grows: another
/// reviewer's decision shows up here within a second of landing. Follows the end unless the
/// reviewer has scrolled up.
final class LogScreen: Screen {
    static let shown = 300
    var entries: [String] = []
    var lastSize: UInt64 = 0
    var list = ScrollingLines()
    var following = true

    var context: String { "log" }
    var title: String { "log (live)" }
    var statusActions: [Action] { [.back] }

    func appear(workbench: Workbench) throws { try reload(workbench: workbench) }

    func reload(workbench: Workbench) throws {
        lastSize = workbench.desk.logSize()
        entries = try workbench.desk.recentLog(Self.shown).map(Self.line)
    }

    /// `#seq HH:MM:SS user what`: the date and host are in the log; the screen keeps to who did what.
    static func line(_ entry: LogEntry) -> String {
        let time = entry.ts.count >= 19 ? String(entry.ts.dropFirst(11).prefix(8)) : entry.ts
        return Sanitiser.clean("#\(entry.seq) \(time) \(entry.actor.user) \(entry.what(shortPaths: true))")
    }

    func tick(workbench: Workbench) throws -> Bool {
        guard workbench.desk.logSize() != lastSize else { return false }
        try reload(workbench: workbench)
        return true
    }

    func draw(on canvas: inout Canvas, in area: Area, workbench: Workbench) {
        list.lines = entries.flatMap { TextWrap.wrap($0, width: area.width - 1, indent: 4) }
        if following { list.scroll.offset = max(0, list.lines.count - area.height) }
        list.draw(on: &canvas, in: area)
    }

    func perform(_ action: Action, workbench: Workbench) throws -> Bool {
        guard list.perform(action) else { return false }
        following = list.isAtEnd
        return true
    }
}
