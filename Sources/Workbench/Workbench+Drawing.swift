import Keymap
import TerminalCore
import WinnowCore

extension Workbench {
    var tooSmall: Bool {
        terminal.size.columns < Workbench.minimumSize.columns || terminal.size.rows < Workbench.minimumSize.rows
    }

    /// Draws the whole frame and hands it to the terminal.
    func draw() {
        let size = terminal.size
        var canvas = Canvas(size: size, glyphs: glyphs)
        guard size.columns > 0, size.rows > 0 else { return }
        if tooSmall {
            drawTooSmall(on: &canvas)
        } else if let screen = top {
            drawTitle(screen, on: &canvas)
            screen.draw(on: &canvas, in: Area(x: 0, y: 1, width: size.columns, height: size.rows - 2), workbench: self)
            drawStatus(screen, on: &canvas)
        }
        terminal.present(canvas)
    }

    private func drawTitle(_ screen: any Screen, on canvas: inout Canvas) {
        let bar = Style(bold: true, reverse: true)
        canvas.fill(y: 0, style: bar)
        let right = " \(desk.reviewerName) "
        let rightWidth = DisplayWidth.of(right)
        // Titles join their parts with " · "; that is chrome, so it follows the glyphs too.
        let title = canvas.glyphs == .unicode ? screen.title : screen.title.replacingOccurrences(of: " · ", with: " \(canvas.glyphs.separator) ")
        canvas.put(" winnow \(canvas.glyphs.separator) \(title)", x: 0, y: 0, style: bar, limit: canvas.size.columns - rightWidth - 1)
        canvas.put(right, x: canvas.size.columns - rightWidth, y: 0, style: bar)
    }

    /// The last row: a message when there is one, else the screen's main keys from the keymap.
    private func drawStatus(_ screen: any Screen, on canvas: inout Canvas) {
        let y = canvas.size.rows - 1
        if let message {
            // A long message (an error naming a path) wraps upwards over the screen's last
            // lines, up to three: cutting it would hide what the reviewer needs to act on.
            let style = message.isError ? Style(bold: true, reverse: true, colour: .red) : Style(bold: true)
            let prefix = message.isError ? "! " : ""
            let lines = TextWrap.wrap(prefix + message.text, style: style, width: canvas.size.columns, indent: 2).suffix(3)
            for (i, line) in lines.enumerated() {
                let row = y - (lines.count - 1) + i
                canvas.fill(y: row, style: message.isError ? style : .plain)
                line.draw(on: &canvas, x: 0, y: row, width: canvas.size.columns)
            }
            return
        }
        if let count = pendingCount {
            // A count waits for its motion: say what it will and will not do.
            let typed = "\(count)" + KeyNotation.name(pendingKeys) + canvas.glyphs.ellipsis
            canvas.put(typed, x: 0, y: y, style: .bold, limit: canvas.size.columns)
            canvas.put("  a count repeats a move (lines, pages, matches), never a decision; <Esc> clears it",
                       x: DisplayWidth.of(typed), y: y, style: .dim, limit: canvas.size.columns - DisplayWidth.of(typed))
            return
        }
        if !pendingKeys.isEmpty {
            canvas.put(KeyNotation.name(pendingKeys) + canvas.glyphs.ellipsis, x: 0, y: y, style: .bold)
            return
        }
        // Help always shows (at the right); the screen's keys fill the rest in order of importance.
        var help = StyledLine()
        if let keys = keymap.shortestKeys(for: .help, in: screen.context) {
            help = StyledLine([Span(KeyNotation.name(keys), .bold), Span(" help")])
        }
        var line = StyledLine()
        for action in screen.statusActions where action != .help {
            guard let keys = keymap.shortestKeys(for: action, in: screen.context) else { continue }
            let item = [Span(line.spans.isEmpty ? "" : "  "), Span(KeyNotation.name(keys), .bold), Span(" " + action.shortLabel)]
            guard line.width + StyledLine(item).width + help.width + 2 <= canvas.size.columns else { break }
            line.spans += item
        }
        line.draw(on: &canvas, x: 0, y: y, width: canvas.size.columns)
        help.draw(on: &canvas, x: canvas.size.columns - help.width, y: y, width: help.width)
    }

    private func drawTooSmall(on canvas: inout Canvas) {
        let size = canvas.size
        let quit = keymap.shortestKeys(for: .quit, in: KeymapCatalog.globalContext).map(KeyNotation.name) ?? "Q"
        let lines = [
            "Terminal too small: \(size).",
            "winnow needs at least \(Workbench.minimumSize).",
            "Enlarge the window to go on,",
            "or press \(quit) to quit.",
        ]
        var wrapped: [StyledLine] = []
        for line in lines { wrapped += TextWrap.wrap(line, style: .bold, width: max(1, size.columns)) }
        let top = max(0, (size.rows - wrapped.count) / 2)
        for (i, line) in wrapped.enumerated() where top + i < size.rows {
            let x = max(0, (size.columns - line.width) / 2)
            line.draw(on: &canvas, x: x, y: top + i, width: size.columns - x)
        }
    }
}

extension Keymap {
    /// The binding that reads shortest (`?` rather than `<F1>`): what the status line shows.
    func shortestKeys(for action: Action, in context: String) -> [Key]? {
        keys(for: action.name, in: context).min { KeyNotation.name($0).count < KeyNotation.name($1).count }
    }

    /// How to name the key of an action in a sentence ("press b"), or a way to reach it when a
    /// keymap leaves it unbound.
    func keyName(for action: Action, in context: String) -> String {
        shortestKeys(for: action, in: context).map(KeyNotation.name) ?? "the '\(action.name)' action (unbound here)"
    }
}

extension Action {
    /// A word or two for the status line.
    var shortLabel: String {
        switch self {
        case .accept: return "accept"
        case .reject: return "reject"
        case .edit: return "edit"
        case .flag: return "flag"
        case .skip: return "skip"
        case .backToSkipped: return "skipped"
        case .previousRow: return "previous"
        case .commandLine: return "command"
        case .undo: return "undo"
        case .swapPair: return "swap"
        case .bothBad: return "both bad"
        case .toggleContext: return "context"
        case .openNeighbour: return "neighbour"
        case .search: return "search"
        case .help: return "help"
        case .back: return "back"
        case .quit: return "quit"
        case .startReview: return "review"
        case .reviewAll: return "all"
        case .startAdjudication: return "adjudicate"
        case .stats: return "stats"
        case .log: return "log"
        case .home: return "home"
        case .pickFirst: return "first"
        case .pickSecond: return "second"
        case .confirm: return "save"
        case .cancel: return "cancel"
        case .editAgain: return "edit again"
        case .addNote: return "note"
        default: return name
        }
    }
}
