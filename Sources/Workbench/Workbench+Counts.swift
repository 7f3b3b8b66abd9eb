import Keymap
import TerminalCore
import WinnowCore

extension Action {
    /// Motions a count repeats, as in vim, tig and mutt (`5j`, `3<PageDown>`, `2n`).
    var takesCount: Bool {
        [.moveDown, .moveUp, .pageDown, .pageUp, .searchNext, .searchPrevious].contains(self)
    }

    /// Keys that record a decision or change which row is on screen. A count before one of
    /// them does nothing at all: `5a` must never accept five rows, and accepting only the one
    /// on screen is not what was typed either (the `5` may have been meant for `j`). Doing
    /// nothing and saying so is the one reading that cannot put a decision in the log that the
    /// reviewer did not make.
    var refusesCount: Bool {
        isPrimary || [.reject, .backToSkipped, .previousRow, .addNote, .editAgain].contains(self)
    }
}

extension Workbench {
    /// The largest count kept: more digits are not read, so a held-down key cannot make a
    /// motion loop for minutes.
    static let countLimit = 9999

    /// Reads a digit typed outside a prompt as (part of) a count, when the keymap gives that
    /// digit no meaning of its own on this screen: adjudication's `1` and `2` keep theirs, and the
    /// reason picker's digits never get here (the picker consumes them first). `0` only extends
    /// a count. `<Esc>` clears a pending count. True when the key was taken.
    func takeCount(_ key: Key, context: String) -> Bool {
        if key == .escape, pendingCount != nil {
            pendingCount = nil
            say("count cleared")
            return true
        }
        guard case .character(let character) = key, character.isASCII, let digit = character.wholeNumberValue else { return false }
        guard digit > 0 || pendingCount != nil, keymap.lookup([key], context: context) == .none else { return false }
        let value = (pendingCount ?? 0) * 10 + digit
        pendingCount = min(value, Self.countLimit)
        if value > Self.countLimit { say("counts stop at \(Self.countLimit)") }
        return true
    }

    /// Performs an action typed after a count: a motion that many times; a decision not at all
    /// (said on the status line); anything else once, saying the count was dropped.
    func perform(_ action: Action, on screen: any Screen, count: Int?, typed: [Key]) {
        guard let count else { return perform(action, on: screen) }
        let keys = KeyNotation.name(typed)
        if action.refusesCount {
            say("\(count)\(keys): a count repeats moves (lines, pages, matches), never decisions: nothing was done "
                + "(\(keys) alone is \(action.name))")
            return
        }
        guard action.takesCount else {
            perform(action, on: screen)
            if message == nil { say("\(action.name) takes no count: the \(count) was dropped") }
            return
        }
        for _ in 0..<count {
            let before = (screen as? ReviewScreen)?.searchPosition
            perform(action, on: screen)
            // Stop at the first step that fails or goes nowhere (no further match): the rest
            // would only repeat the same message.
            if message?.isError == true || top !== screen { break }
            if let before, before == (screen as? ReviewScreen)?.searchPosition, action == .searchNext || action == .searchPrevious { break }
        }
    }
}

extension ReviewScreen {
    /// Where stepping through search matches has got to: the row and the match on it.
    var searchPosition: String { "\(item?.row.id ?? "")#\(searchIndex)" }
}
