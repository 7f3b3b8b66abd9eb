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
    var scroll = Scroll()
    var lastPage = 10
    var following = true

    var context: String { "log" }
    var title: String { "log (live)" }
    var statusActions: [Action] { [.back] }

    func appear(workbench: Workbench) throws { try reload(workbench: workbench) }

    func reload(workbench: Workbench) throws {
        lastSize = workbench.desk.logSize()
        entries = try workbench.desk.recentLog(Self.shown).map { Sanitiser.clean($0.summary) }
    }

    func tick(workbench: Workbench) throws -> Bool {
        guard workbench.desk.logSize() != lastSize else { return false }
        try reload(workbench: workbench)
        return true
    }

    func draw(on canvas: inout Canvas, in area: Area, workbench: Workbench) {
        var lines: [StyledLine] = []
        for entry in entries { lines += TextWrap.wrap(entry, width: area.width - 1, indent: 4) }
        lastPage = area.height
        if following { scroll.offset = max(0, lines.count - area.height) }
        scroll.clamp(page: area.height, total: lines.count)
        for (i, line) in lines.dropFirst(scroll.offset).prefix(area.height).enumerated() {
            line.draw(on: &canvas, x: area.x + 1, y: area.y + i, width: area.width - 1)
        }
        lastLines = lines.count
    }

    var lastLines = 0

    func perform(_ action: Action, workbench: Workbench) throws -> Bool {
        guard scroll.apply(action, page: lastPage, total: lastLines) else { return false }
        following = scroll.offset >= max(0, lastLines - lastPage)
        return true
    }
}
