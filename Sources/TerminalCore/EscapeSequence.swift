/// The rest of a terminal escape sequence after ESC, read as one key or as nothing.
///
/// curses knows the sequences its terminfo entry lists; terminals send others. Inside tmux with
/// TERM=xterm-256color, Home is `ESC [ 1 ~` and End `ESC [ 4 ~`, which xterm's entry does not
/// list, and PuTTY sends its own. Read a character at a time, such a sequence became
/// `<M-[>`, `4`, `~`: three keys, and in the reject picker or on the adjudication screen a
/// digit or letter among them recorded a decision nobody made. So a control sequence (CSI:
/// `ESC [`, parameters, a final character) or an SS3 one (`ESC O` and one character) is read
/// whole: a known one is its key, any other is dropped, never split into keystrokes.
public enum EscapeSequence {
    /// What the characters after ESC mean so far.
    public enum Reading: Equatable, Sendable {
        /// A complete sequence this key stands for.
        case key(Key)
        /// A complete sequence winnow does not use (a modified arrow, a mouse report): ignore it.
        case ignored
        /// The sequence goes on: read another character.
        case incomplete
        /// Not a control sequence: ESC followed by these is a lone Escape or Alt+key.
        case notASequence
        /// `ESC [ 200 ~`: pasted text follows, up to `ESC [ 201 ~` (`pasteEnd`).
        case pasteStart
    }

    /// What ends pasted text.
    public static let pasteEnd: [Unicode.Scalar] = ["\u{1B}", "[", "2", "0", "1", "~"]

    /// Longest sequence read before giving up on it (then it is ignored whole).
    public static let maximumLength = 32

    /// Reads `rest`, the characters after ESC so far.
    public static func read(_ rest: [Unicode.Scalar]) -> Reading {
        guard let introducer = rest.first else { return .incomplete }
        switch introducer {
        case "[": return readCSI(Array(rest.dropFirst()))
        case "O":
            guard rest.count >= 2 else { return .incomplete }
            return ss3[rest[1]].map(Reading.key) ?? .ignored
        default: return .notASequence
        }
    }

    /// CSI: parameter bytes 0x30-0x3F, intermediate bytes 0x20-0x2F, one final byte 0x40-0x7E.
    private static func readCSI(_ body: [Unicode.Scalar]) -> Reading {
        for (i, scalar) in body.enumerated() {
            switch scalar.value {
            case 0x20...0x3F: continue
            case 0x40...0x7E:
                let parameters = String(String.UnicodeScalarView(body[..<i]))
                if scalar == "~" && parameters == "200" { return .pasteStart }
                return key(csiFinal: scalar, parameters: parameters).map(Reading.key) ?? .ignored
            default:
                return .ignored  // not a byte a control sequence may hold: drop what was read
            }
        }
        return body.count + 1 >= maximumLength ? .ignored : .incomplete
    }

    /// Sequences without modifiers; one with a modifier (`ESC [ 1 ; 5 A`, Ctrl-Up) is not a key
    /// winnow binds and is ignored.
    private static func key(csiFinal final: Unicode.Scalar, parameters: String) -> Key? {
        if final == "~" { return tilde[parameters] }
        guard parameters.isEmpty || parameters == "1" else { return nil }
        return csiLetters[final]
    }

    private static let csiLetters: [Unicode.Scalar: Key] = [
        "A": .up, "B": .down, "C": .right, "D": .left, "H": .home, "F": .end, "Z": .backTab,
    ]

    /// `ESC [ n ~`: the vt220 and xterm numbering (1 and 7 Home, 4 and 8 End: both are sent).
    private static let tilde: [String: Key] = [
        "1": .home, "7": .home, "4": .end, "8": .end, "2": .insert, "3": .delete, "5": .pageUp, "6": .pageDown,
        "11": .function(1), "12": .function(2), "13": .function(3), "14": .function(4), "15": .function(5),
        "17": .function(6), "18": .function(7), "19": .function(8), "20": .function(9), "21": .function(10),
        "23": .function(11), "24": .function(12),
    ]

    /// `ESC O x`: application-mode cursor keys, Home and End, and F1-F4.
    private static let ss3: [Unicode.Scalar: Key] = [
        "A": .up, "B": .down, "C": .right, "D": .left, "H": .home, "F": .end,
        "P": .function(1), "Q": .function(2), "R": .function(3), "S": .function(4),
    ]
}
