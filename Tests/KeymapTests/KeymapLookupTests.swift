import Keymap
import TerminalCore
import Testing

@Suite struct KeymapLookupTests {
    @Test func contextBindingShadowsGlobalAndPrefixesWait() throws {
        var keymap = Keymap()
        keymap.bind([.character("q")], to: "quit", in: "global")
        keymap.bind([.character("q")], to: "back", in: "review")
        keymap.bind(try KeyNotation.parse("gg"), to: "go-top", in: "global")
        #expect(keymap.lookup([.character("q")], context: "review") == .action("back"))
        #expect(keymap.lookup([.character("q")], context: "home") == .action("quit"))
        #expect(keymap.lookup([.character("g")], context: "home") == .pending)
        #expect(keymap.lookup([.character("z")], context: "home") == .none)
        #expect(keymap.keys(for: "quit", in: "review").isEmpty)
    }
}
