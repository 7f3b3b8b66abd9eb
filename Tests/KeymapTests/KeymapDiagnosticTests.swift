import Keymap
import TerminalCore
import Testing

/// Every problem a line can have, each with its exact `file:line: message`.
@Suite struct KeymapDiagnosticTests {
    /// The diagnostics for `text`, whose bad line is line 2 after a good line 1.
    private func problems(_ line: String) -> [String] {
        KeymapFixtures.apply("bind review a accept\n" + line).1
    }

    @Test func unknownDirectiveSuggestsTheNearest() {
        #expect(problems("bnid review a accept") == ["t.keymap:2: unknown directive 'bnid' (did you mean 'bind'?)"])
        #expect(problems("unbnd review a") == ["t.keymap:2: unknown directive 'unbnd' (did you mean 'unbind'?)"])
        #expect(problems("map review a accept")
            == ["t.keymap:2: unknown directive 'map' (expected bind, unbind or source)"])
    }

    @Test func wrongWordCountSaysTheForm() {
        #expect(problems("bind review a") == ["t.keymap:2: wrong number of words: expected 'bind CONTEXT[,CONTEXT...] KEYS ACTION'"])
        #expect(problems("bind review g g go-top")
            == ["t.keymap:2: wrong number of words: expected 'bind CONTEXT[,CONTEXT...] KEYS ACTION'"])
        #expect(problems("unbind review") == ["t.keymap:2: wrong number of words: expected 'unbind CONTEXT[,CONTEXT...] KEYS'"])
        #expect(problems("source a b") == ["t.keymap:2: wrong number of words: expected 'source FILE'"])
        #expect(problems("source") == ["t.keymap:2: wrong number of words: expected 'source FILE'"])
        #expect(problems("bind review a # accept")
            == ["t.keymap:2: wrong number of words: expected 'bind CONTEXT[,CONTEXT...] KEYS ACTION'"])
    }

    @Test func unknownContextSuggestsTheNearest() {
        #expect(problems("bind reviw x reject") == ["t.keymap:2: unknown context 'reviw' (did you mean 'review'?)"])
        #expect(problems("bind review,zzzzzzzz x reject") == [
            "t.keymap:2: unknown context 'zzzzzzzz' (contexts: global, home, review, reasons, adjudicate, confirm, help, stats, log)",
        ])
        #expect(problems("unbind review, a").first?.hasPrefix("t.keymap:2: empty context in 'review,'") == true)
    }

    @Test func unknownActionSuggestsTheNearest() {
        #expect(problems("bind review x acept") == ["t.keymap:2: unknown action 'acept' (did you mean 'accept'?)"])
        #expect(problems("bind review x serch-next") == ["t.keymap:2: unknown action 'serch-next' (did you mean 'search-next'?)"])
        #expect(problems("bind review x frobnicate-everything") == ["t.keymap:2: unknown action 'frobnicate-everything'"])
    }

    @Test func actionOutsideItsContextsSaysWhereItIsValid() {
        #expect(problems("bind home x accept") == ["t.keymap:2: 'accept' can't be bound in 'home': it is valid in adjudicate, review"])
        #expect(problems("bind global x accept")
            == ["t.keymap:2: 'accept' can't be bound in 'global': it is valid in adjudicate, review"])
        #expect(problems("bind review,adjudicate o open-neighbour")
            == ["t.keymap:2: 'open-neighbour' can't be bound in 'adjudicate': it is valid in review"])
    }

    @Test func badKeyNamesCarryTheNotationsMessage() {
        #expect(problems("bind review <Foo> accept") == [
            "t.keymap:2: bad key '<Foo>': <Foo> is not a key name (try <C-x>, <M-x>, <Enter>, <Esc>, <Tab>, <Space>, <Up>, <PageDown>, <F1>)",
        ])
        #expect(problems("bind review <C-d page-down")
            == ["t.keymap:2: bad key '<C-d': '<C-d' has a '<' that opens no key name (write a literal < as <lt>)"])
    }

    @Test func noDecisionOnEscapeButCancelIsFine() {
        #expect(problems("bind review <Esc> skip") == [
            "t.keymap:2: 'skip' is a decision and can't be on <Esc>: Esc also starts every arrow and function key "
                + "the terminal sends, so on a slow link it would fire by itself",
        ])
        #expect(problems("bind confirm <Esc>y confirm").count == 1)
        #expect(problems("bind confirm <Esc> cancel").isEmpty)
    }

    @Test func flowAndJobControlKeysAreNeverBound() {
        #expect(problems("bind global <C-s> show-stats") == [
            "t.keymap:2: '<C-s>' can't be bound: <C-s> is flow control (XOFF): the terminal freezes output on it instead of passing it on",
        ])
        #expect(problems("bind global <C-q> quit")
            == ["t.keymap:2: '<C-q>' can't be bound: <C-q> is flow control (XON): the terminal takes it to resume output"])
        #expect(problems("bind global <C-Z> redraw")
            == ["t.keymap:2: '<C-z>' can't be bound: <C-z> is job control: the shell suspends winnow on it"])
        #expect(problems("bind global g<C-z> redraw").count == 1)
    }

    @Test func keysAScreenKeepsForItselfAreRefusedThereOnly() {
        #expect(problems("bind reasons 3 add-note")
            == ["t.keymap:2: '3' can't be bound in 'reasons': the digits pick a reason code on this screen"])
        #expect(problems("bind confirm,reasons 1x cancel").count == 1)
        #expect(problems("bind global 1 go-top").isEmpty)
    }

    @Test func aPrefixOfAnotherSequenceIsReportedOnTheLaterLine() {
        let (keymap, diagnostics) = KeymapFixtures.apply("""
            bind global g go-top
            # the next line is refused: g would fire first
            bind global gg go-bottom
            bind review gx search
            """)
        #expect(diagnostics == [
            "t.keymap:3: 'g' and 'gg' can't both be bound in 'global': the shorter fires before the longer can be typed "
                + "(g is bound at t.keymap:1)",
        ])
        #expect(keymap.lookup([.character("g")], context: "global") == .action("go-top"))
        #expect(keymap.lookup(KeymapFixtures.keys("gx"), context: "review") == .action("search"))
        let shorterLater = KeymapFixtures.apply("bind review,adjudicate ab accept\nbind review a flag").1
        #expect(shorterLater == [
            "t.keymap:2: 'a' and 'ab' can't both be bound in 'review': the shorter fires before the longer can be typed "
                + "(ab is bound at t.keymap:1)",
        ])
    }

    @Test func unbindingWhatIsNotBoundIsAWarning() {
        #expect(problems("unbind home a")
            == ["t.keymap:2: warning: 'a' is not bound in 'home', nothing to unbind (it is bound in review)"])
        #expect(problems("unbind review z") == ["t.keymap:2: warning: 'z' is not bound in 'review', nothing to unbind"])
    }

    @Test func aBadLineIsSkippedAndTheRestStillApplies() {
        let (keymap, diagnostics) = KeymapFixtures.apply("""
            bind review a acept
            bind review x reject
            bnd review f flag
            bind review f flag
            """)
        #expect(diagnostics.count == 2)
        #expect(diagnostics.map { $0.prefix(11) } == ["t.keymap:1:", "t.keymap:3:"])
        #expect(keymap.lookup([.character("a")], context: "review") == .none)
        #expect(keymap.lookup([.character("x")], context: "review") == .action("reject"))
        #expect(keymap.lookup([.character("f")], context: "review") == .action("flag"))
    }

    @Test func aRefusedMultiContextLineBindsNothing() {
        let (keymap, diagnostics) = KeymapFixtures.apply("bind review f flag\nbind adjudicate,review fx flag")
        #expect(diagnostics.count == 1)
        #expect(keymap.lookup(KeymapFixtures.keys("fx"), context: "adjudicate") == .none)
    }

    @Test func escapeSequencesInTheFileAreShownNotSent() {
        let diagnostics = problems("bind review \u{1B}]0;pwned\u{07} accept")
        #expect(diagnostics.count == 1)
        #expect(diagnostics[0].contains("\u{1B}") == false)
        #expect(diagnostics[0].contains("\\u{1B}]0;pwned\\u{7}"))
    }

    @Test func aWholeFileProblemHasNoLineNumber() {
        let diagnostic = KeymapDiagnostic(file: "x.keymap", line: 0, message: "cannot read the keymap: no such file")
        #expect(diagnostic.description == "x.keymap: cannot read the keymap: no such file")
    }
}
