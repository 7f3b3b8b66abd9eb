import Gates
import PropertyBased
import Testing
import WinnowCore

/// Whatever a row holds, every finding that points at text points at exactly its `matched`
/// text: the review screen highlights by byte range, so a range that is off by one byte, or
/// splits a scalar, would highlight the wrong thing or crash the renderer.
struct GateSettingsPropertyTests {
    typealias Segments = [RowText.Segment]

    static let evalText = "Janet’s ducks lay 16 eggs per day. She eats three for breakfast every morning and bakes muffins."

    /// Pieces that trigger gates, mixed with text that makes byte offsets and case folding hard:
    /// scalars that change length when folded, combining marks, emoji, CJK, right-to-left text.
    static let fragments = [
        "as an AI language model", "STRASSE", "straße", "GROẞE STRAẞE", "İstanbul", "ISTANBUL", "ticket #4242", "ﬁle", "東京",
        "ana@example.co.uk", "+44 20 7946 0958", "(555) 014-2387", "4111 1111 1111 1111", "4111111111111111", "123-45-6789",
        "AB 12 34 56 C", "passport 123456789", "{{customer_name}}", "<YOUR_NAME>", "[Insert date]", evalText,
        "refund", "dosage", "e\u{301}cole", "👋🏽", "שלום", "ὀδυσσεύς", "ΟΔΥΣΣΕΎΣ", "Ⅻ", "ǅ", "ﬀ", "x", "12", ".", ",", "—",
        "2024-05-17 10:30", "v10.0.19041.1234", "$1,234,567.89", "\u{00A0}", "\u{200B}", "\t",
    ]
    static let separators = [" ", "", "\n", "  ", "«", "»", "’", "\u{3000}"]

    static func randomCase(_ text: String, _ rng: inout any SeededRandomNumberGenerator) -> String {
        var out = ""
        for character in text {
            switch rng.next() % 3 {
            case 0: out += character.uppercased()
            case 1: out += character.lowercased()
            default: out.append(character)
            }
        }
        return out
    }

    static let rows = Generator<Segments, Shrink.None<Segments>> { rng in
        let labels = ["system", "user", "assistant", "user", "assistant"]
        var segments: Segments = []
        for label in labels.prefix(1 + Int(rng.next() % 5)) {
            var text = ""
            for _ in 0..<Int(rng.next() % 12) {
                text += separators[Int(rng.next() % UInt64(separators.count))]
                text += randomCase(fragments[Int(rng.next() % UInt64(fragments.count))], &rng)
            }
            segments.append(RowText.Segment(label: label, text: text))
        }
        return segments
    }

    static let gates: GateSettings.Compiled = {
        var settings = GateSettings.standard
        settings.blocklist = ["as an ai language model", "straße", "İstanbul", "ﬁle", "东京", "e\u{301}cole"]
        settings.blocklistRegex = [#"ticket #\d+"#, "ﬀ|東京", #"\p{Greek}+"#]
        settings.slices[2].blocklist = ["dosage"]
        settings.slices[3].blocklistRegex = ["refunds?"]
        settings.maxTurnChars = 120
        let index = ContaminationIndex(items: [.init(id: "e1", file: "eval.jsonl", text: evalText)])
        return try! settings.compile(contamination: index)
    }()

    @Test func everyFindingsSpanSlicesItsSegmentToExactlyTheMatchedText() async {
        await propertyCheck(count: 600, input: Self.rows, Gen.int(in: 0...3)) { segments, sliceChoice in
            var provenance = Provenance()
            provenance.slices = [[], ["medical"], ["billing", "general"], ["legal"]][sliceChoice]
            let row = GateRow(id: "p", shape: .chat, provenance: provenance, text: RowText(segments: segments))
            for finding in Self.gates.run(row).findings {
                guard let range = finding.range else {
                    #expect(finding.matched == nil || finding.gate == "classifier")
                    continue
                }
                let segment = try #require(finding.segment)
                #expect(segments.indices.contains(segment))
                let bytes = Array(segments[segment].text.utf8)
                #expect(range.lowerBound >= 0 && range.upperBound <= bytes.count && !range.isEmpty)
                guard range.upperBound <= bytes.count, let matched = finding.matched else {
                    Issue.record("\(finding.gate) finding without matched text")
                    continue
                }
                #expect(Array(bytes[range]) == Array(matched.utf8), "\(finding.gate): \(matched)")
            }
        }
    }

    @Test func theCompiledGatesFindThePlantedFragments() {
        let row = TestRows.row(.chat, slices: ["billing"], [
            ("user", "As an AI language model — GROẞE STRAẞE, refund ana@example.co.uk " + Self.evalText),
            ("assistant", "Ticket #12 for ὀδυσσεύς, {{customer_name}}"),
        ])
        let gates = Set(Self.gates.run(row).findings.map { "\($0.gate):\($0.matched ?? "")" })
        #expect(gates.isSuperset(of: [
            "blocklist:As an AI language model", "blocklist:STRAẞE", "blocklist:refund", "pii:ana@example.co.uk",
            "blocklist:Ticket #12", "blocklist:ὀδυσσεύς", "schema:{{customer_name}}", "length:",
        ]))
        #expect(gates.contains { $0.hasPrefix("contamination:Janet’s ducks") })
    }
}
