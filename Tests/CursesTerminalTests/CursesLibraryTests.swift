import CursesTerminal
import Testing

/// Smoke test: the ncursesw system library links, and its wide-character API is enabled (the
/// shim defines NCURSES_WIDECHAR because SwiftPM drops pkg-config's -D flags).
struct CursesLibraryTests {
    @Test func linksNcursesAndReportsItsVersion() {
        #expect(CursesLibrary.version.hasPrefix("ncurses"))
    }

    @Test func wideCharacterAPIIsAvailable() {
        #expect(CursesLibrary.wideCharactersAvailable())
    }
}
