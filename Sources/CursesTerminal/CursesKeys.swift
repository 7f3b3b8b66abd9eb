import CNCursesW
import TerminalCore

/// How what `wget_wch` returns becomes a `Key`. Kept free of any curses state so it is tested
/// headless: a function key code (`KEY_*`, returned with `KEY_CODE_YES`) or a plain character
/// as cbreak mode delivers it.
public enum CursesKeys {
    /// What one `wget_wch` call read.
    public enum Input: Hashable, Sendable {
        /// `KEY_CODE_YES`: a curses key code such as `KEY_UP` (0o403).
        case code(Int32)
        /// `OK`: a character, possibly a control character (Ctrl-D is 0x04).
        case character(UInt32)
    }

    /// The key for a curses key code, or nil for codes winnow does not use (mouse, shifted
    /// arrows, Ctrl-F13 and up): the caller drops those rather than guess. `KEY_RESIZE` is not
    /// a key and is handled by the caller.
    public static func key(forCode code: Int32) -> Key? {
        if code > Int32(KEY_F0), code <= Int32(KEY_F0) + 24 { return .function(Int(code - Int32(KEY_F0))) }
        switch code {
        case Int32(KEY_UP): return .up
        case Int32(KEY_DOWN): return .down
        case Int32(KEY_LEFT): return .left
        case Int32(KEY_RIGHT): return .right
        // The keypad's corners (KEY_A1 and friends) and the vt220 Find/Select keys, which some
        // terminals send over ssh for Home/End, mean what their position says.
        case Int32(KEY_HOME), Int32(KEY_A1), Int32(KEY_FIND): return .home
        case Int32(KEY_END), Int32(KEY_C1), Int32(KEY_SELECT), Int32(KEY_LL): return .end
        case Int32(KEY_PPAGE), Int32(KEY_A3): return .pageUp
        case Int32(KEY_NPAGE), Int32(KEY_C3): return .pageDown
        case Int32(KEY_DC): return .delete
        case Int32(KEY_IC): return .insert
        case Int32(KEY_BACKSPACE): return .backspace
        case Int32(KEY_BTAB): return .backTab
        case Int32(KEY_ENTER): return .enter
        default: return nil
        }
    }

    /// The key for a character read in cbreak mode (Enter as CR or LF, Ctrl-letters as 1...26).
    /// nil for values that are not Unicode scalars, and for C1 controls and other
    /// non-printables, which no keyboard sends and which must not reach a key name raw.
    public static func key(forCharacter value: UInt32) -> Key? {
        guard let scalar = Unicode.Scalar(value) else { return nil }
        let key = Key.fromScalar(scalar)
        if case .character(let character) = key, !isPrintable(character) { return nil }
        return key
    }

    /// One read, mapped: `KEY_RESIZE` is not a key (the caller turns it into a resize event).
    public static func key(for input: Input) -> Key? {
        switch input {
        case .code(let code): return key(forCode: code)
        case .character(let value): return key(forCharacter: value)
        }
    }

    /// What ESC followed at once by `next` means: Alt with a printable character is how
    /// terminals send `<M-x>`; anything else is a lone Escape and `next` is read on its own.
    public static func altKey(after next: Input) -> Key? {
        guard case .character(let value) = next, let key = key(forCharacter: value),
              case .character(let character) = key else { return nil }
        return .alt(character)
    }

    static func isPrintable(_ character: Character) -> Bool {
        character.unicodeScalars.allSatisfy { scalar in
            switch scalar.properties.generalCategory {
            case .control, .format, .surrogate, .unassigned, .privateUse, .lineSeparator, .paragraphSeparator:
                return false
            default:
                return true
            }
        }
    }
}
