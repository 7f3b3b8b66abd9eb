@testable import Gates
import Testing

struct TextNormaliserTests {
    @Test func wordsAreLowercasedWithPunctuationRemovedAndWhitespaceCollapsed() {
        #expect(TextNormaliser.words("Janet’s ducks lay 16 eggs—per day!") == ["janets", "ducks", "lay", "16", "eggsper", "day"])
        #expect(TextNormaliser.normalise("  Hello,\n\n  WORLD ...  \t(again)  ") == "hello world again")
        #expect(TextNormaliser.words("$2 per egg: 9 * 2 = $18.") == ["2", "per", "egg", "9", "2", "18"])
        #expect(TextNormaliser.words("— … !!") == [])
    }

    @Test func wordsFoldUnicodeCase() {
        #expect(TextNormaliser.words("ÉCOLE Straße ΟΔΟΣ") == ["école", "strasse", "οδοσ"])
        #expect(TextNormaliser.words("école STRASSE οδος") == ["école", "strasse", "οδοσ"])
    }

    @Test func foldMakesCaseVariantsMeet() {
        #expect(TextNormaliser.fold("Straße") == TextNormaliser.fold("STRASSE"))
        #expect(TextNormaliser.fold("ὈΔΥΣΣΕΎΣ") == TextNormaliser.fold("ὀδυσσεύς"))
        #expect(TextNormaliser.fold("ASCII Only") == "ascii only")
    }

    @Test func wordHashesAndRangesFollowTheTokens() {
        let text = "  «Hello»,  wörld!  "
        var ranges: [Range<Int>] = []
        var hashes: [UInt64] = []
        TextNormaliser.forEachWordHash(in: text) { hash, range in
            hashes.append(hash)
            ranges.append(range)
        }
        let bytes = Array(text.utf8)
        #expect(ranges.map { String(decoding: bytes[$0], as: UTF8.self) } == ["«Hello»,", "wörld!"])
        var again: [UInt64] = []
        TextNormaliser.forEachWordHash(in: "HELLO WÖRLD") { hash, _ in again.append(hash) }
        #expect(hashes == again)
    }

    @Test func foldedTextMapsBackToOriginalBytes() {
        let folded = TextNormaliser.Folded("Ⅻ STRAẞE ok")
        // "ẞ" (3 bytes) folds to "ss" (2 bytes); the map sends both back to the one scalar.
        let text = Array("Ⅻ STRAẞE ok".utf8)
        let s = Array(folded.bytes)
        let start = s.firstIndex(of: UInt8(ascii: "s"))!
        let original = folded.originalRange(start..<start + 8)   // "strasse "
        #expect(String(decoding: text[original], as: UTF8.self) == "STRAẞE ")
        #expect(TextNormaliser.Folded("plain ascii").originStart.isEmpty)
        #expect(TextNormaliser.Folded("déjà vu").originStart.isEmpty)   // nothing to fold
    }

    @Test func phraseIndexMatchesWholeWordsCaseInsensitively() {
        let index = TextNormaliser.PhraseIndex([("kill", 0), ("terms of service", 1), ("self-harm", 2), ("<|END|>", 3)])
        func ids(_ text: String) -> [Int] {
            var found: [Int] = []
            index.forEachMatch(in: TextNormaliser.Folded(text)) { id, _ in found.append(id) }
            return found.sorted()
        }
        #expect(ids("Don't KILL the process") == [0])
        #expect(ids("a useful skill, killer app") == [])
        #expect(ids("read the Terms of\n  Service first") == [1])
        #expect(ids("Self-Harm resources") == [2])
        #expect(ids("self harm") == [])
        #expect(ids("text<|end|>more") == [3])
        #expect(ids("") == [])
    }
}
