import Testing
import TerminalCore

/// Issue 12, item 2: a control sequence curses does not know is one key or none, never a run of
/// keystrokes. Before, `ESC [ 4 ~` (End inside tmux) arrived as `<M-[>`, `4`, `~`.
@Suite struct EscapeSequenceTests {
    func read(_ text: String) -> EscapeSequence.Reading { EscapeSequence.read(Array(text.unicodeScalars)) }

    @Test func homeAndEndInEveryNumberingAreKeys() {
        for (text, key) in [("[1~", Key.home), ("[7~", .home), ("[H", .home), ("OH", .home),
                            ("[4~", .end), ("[8~", .end), ("[F", .end), ("OF", .end),
                            ("[5~", .pageUp), ("[6~", .pageDown), ("[3~", .delete), ("[2~", .insert), ("[Z", .backTab),
                            ("[A", .up), ("OB", .down), ("[1C", .right), ("OD", .left),
                            ("[15~", .function(5)), ("[24~", .function(12)), ("OP", .function(1))] {
            #expect(read(text) == .key(key), "\(text)")
        }
    }

    @Test func otherCompleteSequencesAreIgnoredWhole() {
        // Ctrl-Up, Shift-End, bracketed paste's markers, a mouse report, an unknown tilde number.
        for text in ["[1;5A", "[1;2F", "[201~", "[<0;10;5M", "[99~", "Ox", "[?1049h"] {
            #expect(read(text) == .ignored, "\(text)")
        }
    }

    @Test func partialSequencesAskForMoreAndEndlessOnesAreCutOff() {
        for text in ["[", "[1", "[1;", "[15", "O"] { #expect(read(text) == .incomplete, "\(text)") }
        #expect(read("[" + String(repeating: "1", count: EscapeSequence.maximumLength)) == .ignored)
        // A byte no control sequence holds ends it, dropped.
        #expect(read("[1\u{7}") == .ignored)
    }

    /// Bracketed paste's opening marker starts a paste (read as text up to `ESC [ 201 ~`).
    @Test func thePasteMarkerStartsAPaste() {
        #expect(read("[200~") == .pasteStart)
        #expect(EscapeSequence.pasteEnd == Array("\u{1B}[201~".unicodeScalars))
    }

    @Test func anythingElseIsNotASequence() {
        for text in ["x", "a[", "\u{1B}", "1"] { #expect(read(text) == .notASequence, "\(text)") }
    }

    /// Any control sequence at all (random parameters, intermediates and final byte) reads as
    /// one known key, a paste, ignored, or "more please": never as something else, and never
    /// past its final byte (the property behind "no unknown sequence dispatches an action").
    @Test func anyControlSequenceIsOneKeyOrNothing() {
        var random = SystemRandomNumberGenerator()
        let parameters = Array("0123456789;:<=>?".unicodeScalars), intermediates = Array(" !\"#$%&'()*+,-./".unicodeScalars)
        let named: [Key] = [.up, .down, .left, .right, .home, .end, .insert, .delete, .pageUp, .pageDown, .backTab]
        let known = Set(named + (1...12).map(Key.function))
        for _ in 0..<20_000 {
            var body = (0..<Int.random(in: 0...6, using: &random)).map { _ in parameters.randomElement(using: &random)! }
            body += (0..<Int.random(in: 0...2, using: &random)).map { _ in intermediates.randomElement(using: &random)! }
            let final = Unicode.Scalar(UInt8.random(in: 0x40...0x7E, using: &random))
            let sequence = ["["] + body + [final]
            switch EscapeSequence.read(sequence) {
            case .key(let key): #expect(known.contains(key), "\(sequence)")
            case .ignored, .pasteStart: break
            case .incomplete, .notASequence: Issue.record("a complete sequence read as \(EscapeSequence.read(sequence)): \(sequence)")
            }
            // Cut before its final byte it always asks for more (or is cut off when too long).
            let cut = Array(sequence.dropLast())
            let partial = EscapeSequence.read(cut)
            #expect(partial == .incomplete || (partial == .ignored && cut.count >= EscapeSequence.maximumLength), "\(cut)")
        }
    }
}
