import CNCursesW
import TerminalCore

extension CursesTerminal {
    /// Longest single wait: a signal that arrives during a long timeout is reported within this.
    static let waitSliceMilliseconds = 100
    /// Reads failing this many times in a row without waiting mean the input is gone (a
    /// hung-up tty whose SIGHUP never reached us): reported as a hangup instead of spinning.
    static let deadInputLimit = 50

    /// The next key, resize or signal, or nil after `timeoutMilliseconds` (negative: wait as
    /// long as it takes). Keys curses knows but winnow does not use are dropped.
    public func nextEvent(timeoutMilliseconds: Int) -> TerminalEvent? {
        if let signal = Self.pendingSignal { return .signal(signal) }
        guard !closed else { return nil }
        let clock = ContinuousClock()
        let deadline = timeoutMilliseconds < 0 ? nil : clock.now.advanced(by: .milliseconds(timeoutMilliseconds))
        let window = winnow_stdscr()
        while true {
            if let event = interruption() { return event }
            var slice = Self.waitSliceMilliseconds
            if let deadline {
                let left = clock.now.duration(to: deadline)
                slice = max(0, min(slice, Int((left / .milliseconds(1)).rounded(.up))))
            }
            wtimeout(window, Int32(slice))
            var value: wint_t = 0
            let started = clock.now
            let result = wget_wch(window, &value)
            if let event = interruption() {
                if result != ERR { putBack(result: result, value: value) }
                return event
            }
            if result == ERR {
                instantFailures = slice > 0 && started.duration(to: clock.now) < .milliseconds(1) ? instantFailures + 1 : 0
                if instantFailures >= Self.deadInputLimit { return .signal(.hangup) }
            } else {
                instantFailures = 0
                if let event = event(result: result, value: value, window: window) { return event }
            }
            if let deadline, clock.now >= deadline { return nil }
        }
    }

    /// A signal or a resume that happened since the last look.
    private func interruption() -> TerminalEvent? {
        if let signal = Self.pendingSignal { return .signal(signal) }
        if winnow_take_continued() != 0 {
            // Back from a stop: the screen may hold anything (the shell, another program).
            clearok(winnow_curscr(), true)
            needsFullRedraw = true
            refreshSize()
            setBracketedPaste(true)  // the shell may have turned it off meanwhile
            return .resize(size)
        }
        return nil
    }

    private func event(result: Int32, value: wint_t, window: UnsafeMutablePointer<WINDOW>?) -> TerminalEvent? {
        if result == KEY_CODE_YES {
            if Int32(bitPattern: value) == KEY_RESIZE {
                refreshSize()
                needsFullRedraw = true
                return .resize(size)
            }
            return CursesKeys.key(forCode: Int32(bitPattern: value)).map(TerminalEvent.key)
        }
        if value == 0x1B { return eventAfterEscape(window: window) }
        return CursesKeys.key(forCharacter: value).map(TerminalEvent.key)
    }

    /// ESC is the Escape key, the first half of Alt+key (terminals send ESC then the key), or
    /// the start of a control sequence curses did not know (`ESC [ 4 ~`, End inside tmux). curses
    /// has already waited the ESC delay, so what belongs to this key press is mostly buffered:
    /// look without waiting. A control sequence is read whole (`EscapeSequence`) and is its key
    /// or nothing (nil), never a run of keystrokes that could record a decision. Anything else
    /// that is not an Alt character is put back and read as its own key.
    private func eventAfterEscape(window: UnsafeMutablePointer<WINDOW>?) -> TerminalEvent? {
        wtimeout(window, 0)
        var value: wint_t = 0
        let result = wget_wch(window, &value)
        guard result != ERR else { return .key(.escape) }
        if result != KEY_CODE_YES, let introducer = Unicode.Scalar(UInt32(value)), introducer == "[" || introducer == "O" {
            return sequence(after: introducer, window: window)
        }
        let next: CursesKeys.Input = result == KEY_CODE_YES
            ? .code(Int32(bitPattern: value)) : .character(value)
        if let alt = CursesKeys.altKey(after: next) { return .key(alt) }
        putBack(result: result, value: value)
        return .key(.escape)
    }

    /// Reads a control sequence after ESC and `introducer`. Its later bytes may trail over a
    /// slow link, so each is given up to 50 ms; ESC `[` with nothing after it is Alt+`[`.
    private func sequence(after introducer: Unicode.Scalar, window: UnsafeMutablePointer<WINDOW>?) -> TerminalEvent? {
        var rest = [introducer]
        wtimeout(window, 50)
        while true {
            switch EscapeSequence.read(rest) {
            case .key(let key): return .key(key)
            case .pasteStart: return .paste(pastedText(window: window))
            case .ignored, .notASequence: return .ignoredSequence(Self.name(rest))
            case .incomplete:
                var value: wint_t = 0
                let result = wget_wch(window, &value)
                guard result != ERR, result != KEY_CODE_YES, let scalar = Unicode.Scalar(UInt32(value)) else {
                    if result == KEY_CODE_YES { putBack(result: result, value: value) }
                    // Nothing followed: Alt with the introducer; a sequence cut short is dropped.
                    return rest.count == 1 ? .key(.alt(Character(introducer))) : .ignoredSequence(Self.name(rest))
                }
                rest.append(scalar)
            }
        }
    }

    /// A sequence as a person reads it: `ESC [1;5A`, anything unprintable as its code.
    static func name(_ rest: [Unicode.Scalar]) -> String {
        "ESC " + rest.map { (0x21...0x7E).contains($0.value) ? String($0) : String(format: "<%02X>", $0.value) }.joined()
    }

    /// Most text a paste keeps (the rest is read and dropped, so none of it becomes keys).
    static let pasteLimit = 1 << 20

    /// The text of a bracketed paste, read up to its end marker. A paste whose end never comes
    /// (nothing more for a second) ends there; keys curses decoded inside it are dropped.
    private func pastedText(window: UnsafeMutablePointer<WINDOW>?) -> String {
        var scalars: [Unicode.Scalar] = []
        wtimeout(window, 1000)
        while true {
            var value: wint_t = 0
            let result = wget_wch(window, &value)
            if result == ERR { break }
            guard result != KEY_CODE_YES, let scalar = Unicode.Scalar(UInt32(value)) else { continue }
            scalars.append(scalar)
            if scalars.count >= EscapeSequence.pasteEnd.count, scalars.suffix(EscapeSequence.pasteEnd.count).elementsEqual(EscapeSequence.pasteEnd) {
                scalars.removeLast(EscapeSequence.pasteEnd.count)
                break
            }
            // Past the limit only the last few scalars are kept, to find the end marker.
            if scalars.count > Self.pasteLimit + EscapeSequence.pasteEnd.count {
                scalars.removeSubrange(Self.pasteLimit..<(scalars.count - EscapeSequence.pasteEnd.count))
            }
        }
        return String(String.UnicodeScalarView(scalars.prefix(Self.pasteLimit)))
    }

    private func putBack(result: Int32, value: wint_t) {
        if result == KEY_CODE_YES { ungetch(Int32(bitPattern: value)) } else { unget_wch(wchar_t(bitPattern: value)) }
    }

    /// The signal the session must end on, if one has arrived.
    static var pendingSignal: TerminalSignal? {
        switch winnow_pending_signal_number() {
        case SIGINT: .interrupt
        case SIGTERM: .terminate
        case SIGHUP: .hangup
        default: nil
        }
    }
}
