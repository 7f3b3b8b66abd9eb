import CursesTerminal
import TerminalCore
import Testing

/// The KEY_* → Key mapping, checked against the code values printed in ncurses' curses.h
/// (octal there, as here), so a wrong import or a wrong case shows up without a terminal.
struct CursesKeysTests {
    @Test(arguments: [
        (0o402, Key.down), (0o403, .up), (0o404, .left), (0o405, .right), (0o406, .home),
        (0o407, .backspace), (0o512, .delete), (0o513, .insert), (0o522, .pageDown), (0o523, .pageUp),
        (0o527, .enter), (0o541, .backTab), (0o550, .end),
        // keypad corners and vt220 Find/Select, as some terminals send them for Home/End
        (0o534, .home), (0o537, .end), (0o535, .pageUp), (0o540, .pageDown), (0o552, .home), (0o601, .end),
    ] as [(Int32, Key)])
    func keyCodesMapToKeys(code: Int32, key: Key) {
        #expect(CursesKeys.key(forCode: code) == key)
    }

    @Test func functionKeysOneToTwentyFour() {
        let f0: Int32 = 0o410
        #expect(CursesKeys.key(forCode: f0 + 1) == .function(1))
        #expect(CursesKeys.key(forCode: f0 + 5) == .function(5))
        #expect(CursesKeys.key(forCode: f0 + 24) == .function(24))
        #expect(KeyNotation.name(CursesKeys.key(forCode: f0 + 5)!) == "<F5>")
    }

    @Test func codesWinnowDoesNotUseAreDropped() {
        #expect(CursesKeys.key(forCode: 0o410) == nil)      // KEY_F0: no such key
        #expect(CursesKeys.key(forCode: 0o410 + 25) == nil) // beyond <F24>
        #expect(CursesKeys.key(forCode: 0o632) == nil)      // KEY_RESIZE is an event, not a key
        #expect(CursesKeys.key(forCode: 0o611) == nil)      // KEY_SLEFT
        #expect(CursesKeys.key(forCode: 0o631) == nil)      // KEY_MOUSE
    }

    @Test func charactersAsCbreakDeliversThem() {
        #expect(CursesKeys.key(forCharacter: 0x04) == .control("d"))
        #expect(CursesKeys.key(forCharacter: 0x0D) == .enter)
        #expect(CursesKeys.key(forCharacter: 0x0A) == .enter)
        #expect(CursesKeys.key(forCharacter: 0x09) == .tab)
        #expect(CursesKeys.key(forCharacter: 0x7F) == .backspace)
        #expect(CursesKeys.key(forCharacter: 0x1B) == .escape)
        #expect(CursesKeys.key(forCharacter: 0x20) == .character(" "))
        #expect(CursesKeys.key(forCharacter: 0x61) == .character("a"))
        #expect(CursesKeys.key(forCharacter: 0x4E2D) == .character("中"))
        #expect(KeyNotation.name(CursesKeys.key(forCharacter: 0x04)!) == "<C-d>")
    }

    @Test func nonPrintablesAndNonScalarsAreDropped() {
        #expect(CursesKeys.key(forCharacter: 0x85) == nil)     // C1 control NEL
        #expect(CursesKeys.key(forCharacter: 0x9B) == nil)     // C1 CSI
        #expect(CursesKeys.key(forCharacter: 0x202E) == nil)   // bidi override
        #expect(CursesKeys.key(forCharacter: 0xD800) == nil)   // a surrogate is not a scalar
        #expect(CursesKeys.key(forCharacter: 0x110000) == nil)
    }

    @Test func escapeThenPrintableIsAlt() {
        #expect(CursesKeys.altKey(after: .character(0x78)) == .alt("x"))
        #expect(KeyNotation.name(CursesKeys.altKey(after: .character(0x78))!) == "<M-x>")
        #expect(CursesKeys.altKey(after: .character(0xE9)) == .alt("é"))
        #expect(CursesKeys.altKey(after: .character(0x1B)) == nil)
        #expect(CursesKeys.altKey(after: .character(0x04)) == nil)
        #expect(CursesKeys.altKey(after: .code(0o403)) == nil)
    }

    @Test func oneReadMapsByItsKind() {
        #expect(CursesKeys.key(for: .code(0o403)) == .up)
        #expect(CursesKeys.key(for: .character(0x71)) == .character("q"))
    }
}
