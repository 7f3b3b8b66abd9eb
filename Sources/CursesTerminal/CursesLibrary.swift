import CNCursesW

/// The ncurses library this build links. The review screen (a later issue) draws through
/// `CursesTerminal`; until then this is the one place winnow touches ncurses, and the smoke
/// test proves the wide-character library links and answers.
public enum CursesLibrary {
    /// ncurses' own version string, e.g. "ncurses 6.4.20221231".
    public static var version: String {
        guard let text = curses_version() else { return "unknown" }
        return String(cString: text)
    }

    /// Display width of a character as the linked library and C locale see it (wcwidth), so
    /// tests can check the wide-character API is really switched on.
    public static func wideCharactersAvailable() -> Bool {
        var cell = cchar_t()
        var text: [wchar_t] = [0x4E2D, 0]
        return setcchar(&cell, &text, 0, 0, nil) == OK
    }
}
