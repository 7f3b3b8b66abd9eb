import Gates
import Testing
import WinnowCore

struct BlocklistGateTests {
    static func gate(phrases: [String] = ["as an ai language model"], regexes: [String] = [],
                     slices: [SliceGateSettings] = []) throws -> BlocklistGate {
        var settings = GateSettings()
        settings.blocklist = phrases
        settings.blocklistRegex = regexes
        settings.slices = slices
        return try BlocklistGate(settings: settings)
    }

    @Test func aPhraseIsFoundCaseInsensitivelyWithItsSpan() throws {
        let gate = try Self.gate()
        let row = TestRows.chat("Hi", "Well, As An AI Language Model, I cannot feel.")
        let findings = gate.check(row)
        #expect(findings.count == 1)
        let finding = try #require(findings.first)
        #expect(finding.gate == "blocklist" && finding.reason == "low-quality" && finding.action == .flag)
        #expect(finding.segment == 1)
        #expect(finding.range == 6..<29)
        #expect(finding.matched == "As An AI Language Model")
        #expect(TestRows.spanText(finding, in: row) == finding.matched)
        #expect(finding.detailValue("kind") == .string("phrase"))
        #expect(finding.detailValue("pattern") == .string("as an ai language model"))
        #expect(finding.detailValue("slice") == nil)
    }

    @Test func phrasesAreWholeWordsAtTheirEdgesAndSpanLineBreaks() throws {
        let gate = try Self.gate(phrases: ["kill", "terms of service"])
        #expect(gate.check(TestRows.chat("What skills do I need?", "Skillful killers.")).isEmpty)
        let row = TestRows.chat("kill -9 it, then read the TERMS OF\nSERVICE")
        #expect(gate.check(row).map(\.matched) == ["kill", "TERMS OF\nSERVICE"])
    }

    @Test func unicodeCaseFoldingAndSpansInNonASCIIText() throws {
        let gate = try Self.gate(phrases: ["straße", "ὈΔΥΣΣΕΎΣ", "ÉCOLE"])
        let row = TestRows.chat("Zur STRASSE, dann die École, wie ὀδυσσεύς sagt — 👋 Straße")
        let findings = gate.check(row)
        #expect(findings.map(\.matched) == ["STRASSE", "École", "ὀδυσσεύς"])
        for finding in findings { #expect(TestRows.spanText(finding, in: row) == finding.matched) }
        // "ẞ" (capital sharp s) folds to "ss": the span still covers the original letters.
        let sharp = TestRows.chat("GROẞE STRAẞE")
        #expect(gate.check(sharp).map(\.matched) == ["STRAẞE"])
    }

    @Test func regularExpressionsAreCaseInsensitiveWithSpans() throws {
        let gate = try Self.gate(phrases: [], regexes: [#"internal\.[a-z]+\.corp"#, #"ticket #\d{4,}"#])
        let row = TestRows.chat("See INTERNAL.wiki.CORP and Ticket #12345 — ünïcode first: ticket #9999")
        let findings = gate.check(row)
        #expect(findings.map(\.matched) == ["INTERNAL.wiki.CORP", "Ticket #12345"])
        #expect(findings.map { $0.detailValue("kind") } == [.string("regex"), .string("regex")])
        for finding in findings { #expect(TestRows.spanText(finding, in: row) == finding.matched) }
        let after = TestRows.chat("ünïcode 👋 then ticket #4242")
        let hit = try #require(gate.check(after).first)
        #expect(hit.matched == "ticket #4242")
        #expect(TestRows.spanText(hit, in: after) == "ticket #4242")
    }

    @Test func perSliceListsApplyOnlyToTheirSlicesOnTopOfTheGlobalOne() throws {
        let gate = try Self.gate(phrases: ["as an ai language model"], slices: [
            SliceGateSettings(name: "medical", priority: 3, blocklist: ["miracle cure"], blocklistRegex: [#"\d+ ?mg every hour"#]),
            SliceGateSettings(name: "billing", priority: 4, blocklist: ["full refund"]),
        ])
        let text = "As an AI language model: this miracle cure, 400 mg every hour, full refund!"
        #expect(gate.check(TestRows.chat(text)).map(\.matched) == ["As an AI language model"])
        let medical = gate.check(TestRows.chat(text, slices: ["medical"]))
        #expect(medical.map(\.matched) == ["As an AI language model", "miracle cure", "400 mg every hour"])
        #expect(medical.last?.detailValue("slice") == .string("medical"))
        let both = gate.check(TestRows.chat(text, slices: ["billing", "medical"]))
        #expect(both.count == 4)
    }

    @Test func onePatternIsReportedOncePerSegment() throws {
        let gate = try Self.gate(phrases: ["spam", "SPAM"], regexes: ["e+ggs"])
        let row = TestRows.row(.chat, [("user", "spam spam SPAM eggs eggs"), ("assistant", "spam")])
        let findings = gate.check(row)
        #expect(findings.map(\.matched) == ["spam", "eggs", "spam"])
        #expect(findings.map(\.segment) == [0, 0, 1])
    }

    @Test func settingsChooseActionAndReason() throws {
        var settings = GateSettings()
        settings.blocklistAction = .reject
        settings.blocklistReason = "template-echo"
        let finding = try #require(try BlocklistGate(settings: settings).check(TestRows.chat("as an AI language model")).first)
        #expect(finding.action == .reject)
        #expect(finding.reason == "template-echo")
    }

    @Test func anEmptyBlocklistFindsNothing() throws {
        let gate = try Self.gate(phrases: ["", "   "], regexes: [])
        #expect(gate.check(TestRows.chat("anything at all")).isEmpty)
    }
}
