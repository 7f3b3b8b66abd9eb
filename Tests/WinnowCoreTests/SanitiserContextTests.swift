import Testing
@testable import WinnowCore

/// Joiners and tags that are part of text as written stay; the same characters anywhere else
/// still show, and nothing dangerous gets through beside them (issue 12, item 5).
@Suite struct SanitiserContextTests {
    /// Text shown exactly as written.
    static let kept = [
        "👨‍👩‍👧", "👨‍👩‍👧‍👦", "🧑🏽‍💻", "👁️‍🗨️", "🏳️‍🌈", "❤️‍🔥", "🙂‍↔️", "🏃🏽‍♀️",  // emoji ZWJ sequences
        "🏴\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}",                            // England
        "🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}",                            // Scotland
        "🇬🇧 1️⃣ ❤️ 👍🏽",
        "नमस्ते हिन्दी", "क्\u{200D}ष", "क्\u{200C}ष", "र्\u{200D}",               // Devanagari half forms, explicit virama
        "می\u{200C}خواهم", "ন্\u{200D}ত",                                           // Persian ZWNJ, Bengali ZWJ
        "ക്\u{200D}", "ශ්\u{200D}රී",                                            // Malayalam chillu, Sinhala
    ]

    @Test func textAsWrittenIsKept() {
        for text in Self.kept {
            for mode in [Sanitiser.Mode.singleLine, .multiLine] {
                #expect(Sanitiser.clean(text, mode: mode).unicodeScalars.elementsEqual(text.unicodeScalars), "\(text)")
                #expect(Sanitiser.isClean(text, mode: mode), "\(text)")
                #expect(Sanitiser.clean(bytes: Array(text.utf8), mode: mode).unicodeScalars.elementsEqual(text.unicodeScalars))
            }
        }
    }

    static let shown: [(String, String)] = [
        ("a\u{200D}b", "a<U+200D>b"),                           // between Latin letters: a watermark, not a join
        ("a\u{200C}b", "a<U+200C>b"),
        ("\u{200D}👩", "<U+200D>👩"),                            // nothing before it
        ("👨\u{200D}", "👨<U+200D>"),                            // a lone ZWJ after an emoji, nothing to join
        ("👨\u{200D} 👩", "👨<U+200D> 👩"),                       // a space is not an emoji
        ("👨\u{200D}\u{200D}👩", "👨<U+200D><U+200D>👩"),           // doubled
        ("1\u{200D}2", "1<U+200D>2"),                           // digits are Emoji=Yes for keycaps, not pictures
        ("a\u{FE0F}\u{200D}👩", "a\u{FE0F}<U+200D>👩"),           // VS16 after a letter does not make an emoji
        ("क\u{200D}", "क<U+200D>"), ("\u{200C}क", "<U+200C>क"),    // at a word edge, no virama before it
        ("क्\u{200D}\u{200D}", "क्\u{200D}<U+200D>"),                  // the second of two
        ("中\u{200D}文", "中<U+200D>文"),                          // CJK does not join
        ("क\u{200D}\u{202E}", "क<U+200D><U+202E>"),              // next to a bidi override, which shows
        ("🏴\u{E0065}\u{E0076}\u{E0069}\u{E006C}\u{E007F}",       // not an RGI flag: the tags spell "evil"
         "🏴<U+E0065><U+E0076><U+E0069><U+E006C><U+E007F>"),
        ("\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}", // England's tags without the flag
         "<U+E0067><U+E0062><U+E0065><U+E006E><U+E0067><U+E007F>"),
        ("🏴\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}",        // no cancel tag
         "🏴<U+E0067><U+E0062><U+E0065><U+E006E><U+E0067>"),
        ("🏴\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E0067}\u{E007F}",
         "🏴<U+E0067><U+E0062><U+E0065><U+E006E><U+E0067><U+E0067><U+E007F>"),
    ]

    @Test("joiners and tags out of context still show", arguments: shown)
    func outOfContextShows(_ input: String, _ expected: String) {
        #expect(Sanitiser.clean(input).unicodeScalars.elementsEqual(expected.unicodeScalars), "\(Sanitiser.clean(input))")
        #expect(!Sanitiser.isClean(input))
        #expect(Sanitiser.isClean(Sanitiser.clean(input)))
    }

    /// Escapes, C1 controls and bidi overrides are neutralised inside emoji and Indic text too.
    @Test func dangerousCharactersInsideKeptTextAreStillNeutralised() {
        #expect(Sanitiser.clean("👨‍👩\u{1B}[2J‍👧") == "👨‍👩^[[2J<U+200D>👧")
        #expect(Sanitiser.clean("नम\u{9B}31mस्ते") == "नम<U+009B>31mस्ते")
        #expect(Sanitiser.clean("🇬🇧\u{202E}1️⃣") == "🇬🇧<U+202E>1️⃣")
        #expect(Sanitiser.clean("क्\u{202E}\u{200D}ष") == "क्<U+202E><U+200D>ष")
        #expect(Sanitiser.clean("\u{1B}]52;c;aGk=\u{07}👍🏽") == "^[]52;c;aGk=^G👍🏽")
    }

    /// A long run of tag characters (ASCII smuggling) costs what any other invisible run of
    /// that length costs: the look for an RGI flag around each tag is a few scalars, not the run.
    @Test func aLongTagRunIsShownAsFastAsAnyInvisibleRun() {
        let count = 30_000
        let tags = "🏴" + String(String.UnicodeScalarView(Array(repeating: Unicode.Scalar(0xE0041)!, count: count))) + "\u{E007F}"
        let spaces = "🏴" + String(String.UnicodeScalarView(Array(repeating: Unicode.Scalar(0x200B)!, count: count))) + "\u{200B}"
        let clock = ContinuousClock()
        var start = clock.now
        let cleaned = Sanitiser.clean(tags)
        let tagTime = start.duration(to: clock.now)
        start = clock.now
        _ = Sanitiser.clean(spaces)
        let spaceTime = start.duration(to: clock.now)
        #expect(cleaned.hasPrefix("🏴<U+E0041><U+E0041>") && cleaned.hasSuffix("<U+E0041><U+E007F>"))
        #expect(tagTime < spaceTime * 3 + .milliseconds(500), "tags \(tagTime), zero-width spaces \(spaceTime)")
    }
}
