/// One key press, as the workbench sees it: terminals translate their escape sequences and
/// curses codes into these, and keymaps bind sequences of them.
public enum Key: Hashable, Sendable {
    /// A printable character (including space).
    case character(Character)
    /// Ctrl with a letter or one of `@[\]^_`; stored lowercase (`<C-d>`).
    case control(Character)
    /// Alt (Meta) with a printable character (`<M-x>`).
    case alt(Character)
    case enter, tab, backTab, escape, backspace, delete, insert
    case up, down, left, right, home, end, pageUp, pageDown
    case function(Int)

    /// Builds a key from a raw byte or scalar as a terminal in cbreak mode delivers it.
    public static func fromScalar(_ scalar: Unicode.Scalar) -> Key {
        switch scalar.value {
        case 0x0D, 0x0A: return .enter
        case 0x09: return .tab
        case 0x1B: return .escape
        case 0x08, 0x7F: return .backspace
        case 0x00: return .control("@")
        case 0x01...0x1A: return .control(Character(Unicode.Scalar(scalar.value + 0x60)!))
        case 0x1C...0x1F: return .control(Character(Unicode.Scalar(scalar.value + 0x40)!))
        default: return .character(Character(scalar))
        }
    }

    /// Keys the terminal or shell own: flow control (Ctrl-S/Ctrl-Q), job control (Ctrl-Z) and
    /// the Escape prefix of every terminal sequence. A keymap must not put a decision on them.
    public var isReservedForTerminal: Bool {
        switch self {
        case .escape: return true
        case .control(let character): return character == "s" || character == "q" || character == "z"
        default: return false
        }
    }
}
