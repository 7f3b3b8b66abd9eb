import PropertyBased
import TerminalCore
import Testing

/// Key names are what keymap files, the help screen and diagnostics show, so naming a key and
/// reading the name back must give the same key, and a malformed name must say what is wrong.
@Suite struct KeyNotationTests {
    private static let printable: [Character] = Array("aZ0~!#$%^&*()-_=+[]{}\\|;:'\",.<>/?`@") + ["é", "漢", "👍🏽", "e\u{301}"]
    private static let named: [Key] = [
        .enter, .tab, .backTab, .escape, .backspace, .delete, .insert, .up, .down, .left, .right,
        .home, .end, .pageUp, .pageDown, .character(" "),
    ]
    private static let controls = Array("abcdefghijklmnopqrstuvwxyz@[\\]^_")

    /// Every kind of key, from one number: printable characters, Ctrl, Alt, named keys, F1-F24.
    static func key(_ seed: Int) -> Key {
        let pick = seed / 8
        switch seed % 5 {
        case 0: return .character(printable[pick % printable.count])
        case 1: return .control(controls[pick % controls.count])
        case 2: return .alt((printable + [" "])[pick % (printable.count + 1)])
        case 3: return named[pick % named.count]
        default: return .function(1 + pick % 24)
        }
    }

    static let sequences = Gen.int(in: 0...1_000_000).map(key).array(of: 1...6)

    @Test func namingThenParsingGivesTheSameKeys() async {
        await propertyCheck(count: 2000, input: Self.sequences) { keys in
            let name = KeyNotation.name(keys)
            #expect((try? KeyNotation.parse(name)) == keys, "\(name)")
        }
    }

    @Test func everyKeyOfEveryKindRoundTrips() throws {
        for seed in 0..<4000 {
            let key = Self.key(seed)
            #expect(try KeyNotation.parse(KeyNotation.name(key)) == [key], "\(KeyNotation.name(key))")
        }
    }

    @Test func namesAreReadCaseInsensitivelyAndCtrlIsFolded() throws {
        #expect(try KeyNotation.parse("<c-D><ENTER><pageup><m-X><f12>") == [.control("d"), .enter, .pageUp, .alt("X"), .function(12)])
        #expect(try KeyNotation.parse("<CR><Return><BS><Bar><lt>") == [.enter, .enter, .backspace, .character("|"), .character("<")])
        #expect(try KeyNotation.parse("<M-Space><M-lt><M-gt><A-x>") == [.alt(" "), .alt("<"), .alt(">"), .alt("x")])
        #expect(try KeyNotation.parse("gg") == [.character("g"), .character("g")])
        #expect(try KeyNotation.parse("<") == [.character("<")])
        #expect(try KeyNotation.parse(">") == [.character(">")])
    }

    @Test func malformedNamesSayWhatIsWrong() {
        #expect(message("") == "empty key")
        #expect(message("<C-d") == "'<C-d' has a '<' that opens no key name (write a literal < as <lt>)")
        #expect(message("a<") == "'<' has a '<' that opens no key name (write a literal < as <lt>)")
        #expect(message("<>") == "'<>' has a '<' that opens no key name (write a literal < as <lt>)")
        #expect(message("<Foo>")?.hasPrefix("<Foo> is not a key name") == true)
        #expect(message("<F0>")?.hasPrefix("<F0> is not a key name") == true)
        #expect(message("<F25>")?.hasPrefix("<F25> is not a key name") == true)
        #expect(message("<F+1>")?.hasPrefix("<F+1> is not a key name") == true)
        #expect(message("<C-1>")?.hasPrefix("<C-1> is not a key name") == true)
        #expect(message("<M->>")?.hasPrefix("<M-> is not a key name") == true)
        #expect(message("a b") == "write spaces and control characters by name, e.g. <Space> or <C-a>")
        #expect(message("\u{1B}") == "write spaces and control characters by name, e.g. <Space> or <C-a>")
        #expect(message("\u{200B}") == "U+200B is an invisible character, not a key")
        #expect(message("x\u{202E}") == "U+202E is an invisible character, not a key")
    }

    private func message(_ text: String) -> String? {
        do {
            _ = try KeyNotation.parse(text)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func reservedKeysAreTheTerminalsOwn() {
        #expect(Key.control("s").isReservedForTerminal && Key.control("q").isReservedForTerminal)
        #expect(Key.control("z").isReservedForTerminal && Key.escape.isReservedForTerminal)
        #expect(!Key.control("d").isReservedForTerminal && !Key.character("s").isReservedForTerminal)
    }
}
