import CNCursesW

/// The ncurses library this build links, for diagnostics and the smoke test that proves the
/// wide-character library links and answers. Drawing and input go through `CursesTerminal`.
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
