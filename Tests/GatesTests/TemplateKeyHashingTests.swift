import Foundation
@testable import Gates
import TestSupport
import Testing
import WinnowCore

/// The byte-level opening and skeleton hashes must equal the hashes of the string forms the
/// report shows: existing workspaces keep those keys in `gate_keys`, and a later run compares
/// new rows' keys with them.
struct TemplateKeyHashingTests {
    static let options = TemplateLockInOptions()

    /// The keys as the string forms give them (the definition the fast path must meet).
    static func stringKeys(_ text: String, _ options: TemplateLockInOptions = options) -> TemplateLockInDetector.BatchKeys? {
        let opening = NearDuplicateShingler.words(of: text, limit: options.openingWords)
        guard !opening.isEmpty else { return nil }
        return .init(
            opening: TemplateLockInDetector.stableHash(opening.joined(separator: " ")),
            skeleton: TemplateLockInDetector.stableHash(
                TemplateLockInDetector.skeleton(of: text, limit: options.skeletonTokens).joined(separator: " ")))
    }

    static func expectSame(_ text: String, _ options: TemplateLockInOptions = options, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let fast = TemplateLockInDetector.hashedKeys(of: text, options: options)
        let slow = stringKeys(text, options)
        #expect(fast == slow, "\(text.debugDescription)", sourceLocation: sourceLocation)
    }

    @Test func handPickedTextsHashAlike() {
        for text in [
            "", " ", "!!", "Hello", "Your order 4411 ships today.", "Order #12, 13 and 4a5b6 and x9",
            "He said \"the usual thing\" and left", "“Quoted” and „other“ and «this» and `code`",
            "\"\" empty quotes then words", "\"unclosed quote and many words after it go on",
            "a \"quote\nacross one line\" b", "a \"quote\n\nacross a paragraph\" b",
            "ÉCOLE Straße İstanbul ΣΊΣΥΦΟΣ naïve café", "e\u{301}te\u{301} deux", "٣٤٥ arabic digits ١٢",
            "日本語のテキスト 123 中文", "👍🏽 emoji 🇬🇧 words 1️⃣", "one two three four five six seven eight",
            String(repeating: "word ", count: 500), String(repeating: "x", count: 1000) + " tail",
            "tab\tseparated\nlines\r\nand\u{00A0}nbsp", String(repeating: "ÄÖÜ ", count: 200),
        ] {
            Self.expectSame(text)
        }
    }

    /// Random texts from an alphabet that mixes every branch: ASCII letters and digits, quotes
    /// of each kind, newlines, upper-case and decimal non-ASCII scalars, marks and emoji.
    @Test func randomTextsHashAlike() {
        let alphabet: [String] = [
            "a", "B", "z", "Q", "0", "7", " ", " ", " ", "\n", "\"", "`", "“", "”", "„", "«", "»", ",", ".", "-",
            "É", "ß", "İ", "Σ", "ς", "\u{301}", "٣", "५", "日", "👍", "\u{200D}", "'", "#",
        ]
        var generator = SplitMix64(0x7E3A_11E5)  // seeded: a failing text repeats
        for round in 0..<3000 {
            let length = Int.random(in: 0...(round % 10 == 0 ? 900 : 80), using: &generator)
            let text = (0..<length).map { _ in alphabet.randomElement(using: &generator)! }.joined()
            let options = TemplateLockInOptions(openingWords: 1 + round % 7, skeletonTokens: 1 + round % 13)
            Self.expectSame(text, options)
        }
    }

    /// Answers and prompts of real sets (English prose, GSM8K's arithmetic, OpenAssistant's
    /// markdown and code), through the default settings.
    @Test(.enabled(if: TestRows.realDataPresent, "../shared/realdata is absent"))
    func realTextsHashAlike() throws {
        let texts = try TestRows.realTexts()
        #expect(texts.count > 5000)
        for text in texts { Self.expectSame(text) }
    }
}
