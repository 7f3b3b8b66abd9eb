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
    public var isReservedForTerminal: Bool { self == .escape || reservedReason != nil }

    /// Why no keymap may bind this key at all, or nil. Ctrl-S and Ctrl-Q never reach the program
    /// on a terminal with flow control on (the default on many ssh setups: Ctrl-S freezes the
    /// screen and reviewers think winnow hung); Ctrl-Z suspends it through the shell. Escape is
    /// not here: it may cancel, it just must not decide.
    public var reservedReason: String? {
        switch self {
        case .control("s"): return "<C-s> is flow control (XOFF): the terminal freezes output on it instead of passing it on"
        case .control("q"): return "<C-q> is flow control (XON): the terminal takes it to resume output"
        case .control("z"): return "<C-z> is job control: the shell suspends winnow on it"
        default: return nil
        }
    }
}
