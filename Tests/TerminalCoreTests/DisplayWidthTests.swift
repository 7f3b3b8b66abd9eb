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

    /// The texts of issue 12, item 5, as one cluster each and with the widths terminals give.
    @Test func theIssuesTextsAreWholeClustersOfTheirWidth() {
        let cases: [(String, clusters: Int, columns: Int)] = [
            ("🇬🇧", 1, 2), ("1️⃣", 1, 2), ("❤️", 1, 2), ("👍🏽", 1, 2), ("👨‍👩‍👧", 1, 2), ("👨‍👩‍👧‍👦", 1, 2),
            ("🏴󠁧󠁢󠁥󠁮󠁧󠁿", 1, 2), ("#️⃣", 1, 2), ("🏳️‍🌈", 1, 2), ("☝🏻", 1, 2),
            // Devanagari: न म स्ते / हि न्दी; a conjunct takes the columns of its consonants.
            ("नमस्ते", 3, 4), ("हिन्दी", 2, 5), ("नमस्ते हिन्दी", 6, 10), ("क्ष", 1, 2), ("स्ते", 1, 2),
            // Hangul from jamo is one syllable block of two columns, like the precomposed one.
            ("\u{1112}\u{1161}\u{11AB}", 1, 2), ("한", 1, 2),
        ]
        for (text, clusters, columns) in cases {
            #expect(text.count == clusters, "\(text)")
            #expect(DisplayWidth.of(text) == columns, "\(text)")
        }
    }

    @Test func presentationSelectorsDecideAnEmojisWidth() {
        #expect(DisplayWidth.of("\u{2764}") == 1)               // ❤ text by default
        #expect(DisplayWidth.of("\u{2764}\u{FE0F}") == 2)       // ❤️ emoji presentation
        #expect(DisplayWidth.of("\u{231A}") == 2)               // ⌚ emoji by default
        #expect(DisplayWidth.of("\u{231A}\u{FE0E}") == 1)       // ⌚︎ text presentation
        #expect(DisplayWidth.of("1\u{20E3}") == 2)              // keycap without VS16
        #expect(DisplayWidth.of("\u{1F1EC}") == 1)              // a lone regional indicator is a letter
        #expect(DisplayWidth.of("a\u{1F3FD}") == 3)             // a skin tone after a letter is its own picture
    }

    @Test func truncateKeepsWholeWideCharactersAndMarksTheCut() {
        #expect(DisplayWidth.truncate("中文字", to: 5) == "中文…")
        #expect(DisplayWidth.truncate("中文字", to: 4, ellipsis: false) == "中文")
        #expect(DisplayWidth.truncate("abc", to: 3) == "abc")
        #expect(DisplayWidth.pad("ab", to: 4) == "ab  ")
        #expect(DisplayWidth.truncate("abcdef", to: 5, mark: "...") == "ab...")
        #expect(DisplayWidth.pad("🇬🇧🇫🇷🇩🇪", to: 4, mark: "...") == "... ")
        #expect(DisplayWidth.truncate("नमस्ते हिन्दी", to: 4, ellipsis: false) == "नमस्ते")
        #expect(DisplayWidth.truncate("नमस्ते हिन्दी", to: 3, ellipsis: false) == "नम")
    }

    /// The zero-width table against the standard library's own Unicode data (the version
    /// `Character` follows): if a toolchain moves to a newer Unicode, this names the scalars
    /// whose width changed, and the tables are regenerated (Tools/generate-width-tables.py).
    @Test func tablesAgreeWithTheStandardLibrarysUnicodeData() {
        var wrong: [String] = []
        for value in Array(0x300...0x3FFFF) + Array(0xE0000...0xE01EF) {
            guard let scalar = Unicode.Scalar(UInt32(value)) else { continue }
            let category = scalar.properties.generalCategory
            let jamo = (0x1160...0x11FF).contains(value) || (0xD7B0...0xD7FF).contains(value)
            let zero = [.nonspacingMark, .enclosingMark, .format].contains(category) || jamo
            let width = DisplayWidth.of(scalar)
            if zero != (width == 0) { wrong.append("U+\(String(value, radix: 16, uppercase: true)) \(category) is \(width)") }
            if scalar.properties.isEmojiPresentation && !(0x1F1E6...0x1F1FF).contains(value) && width != 2 {
                wrong.append("U+\(String(value, radix: 16, uppercase: true)) has emoji presentation but is \(width)")
            }
        }
        #expect(wrong.isEmpty, "\(wrong.count) scalars disagree:\n\(wrong.prefix(20).joined(separator: "\n"))")
    }
}
