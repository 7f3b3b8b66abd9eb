import Gates
import Testing
import WinnowCore

struct SchemaGateTests {
    let gate = SchemaGate()

    func problems(_ row: GateRow) -> [String] {
        gate.check(row).compactMap { $0.detailValue("problem")?.stringValue }
    }

    @Test func aCompleteChatPasses() {
        #expect(gate.check(TestRows.chat("How do I reset my password?", "Open Settings, then Security.")).isEmpty)
    }

    @Test func chatNeedsAUserAndAnAssistantTurn() {
        let noUser = TestRows.row(.chat, [("system", "You are helpful."), ("assistant", "Hello!")])
        #expect(problems(noUser) == ["no-user-turn"])
        let noAssistant = TestRows.row(.chat, [("system", "You are helpful."), ("user", "Hi")])
        #expect(problems(noAssistant) == ["no-assistant-turn"])
        let findings = gate.check(noAssistant)
        #expect(findings.allSatisfy { $0.gate == "schema" && $0.reason == "low-quality" && $0.action == .reject })
    }

    @Test func aBlankTurnIsReportedWithItsSegment() {
        let row = TestRows.row(.chat, [("user", "Hi"), ("assistant", " \n\t "), ("assistant", "Hello")])
        let findings = gate.check(row)
        #expect(findings.count == 1)
        #expect(findings.first?.segment == 1)
        #expect(findings.first?.detailValue("problem") == .string("empty-turn"))
        // The only assistant turn blank: also no assistant turn.
        #expect(problems(TestRows.row(.chat, [("user", "Hi"), ("assistant", "\u{00A0}")])) == ["empty-turn", "no-assistant-turn"])
    }

    @Test func aRowWithNoTextAtAll() {
        #expect(problems(TestRows.row(.alpaca, [])) == ["no-text"])
    }

    @Test func preferencePairsNeedTwoDifferentSides() {
        let good = TestRows.row(.preference, [("prompt", "Q"), ("chosen", "A"), ("rejected", "B")], side: [nil, "chosen", "rejected"])
        #expect(gate.check(good).isEmpty)
        let same = TestRows.row(.preference, [("prompt", "Q"), ("chosen", "Same answer."), ("rejected", " Same answer.\n")],
                                side: [nil, "chosen", "rejected"])
        #expect(problems(same) == ["identical-sides"])
        let oneSide = TestRows.row(.preference, [("prompt", "Q"), ("chosen", "A")], side: [nil, "chosen"])
        #expect(problems(oneSide) == ["no-rejected"])
        // HH transcripts: sides made of several turns, compared turn by turn.
        let hh = TestRows.row(.hh, [("user", "Hi"), ("assistant", "Yo"), ("user", "Hi"), ("assistant", "Yo")],
                              side: ["chosen", "chosen", "rejected", "rejected"])
        #expect(problems(hh) == ["identical-sides"])
    }

    @Test func shapeMinimumsForFieldShapes() {
        #expect(problems(TestRows.row(.alpaca, [("instruction", "Do it"), ("output", "Done")])) == [])
        #expect(problems(TestRows.row(.alpaca, [("instruction", "Do it"), ("input", "x")])) == ["no-answer"])
        #expect(problems(TestRows.row(.dolly, [("context", "c"), ("response", "r")])) == ["no-prompt"])
        #expect(problems(TestRows.row(.promptResponse, [("question", "q"), ("answer", "a")])) == [])
        #expect(problems(TestRows.row(.promptResponse, [("prompt", "q")])) == ["no-answer"])
    }

    @Test func templatePlaceholdersAreFlaggedWithTheirSpan() throws {
        let text = "Dear {{customer_name}}, your order <ORDER_ID> ships on [Insert date]. Regards, [AGENT NAME]"
        let row = TestRows.chat("Write the email", text)
        let findings = gate.check(row).filter { $0.detailValue("problem") == .string("placeholder") }
        #expect(findings.map(\.matched) == ["{{customer_name}}", "<ORDER_ID>", "[Insert date]", "[AGENT NAME]"])
        #expect(findings.map { $0.detailValue("placeholder")?.stringValue } == ["braces", "angle", "brackets", "brackets"])
        for finding in findings {
            #expect(finding.segment == 1)
            #expect(finding.action == .flag)
            #expect(TestRows.spanText(finding, in: row) == finding.matched)
        }
        #expect(problems(TestRows.chat("Fill in <PLACEHOLDER> and [NAME] please")) == ["placeholder", "placeholder"])
    }

    @Test func ordinaryBracketsAndCodeAreNotPlaceholders() {
        let texts = [
            "Use Vec<T> or HashMap<K, V>; see [the docs](https://example.com) and [1]: https://x.example",
            "Tags like <EOS>, <HTML> and <br> are fine; items[INDEX] too; so is [x] and [ ].",
            "In Jinja write `{{ user.name }}` inline, or:\n```\nHello {{ name }}, <YOUR_NAME>\n```\n",
            "A set {{1, 2}, {3}} and a dict {'a': 1}.",
            "Press [Enter] to continue, see [Figure 2].",
            // A letter template the user asked for: the blanks are the answer, not a leftover.
            "Dear [Company name],\n\nI am the owner of the image at [URL].\n\nYours sincerely,\n[Your name]\n[Name]",
        ]
        for text in texts {
            #expect(problems(TestRows.chat("Explain", text)) == [], "\(text)")
        }
    }

    @Test func actionsFollowTheSettings() {
        var settings = GateSettings()
        settings.schemaAction = .flag
        settings.placeholderAction = .reject
        let gate = SchemaGate(settings: settings)
        let findings = gate.check(TestRows.row(.chat, [("user", "Hi {{name}}")]))
        #expect(findings.map(\.action) == [.flag, .reject])
    }
}
