import Testing
@testable import WinnowCore

/// What the sanitiser shows instead of each kind of dangerous character.
@Suite struct SanitiserTests {
    static let singleLine: [(String, String)] = [
        ("\u{1B}[2J", "^[[2J"),                                             // CSI erase screen
        ("\u{1B}[31mred\u{1B}[0m", "^[[31mred^[[0m"),                       // SGR colours
        ("\u{1B}]52;c;aGVsbG8=\u{07}", "^[]52;c;aGVsbG8=^G"),               // OSC 52 clipboard write
        ("\u{1B}]8;;https://evil.example\u{1B}\\click\u{1B}]8;;\u{1B}\\",   // OSC 8 hyperlink
         "^[]8;;https://evil.example^[\\click^[]8;;^[\\"),
        ("\u{1B}]0;title\u{07}", "^[]0;title^G"),                           // window title
        ("\u{1B}P1$qm\u{1B}\\", "^[P1$qm^[\\"),                             // DCS
        ("\u{07}", "^G"), ("\u{0}", "^@"), ("a\u{0}b", "a^@b"), ("\u{7F}", "^?"), ("\u{08}", "^H"),
        ("\u{1F}", "^_"), ("\r", "^M"), ("\n", "^J"), ("\t", "^I"), ("a\nb\tc", "a^Jb^Ic"),
        ("\u{9B}2J", "<U+009B>2J"),                                         // C1 CSI
        ("\u{80}\u{85}\u{9F}", "<U+0080><U+0085><U+009F>"),
        ("abc\u{202E}fed", "abc<U+202E>fed"),                               // right-to-left override
        ("\u{202A}\u{202B}\u{202C}\u{202D}", "<U+202A><U+202B><U+202C><U+202D>"),
        ("\u{2066}x\u{2067}y\u{2068}z\u{2069}", "<U+2066>x<U+2067>y<U+2068>z<U+2069>"),  // isolates
        ("\u{200E}\u{200F}\u{061C}", "<U+200E><U+200F><U+061C>"),           // direction marks
        ("a\u{200B}b", "a<U+200B>b"), ("\u{FEFF}x", "<U+FEFF>x"),            // zero width, BOM
        ("\u{200C}\u{200D}\u{2060}\u{00AD}", "<U+200C><U+200D><U+2060><U+00AD>"),
        ("\u{2028}\u{2029}", "<U+2028><U+2029>"),                           // line/paragraph separators
        ("\u{E0041}\u{E0001}\u{E007F}", "<U+E0041><U+E0001><U+E007F>"),     // tag characters
    ]

    @Test("single-line replacements", arguments: singleLine)
    func singleLineReplacements(_ input: String, _ expected: String) {
        #expect(Sanitiser.clean(input).unicodeScalars.elementsEqual(expected.unicodeScalars))
        #expect(Sanitiser.clean(input, mode: .singleLine) == expected)
        #expect(!Sanitiser.isClean(input))
        #expect(Sanitiser.isClean(expected))
    }

    @Test func multiLineKeepsNewlinesAndExpandsTabs() {
        #expect(Sanitiser.clean("a\nb\tc", mode: .multiLine) == "a\nb    c")
        #expect(Sanitiser.clean("line\r\nnext", mode: .multiLine) == "line^M\nnext")
        #expect(Sanitiser.clean("\u{1B}[2J\n\u{202E}", mode: .multiLine) == "^[[2J\n<U+202E>")
        #expect(Sanitiser.isClean("two\nlines", mode: .multiLine))
        #expect(!Sanitiser.isClean("two\nlines", mode: .singleLine))
        #expect(!Sanitiser.isClean("tab\there", mode: .multiLine))
        #expect(Sanitiser.replacement(for: "\n", mode: .multiLine) == nil)
        #expect(Sanitiser.replacement(for: "\n", mode: .singleLine) == "^J")
        #expect(Sanitiser.replacement(for: "\t", mode: .multiLine) == "    ")
    }

    @Test func printableTextIsUnchanged() {
        let texts = ["", "plain ASCII: ~!@#$%^&*()_+{}|:\"<>?`-=[]\\;',./", "Grüße, naïve café", "e\u{301}",
                     "中文字符", "한국어", "日本語のテキスト", "emoji 😀👍🏽🇫🇷 ❤️", "עברית", "العربية",
                     "Ελληνικά", "देवनागरी", "\u{1F468}\u{1F3FD}", "tab-free, newline-free"]
        for text in texts {
            #expect(Sanitiser.clean(text).unicodeScalars.elementsEqual(text.unicodeScalars), "\(text)")
            #expect(Sanitiser.isClean(text), "\(text)")
        }
    }

    static let byteCases: [([UInt8], String)] = [
        ([0x61, 0xC3], "a\\xC3"),                               // truncated two-byte sequence
        ([0xC3, 0x28], "\\xC3("),                               // lead byte then ASCII
        ([0xC3, 0xA9], "é"),                                    // valid
        ([0xC0, 0x80], "\\xC0\\x80"),                           // overlong NUL
        ([0xE0, 0x80, 0x80], "\\xE0\\x80\\x80"),                // overlong three-byte
        ([0xED, 0xA0, 0x80], "\\xED\\xA0\\x80"),                // encoded surrogate
        ([0xF4, 0x90, 0x80, 0x80], "\\xF4\\x90\\x80\\x80"),     // beyond U+10FFFF
        ([0xF0, 0x9F, 0x98, 0x80], "😀"),
        ([0xF0, 0x9F, 0x98], "\\xF0\\x9F\\x98"),                // truncated four-byte
        ([0x80, 0x41, 0xBF], "\\x80A\\xBF"),                    // stray continuation bytes
        ([0xFF, 0xFE], "\\xFF\\xFE"),
        ([0x1B, 0x5B, 0x32, 0x4A], "^[[2J"),
        ([0xC2, 0x9B], "<U+009B>"),                             // C1 CSI, validly encoded
        ([0xE2, 0x80, 0xAE], "<U+202E>"),
        ([0xF3, 0xA0, 0x81, 0x81], "<U+E0041>"),
        ([0x0A, 0x09], "^J^I"),
        ([], ""),
    ]

    @Test("invalid UTF-8 shows as \\xNN", arguments: byteCases)
    func bytes(_ input: [UInt8], _ expected: String) {
        #expect(Sanitiser.clean(bytes: input) == expected)
    }

    @Test func bytesInMultiLineMode() {
        #expect(Sanitiser.clean(bytes: [0x61, 0x0A, 0x09, 0xFF], mode: .multiLine) == "a\n    \\xFF")
        #expect(Sanitiser.clean(bytes: Array("x\u{1B}]52;c;Zm9v\u{07}".utf8).dropFirst(), mode: .multiLine)
            == "^[]52;c;Zm9v^G")
    }

    @Test func escapesAreDefusedNotDeleted() {
        // The reviewer must see that the row carried an escape sequence.
        let cleaned = Sanitiser.clean("before\u{1B}[8mhidden\u{1B}[0mafter")
        #expect(cleaned == "before^[[8mhidden^[[0mafter")
        #expect(!cleaned.unicodeScalars.contains("\u{1B}"))
    }
}
