import ArgumentParser
import CursesTerminal
import Foundation
import TerminalCore

/// `winnow keys`: shows, for each key pressed, the name winnow reads it as, so a person writing
/// a keymap sees what their terminal really sends (Alt as ESC+key, which F-keys arrive, what
/// ssh or tmux swallow) instead of guessing. It also exercises the real terminal end to end.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Show what winnow reads for each key you press, by its keymap name (to write keymaps).",
        discussion: "Press q twice to leave. The names you pressed are printed when it ends.")

    func run() throws {
        let terminal = try CursesTerminal()
        var screen = KeysScreen(terminalType: terminal.terminalType, colour: terminal.supportsColour)
        var ending: TerminalSignal?
        defer { terminal.close() }
        terminal.present(screen.canvas(terminal.size))
        loop: while true {
            switch terminal.nextEvent(timeoutMilliseconds: -1) {
            case .key(let key):
                if screen.record(key) { break loop }
            case .paste(let text):
                screen.record(pasted: text)
            case .ignoredSequence(let name):
                screen.record(ignored: name)
            case .resize, nil:
                break
            case .signal(let signal):
                ending = signal
                break loop
            }
            terminal.present(screen.canvas(terminal.size))
        }
        terminal.close()
        if let notice = terminal.fallbackNotice { Output.error("winnow: " + notice) }
        if let ending {
            // The shell convention for "ended by a signal", without dying of it: the terminal
            // is already restored.
            throw CommandExit(status: 128 + Self.number(of: ending))
        }
        if !screen.names.isEmpty { Output.line("Keys read: " + Output.safe(screen.names.joined(separator: " "))) }
    }

    static func number(of signal: TerminalSignal) -> Int32 {
        switch signal {
        case .interrupt: SIGINT
        case .terminate: SIGTERM
        case .hangup: SIGHUP
        }
    }
}

/// What `winnow keys` shows: a short explanation, the last key large, and the keys so far.
struct KeysScreen {
    let terminalType: String
    let colour: Bool
    private(set) var names: [String] = []
    private var last: Key?
    private var quitPressed = false

    init(terminalType: String, colour: Bool) {
        self.terminalType = terminalType
        self.colour = colour
    }

    /// Notes a key; true when it is the second `q` in a row (time to leave).
    mutating func record(_ key: Key) -> Bool {
        if key == .character("q") {
            if quitPressed { return true }
            quitPressed = true
        } else {
            quitPressed = false
        }
        last = key
        names.append(KeyNotation.name(key))
        return false
    }

    /// Notes a sequence winnow does not know (it does nothing anywhere in winnow).
    mutating func record(ignored name: String) {
        quitPressed = false
        last = nil
        names.append("(\(name): not a key winnow knows)")
    }

    /// Notes a bracketed paste: one entry, never its characters as keys.
    mutating func record(pasted text: String) {
        quitPressed = false
        last = nil
        names.append("<paste:\(text.count)>")  // text, never keys
    }

    func canvas(_ size: Size) -> Canvas {
        var canvas = Canvas(size: size)
        canvas.put("winnow keys \(size): the name winnow reads for each key you press", x: 0, y: 0, style: .bold)
        canvas.put("Use these names in a keymap, e.g.  bind review <C-d> accept", x: 0, y: 1)
        canvas.put("Press q twice to leave. TERM=\(terminalType), colour \(colour ? "on" : "off")", x: 0, y: 2, style: .dim)
        guard let last else {
            if let pasted = names.last {
                canvas.put("Key:  \(pasted)", x: 0, y: 4)
            } else {
                canvas.put("Waiting for a key...", x: 0, y: 4)
                return canvas
            }
            return canvas
        }
        let name = KeyNotation.name(last)
        var x = canvas.put("Key: ", x: 0, y: 4)
        x = canvas.put(" \(name) ", x: x, y: 4, style: Style(bold: true, reverse: true))
        if last.isReservedForTerminal {
            canvas.put("  (the terminal's own key: keymaps keep decisions off it)", x: x, y: 4, style: .dim)
        } else if quitPressed {
            canvas.put("  (q again to leave)", x: x, y: 4, style: .dim)
        }
        canvas.put("So far:", x: 0, y: 6)
        // The most recent names that fit, oldest first, wrapped at word boundaries.
        var lines: [String] = [""]
        for name in names.reversed() {
            let width = DisplayWidth.of(name)
            if DisplayWidth.of(lines[0]) + width + 1 > size.columns - 2 {
                if lines.count >= max(1, size.rows - 8) { break }
                lines.insert("", at: 0)
            }
            lines[0] = lines[0].isEmpty ? name : name + " " + lines[0]
        }
        for (offset, line) in lines.enumerated() { canvas.put(line, x: 2, y: 7 + offset) }
        return canvas
    }
}
