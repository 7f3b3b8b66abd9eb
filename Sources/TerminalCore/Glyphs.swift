/// The characters winnow draws its own frames and marks with: box-drawing rules, bullets,
/// arrows, the ellipsis, bars. Under a UTF-8 locale they are the Unicode ones; under any other
/// (LANG=C, POSIX, a Latin-1 locale, nothing set at all) they are ASCII, because there the
/// terminal may not show UTF-8 and a frame of mojibake hides the row it frames.
///
/// Only winnow's own chrome changes: row text is never rewritten, it is shown as written (curses
/// still draws it as UTF-8, see `CursesTerminal.chooseLocale`), so a reviewer on a terminal
/// that does speak UTF-8 under LANG=C loses nothing but the box characters.
///
/// The choice is made once, from the environment (`Glyphs.forLocale`), by whoever opens the
/// workbench, and travels down as a value on each `Canvas`: no global state, and tests draw
/// either set side by side.
public struct Glyphs: Sendable, Equatable {
    /// A column rule between panes and between the two answers of a pair.
    public var vertical: String
    /// A horizontal rule (section headings, the reason picker's title).
    public var horizontal: String
    /// Between items on one line ("winnow · review").
    public var separator: String
    /// Where text was cut.
    public var ellipsis: String
    /// The selected line in a list.
    public var pointer: String
    /// A rejecting gate's mark, and a flagging one's.
    public var rejectMark: String
    public var flagMark: String
    /// The text cursor in a prompt.
    public var cursor: String
    /// The filled and empty parts of a progress bar.
    public var barFull: String
    public var barEmpty: String
    /// A dash inside a sentence.
    public var dash: String

    public static let unicode = Glyphs(vertical: "│", horizontal: "─", separator: "·", ellipsis: "…", pointer: "▸",
                                       rejectMark: "✗", flagMark: "⚑", cursor: "▏", barFull: "█", barEmpty: "░", dash: "—")
    public static let ascii = Glyphs(vertical: "|", horizontal: "-", separator: "-", ellipsis: "...", pointer: ">",
                                     rejectMark: "x", flagMark: "!", cursor: "_", barFull: "#", barEmpty: ".", dash: "-")

    public init(vertical: String, horizontal: String, separator: String, ellipsis: String, pointer: String,
                rejectMark: String, flagMark: String, cursor: String, barFull: String, barEmpty: String, dash: String) {
        self.vertical = vertical
        self.horizontal = horizontal
        self.separator = separator
        self.ellipsis = ellipsis
        self.pointer = pointer
        self.rejectMark = rejectMark
        self.flagMark = flagMark
        self.cursor = cursor
        self.barFull = barFull
        self.barEmpty = barEmpty
        self.dash = dash
    }

    /// The set for the locale the environment names: LC_ALL, else LC_CTYPE, else LANG (the
    /// first one set and not empty, as setlocale(3) reads them); none set is the C locale.
    /// UTF-8 when the locale's codeset is UTF-8 (`en_GB.UTF-8`, `C.utf8`, macOS's bare `UTF-8`).
    public static func forLocale(_ environment: [String: String]) -> Glyphs {
        isUTF8(locale: effectiveLocale(environment)) ? .unicode : .ascii
    }

    /// The LC_CTYPE value setlocale(3) would use.
    public static func effectiveLocale(_ environment: [String: String]) -> String {
        for name in ["LC_ALL", "LC_CTYPE", "LANG"] {
            if let value = environment[name], !value.isEmpty { return value }
        }
        return "C"
    }

    /// Whether a locale name (`language_TERRITORY.codeset@modifier`) names the UTF-8 codeset.
    public static func isUTF8(locale: String) -> Bool {
        var codeset = Substring(locale)
        if let dot = codeset.firstIndex(of: ".") { codeset = codeset[codeset.index(after: dot)...] }
        if let at = codeset.firstIndex(of: "@") { codeset = codeset[..<at] }
        let folded = codeset.lowercased()
        return folded == "utf-8" || folded == "utf8"
    }
}
