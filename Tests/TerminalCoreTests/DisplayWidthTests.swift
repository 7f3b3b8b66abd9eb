import Testing
import TerminalCore

@Suite struct DisplayWidthTests {
    @Test func asciiIsOneColumnEach() {
        #expect(DisplayWidth.of("hello") == 5)
    }

    @Test func cjkAndEmojiAreTwoColumns() {
        #expect(DisplayWidth.of("中文") == 4)
        #expect(DisplayWidth.of("😀") == 2)
        #expect(DisplayWidth.of("❤️") == 2)
    }

    @Test func combiningMarksTakeNoColumn() {
        #expect(DisplayWidth.of("e\u{301}") == 1)
        #expect(DisplayWidth.of("\u{200B}") == 0)
    }

    @Test func truncateKeepsWholeWideCharactersAndMarksTheCut() {
        #expect(DisplayWidth.truncate("中文字", to: 5) == "中文…")
        #expect(DisplayWidth.truncate("中文字", to: 4, ellipsis: false) == "中文")
        #expect(DisplayWidth.truncate("abc", to: 3) == "abc")
        #expect(DisplayWidth.pad("ab", to: 4) == "ab  ")
    }
}
