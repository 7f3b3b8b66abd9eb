@testable import Gates
import TestSupport
import Testing
import WinnowCore

/// The word walks read eight ASCII bytes at a time (`ASCIIWordScan`); they must find exactly
/// the words, and give exactly the hashes, of the byte-by-byte walks they replaced. The
/// near-duplicate word hashes are kept: a workspace's stored band and text keys are made of
/// them, and a later run compares new rows' keys with them.
struct WordWalkTests {
    /// The byte-by-byte scanner as it was (the definition): a word is a maximal run of letters,
    /// digits and marks, lowercased, hashed with `WordHasher`.
    static func referenceWords(_ text: String) -> [(UInt64, Range<Int>)] {
        var out: [(UInt64, Range<Int>)] = []
        var text = text
        text.withUTF8 { bytes in
            let n = bytes.count
            var i = 0, start = -1
            var word = NearDuplicateShingler.WordHasher()
            while i < n {
                let c = bytes[i]
                if c < 0x80 {
                    if NearDuplicateShingler.isASCIIWordByte(c) {
                        if start < 0 { start = i; word = .init() }
                        word.add(c | 0x20)
                    } else if start >= 0 {
                        out.append((word.finish(), start..<i))
                        start = -1
                    }
                    i += 1
                    continue
                }
                let (scalar, length) = TextNormaliser.scalar(at: i, in: bytes)
                if length > 1, NearDuplicateShingler.isWordScalar(scalar) {
                    if start < 0 { start = i; word = .init() }
                    if scalar.properties.changesWhenLowercased {
                        for byte in scalar.properties.lowercaseMapping.utf8 { word.add(byte) }
                    } else {
                        for k in i..<(i + length) { word.add(bytes[k]) }
                    }
                } else if start >= 0 {
                    out.append((word.finish(), start..<i))
                    start = -1
                }
                i += length
            }
            if start >= 0 { out.append((word.finish(), start..<n)) }
        }
        return out
    }

    /// The folded-word boundaries as the byte-by-byte walk found them (letters, digits, marks
    /// and `_`), with the endings the phrase indexes try.
    static func referenceFoldedWords(_ bytes: UnsafeBufferPointer<UInt8>) -> [(Range<Int>, (Int, Int, Int))] {
        var out: [(Range<Int>, (Int, Int, Int))] = []
        var i = 0
        while i < bytes.count {
            guard TextNormaliser.isWord(at: i, in: bytes) else {
                i += TextNormaliser.sequenceLength(bytes[i])
                continue
            }
            var j = i
            while j < bytes.count && TextNormaliser.isWord(at: j, in: bytes) { j += TextNormaliser.sequenceLength(bytes[j]) }
            out.append((i..<j, TextNormaliser.PhraseIndex.endings(bytes, i, j)))
            i = j
        }
        return out
    }

    static func expectSame(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        var fast: [(UInt64, Range<Int>)] = []
        NearDuplicateShingler.forEachWord(in: text) { fast.append(($0, $1)) }
        let slow = referenceWords(text)
        #expect(fast.map(\.0) == slow.map(\.0) && fast.map(\.1) == slow.map(\.1), "\(text.debugDescription)", sourceLocation: sourceLocation)

        let folded = TextNormaliser.Folded(text)
        #expect(folded.bytes == Array(TextNormaliser.fold(text).utf8), "fold: \(text.debugDescription)", sourceLocation: sourceLocation)
        folded.bytes.withUnsafeBufferPointer { bytes in
            let want = referenceFoldedWords(bytes)
            let got = folded.words
            #expect(got.map { Int($0.start)..<Int($0.end) } == want.map(\.0), "folded: \(text.debugDescription)", sourceLocation: sourceLocation)
            for (word, (range, endings)) in zip(got, want) {
                #expect(word.endings == (UInt8(endings.0), UInt8(endings.1), UInt8(endings.2)), sourceLocation: sourceLocation)
                #expect(word.hash == TextNormaliser.phraseWordHash(folded.bytes[range]), sourceLocation: sourceLocation)
                for (length, stem) in [(endings.0, word.stems.0), (endings.1, word.stems.1), (endings.2, word.stems.2)] where length > 0 {
                    #expect(stem == TextNormaliser.phraseWordHash(folded.bytes[range.lowerBound..<(range.upperBound - length)]),
                            sourceLocation: sourceLocation)
                }
            }
        }
    }

    @Test func handPickedTextsWalkAlike() {
        for text in [
            "", " ", "a", "A", "_", "ab_cd", "snake_case_name and CamelCase", "exactly8", "exactly8 ", "sixteen_letters!",
            "Your order 4411 ships today, thank you for waiting.", "I'd e-mail: FOO@EXAMPLE.COM",
            "naïve café", "CAFÉ", "Straße STRASSE ẞ", "ΣΊΣΥΦΟΣ σίσυφος", "İstanbul", "e\u{301}t\u{301}e\u{301}",
            "日本語のテキスト", "emoji 👍🏽 between", "word—dash", "word’s", "tab\tand\nnewline\r\n",
            String(repeating: "x", count: 63), String(repeating: "Refunded ", count: 9), "refunds charged cancelling kills",
            "1234567890123456789", "a\u{0}b", "\u{7F}\u{80}\u{FF}",
        ] {
            Self.expectSame(text)
        }
    }

    /// Random texts of ASCII words, punctuation and scalars of every UTF-8 length, in every
    /// alignment (the fast walks load eight bytes at a time, and a word may end anywhere).
    @Test func randomTextsWalkAlike() {
        // Every ASCII byte next to a class edge ('/' and ':' around the digits, '@' '[' '`' '{'
        // around the letters, '^' beside '_'), so a wrong bound in the eight-byte masks shows.
        let pieces = ["a", "z", "A", "Z", "q", "0", "9", "7", "_", "/", ":", "@", "[", "`", "{", "^", "\u{7F}", "\u{0}",
                      " ", "  ", ",", ".", "-", "'", "\n", "\t", "é", "É", "ß", "ẞ", "Σ", "ς",
                      "\u{301}", "語", "😀", "👍🏽", "—", "’", "\u{A0}", "ﬁ", "Ǆ", "İ", "٣", "Ⅻ"]
        var random = SplitMix64(0x5EED_0010)
        for _ in 0..<4000 {
            let count = Int(random.next() % 40)
            let text = (0..<count).map { _ in
                let piece = pieces[Int(random.next() % UInt64(pieces.count))]
                return random.next() % 3 == 0 ? piece : String(repeating: piece, count: 1 + Int(random.next() % 9))
            }.joined()
            Self.expectSame(text)
        }
    }

    @Test(.enabled(if: TestRows.realDataPresent, "../shared/realdata is absent"))
    func realTextsWalkAlike() throws {
        let texts = try TestRows.realTexts()
        #expect(texts.count > 5000)
        for text in texts { Self.expectSame(text) }
    }

    /// A folded text that keeps only the words the compiled gates' phrase indexes may start a
    /// phrase with finds, in every index, exactly what keeping every word finds.
    static func expectSamePhrases(_ texts: [String], sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        var settings = GateSettings.standard
        settings.blocklist += ["refund policy", "as an ai", "kill", "e-mail", "_private_", "<|endoftext|>"]
        // Keywords of two letters: their inflections ("oxes", "ids") open unlike them.
        settings.slices[0].keywords += ["ox", "id"]
        let gates = try settings.compile()
        let indexes = [gates.classifier.keywords, gates.blocklist.global.phrases] + gates.blocklist.bySlice.values.map(\.phrases)
        var found = 0
        for text in texts {
            let all = TextNormaliser.Folded(text), kept = TextNormaliser.Folded(text, keeping: gates.phraseWords)
            #expect(kept.words.count <= all.words.count)
            for index in indexes {
                var a: [String] = [], b: [String] = []
                index.forEachMatch(in: all) { id, range in a.append("\(id) \(range)") }
                index.forEachMatch(in: kept) { id, range in b.append("\(id) \(range)") }
                #expect(a == b, "\(text.debugDescription)", sourceLocation: sourceLocation)
                found += a.count
            }
        }
        #expect(found > 0, "no phrase found at all: the check would prove nothing", sourceLocation: sourceLocation)
    }

    @Test func keptWordsFindThePhrasesEveryWordFinds() throws {
        try Self.expectSamePhrases([
            "Please REFUND my order: the refund policy says 30 days.", "He was refunded; refunding takes a week.",
            "As an AI, I cannot kill the process, but skill helps.", "Send an e-mail to the billing team about the invoice charges.",
            "The patient's dosage of ibuprofen", "<|endoftext|> trailing", "Straße naïve café", "",
            "Two oxes and their ids", "ox id OXES IDS",
        ])
    }

    @Test(.enabled(if: TestRows.realDataPresent, "../shared/realdata is absent"))
    func keptWordsFindThePhrasesEveryWordFindsInRealTexts() throws {
        try Self.expectSamePhrases(try TestRows.realTexts())
    }

    /// A row's segments read one by one give the words of its joined text.
    @Test func segmentsGiveTheJoinedTextsWords() {
        let text = RowText(segments: [
            .init(label: "user", text: "Refund my ORDER"), .init(label: "assistant", text: "Your refund—of 12.50—is on its way."),
            .init(label: "user", text: "naïve"), .init(label: "assistant", text: "CAFÉ ok"),
        ])
        let options = NearDuplicateOptions()
        for part in NearDuplicateOptions.TextPart.allCases {
            var bySegment = NearDuplicateSigner(options: options), joined = NearDuplicateSigner(options: options)
            bySegment.tokenize(text, part)
            joined.tokenize(NearDuplicateDetector.comparedText(of: text, part))
            #expect(bySegment.signature() == joined.signature(), "\(part)")
            #expect(bySegment.exactKeys(contentHash: "h") == joined.exactKeys(contentHash: "h"), "\(part)")
        }
    }
}
