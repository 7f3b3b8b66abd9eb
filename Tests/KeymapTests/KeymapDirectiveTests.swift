import Keymap
import TerminalCore
import Testing

/// What each directive does to the keymap when the line is right.
@Suite struct KeymapDirectiveTests {
    @Test func bindPutsKeysInEveryNamedContext() {
        let (keymap, diagnostics) = KeymapFixtures.apply("""
            bind review,adjudicate a accept
            bind global <C-l> redraw
            bind global gg go-top
            """)
        #expect(diagnostics.isEmpty)
        #expect(keymap.lookup([.character("a")], context: "review") == .action("accept"))
        #expect(keymap.lookup([.character("a")], context: "adjudicate") == .action("accept"))
        #expect(keymap.lookup([.character("a")], context: "home") == .none)
        #expect(keymap.lookup([.control("l")], context: "stats") == .action("redraw"))
        #expect(keymap.lookup([.character("g")], context: "review") == .pending)
        #expect(keymap.lookup(KeymapFixtures.keys("gg"), context: "review") == .action("go-top"))
    }

    @Test func globalActionsMayBeBoundInAnyContext() {
        let (keymap, diagnostics) = KeymapFixtures.apply("bind review J move-down\nbind home <F2> help")
        #expect(diagnostics.isEmpty)
        #expect(keymap.lookup([.character("J")], context: "review") == .action("move-down"))
        #expect(keymap.lookup([.function(2)], context: "home") == .action("help"))
    }

    @Test func aLaterBindOfTheSameKeysReplacesTheEarlierOne() {
        let (keymap, diagnostics) = KeymapFixtures.apply("bind review a accept\nbind review a flag")
        #expect(diagnostics.isEmpty)
        #expect(keymap.lookup([.character("a")], context: "review") == .action("flag"))
        #expect(keymap.origins["review"]?[[.character("a")]] == "t.keymap:2")
    }

    @Test func unbindRemovesOnlyTheNamedContexts() {
        let (keymap, diagnostics) = KeymapFixtures.apply("""
            bind review,adjudicate x reject
            unbind review x
            """)
        #expect(diagnostics.isEmpty)
        #expect(keymap.lookup([.character("x")], context: "review") == .none)
        #expect(keymap.lookup([.character("x")], context: "adjudicate") == .action("reject"))
    }

    @Test func unbindThenBindFreesAPrefixForALongerSequence() {
        let (keymap, diagnostics) = KeymapFixtures.apply("""
            bind global g go-top
            unbind global g
            bind global gg go-top
            """)
        #expect(diagnostics.isEmpty)
        #expect(keymap.lookup([.character("g")], context: "global") == .pending)
    }

    @Test func commentsBlankLinesTabsAndSpacesAreFine() {
        let (keymap, diagnostics) = KeymapFixtures.apply("""
              # a comment after indentation

            \tbind\treview  \t f   flag   # trailing comment
            bind review e edit #no space needed after the hash
            bind review u undo \r
            """)
        #expect(diagnostics.isEmpty)
        #expect(keymap.lookup([.character("f")], context: "review") == .action("flag"))
        #expect(keymap.lookup([.character("e")], context: "review") == .action("edit"))
        #expect(keymap.lookup([.character("u")], context: "review") == .action("undo"))
    }

    @Test func aHashInTheKeysPositionIsAKey() {
        let (keymap, diagnostics) = KeymapFixtures.apply("""
            bind review # search
            bind home,adjudicate ## redraw # and a comment
            unbind adjudicate ##
            """)
        #expect(diagnostics.isEmpty)
        #expect(keymap.lookup([.character("#")], context: "review") == .action("search"))
        #expect(keymap.lookup(KeymapFixtures.keys("##"), context: "adjudicate") == .none)
        #expect(keymap.lookup(KeymapFixtures.keys("##"), context: "home") == .action("redraw"))
    }

    @Test func keyNamesFromTheNotation() {
        let (keymap, diagnostics) = KeymapFixtures.apply("""
            bind confirm <Enter> confirm
            bind global <lt> page-up
            bind global <M-x> quit
            bind review <S-Tab> search-previous
            """)
        #expect(diagnostics.isEmpty)
        #expect(keymap.lookup([.enter], context: "confirm") == .action("confirm"))
        #expect(keymap.lookup([.character("<")], context: "home") == .action("page-up"))
        #expect(keymap.lookup([.alt("x")], context: "home") == .action("quit"))
        #expect(keymap.lookup([.backTab], context: "review") == .action("search-previous"))
    }

    @Test func aByteOrderMarkAndWindowsLineEndingsAreRead() {
        let (keymap, diagnostics) = KeymapFixtures.apply("\u{FEFF}bind review a accept\r\nbind review x reject\r\n")
        #expect(diagnostics.isEmpty)
        #expect(keymap.lookup([.character("a")], context: "review") == .action("accept"))
        #expect(keymap.lookup([.character("x")], context: "review") == .action("reject"))
    }
}
