import Gates
import TestSupport
import Testing
import WinnowCore

struct LengthGateTests {
    static func settings(turn: Int = 100, row: Int = 150) -> GateSettings {
        var settings = GateSettings()
        settings.maxTurnChars = turn
        settings.maxRowChars = row
        settings.slices = [
            SliceGateSettings(name: "medical", priority: 3, maxTurnChars: 40),
            SliceGateSettings(name: "general", priority: 10, maxTurnChars: 500, maxRowChars: 1000),
        ]
        return settings
    }

    @Test func charactersAreUnicodeScalarsAndTokensAQuarterRoundedUp() {
        #expect(LengthGate.characters("héllo 👋") == 7)
        #expect(LengthGate.characters("e\u{301}") == 2)
        #expect(LengthGate.approximateTokens(0) == 0)
        #expect(LengthGate.approximateTokens(1) == 1)
        #expect(LengthGate.approximateTokens(8) == 2)
        #expect(LengthGate.approximateTokens(9) == 3)
    }

    /// The count eight bytes at a time is the scalar count at every length and alignment, with
    /// scalars of every UTF-8 length straddling the eight-byte boundaries.
    @Test func charactersMatchTheScalarCountOfAnyText() {
        let alphabet: [Unicode.Scalar] = ["a", "Z", " ", "\u{7F}", "é", "\u{7FF}", "\u{800}", "€", "\u{FFFD}", "👋", "\u{10FFFF}"]
        var random = SplitMix64(0x4C45_4E47)
        for length in 0..<200 {
            var text = String.UnicodeScalarView()
            for _ in 0..<length { text.append(alphabet[Int(random.next() % UInt64(alphabet.count))]) }
            let string = String(text)
            #expect(LengthGate.characters(string) == string.unicodeScalars.count, "\(string.debugDescription)")
        }
    }

    @Test func withinLimitsNothing() {
        let gate = LengthGate(settings: Self.settings())
        #expect(gate.check(TestRows.chat(String(repeating: "a", count: 100), String(repeating: "b", count: 50))).isEmpty)
    }

    @Test func aLongTurnAndALongRowAreReportedWithMeasuresAndLimits() throws {
        let gate = LengthGate(settings: Self.settings())
        let row = TestRows.chat(String(repeating: "é", count: 101), String(repeating: "b", count: 60))
        let findings = gate.check(row)
        #expect(findings.count == 2)
        let turn = try #require(findings.first)
        #expect(turn.gate == "length" && turn.reason == "low-quality" && turn.action == .flag)
        #expect(turn.segment == 0)
        #expect(turn.detailValue("scope") == .string("turn"))
        #expect(turn.detailValue("label") == .string("user"))
        #expect(turn.detailValue("chars") == .int(101))
        #expect(turn.detailValue("max_chars") == .int(100))
        #expect(turn.detailValue("approx_tokens") == .int(26))
        #expect(turn.detailValue("token_estimate") == .string("chars/4"))
        let whole = try #require(findings.last)
        #expect(whole.segment == nil)
        #expect(whole.detailValue("scope") == .string("row"))
        #expect(whole.detailValue("chars") == .int(161))
        #expect(whole.detailValue("max_chars") == .int(150))
    }

    @Test func aSliceTightensItsLimitAndSeveralSlicesTakeTheStrictest() {
        let gate = LengthGate(settings: Self.settings())
        let text = String(repeating: "x", count: 60)
        #expect(gate.check(TestRows.chat(text, "ok", slices: [])).isEmpty)
        let medical = gate.check(TestRows.chat(text, "ok", slices: ["medical"]))
        #expect(medical.map { $0.detailValue("max_chars") } == [.int(40)])
        // general raises its own limits, but a row in medical and general gets medical's.
        #expect(gate.check(TestRows.chat(String(repeating: "y", count: 120), "ok", slices: ["general"])).isEmpty)
        let both = gate.check(TestRows.chat(text, "ok", slices: ["general", "medical"]))
        #expect(both.map { $0.detailValue("max_chars") } == [.int(40)])
        // A slice the settings do not know gets the global limits.
        #expect(gate.check(TestRows.chat(text, "ok", slices: ["marketing"])).isEmpty)
    }

    @Test func tokenLimits() {
        var settings = GateSettings()
        settings.maxTurnTokens = 10
        let gate = LengthGate(settings: settings)
        let findings = gate.check(TestRows.chat(String(repeating: "w", count: 41)))
        #expect(findings.count == 1)
        #expect(findings.first?.detailValue("exceeds") == .string("tokens"))
        #expect(findings.first?.detailValue("approx_tokens") == .int(11))
        #expect(findings.first?.detailValue("max_tokens") == .int(10))
    }
}
