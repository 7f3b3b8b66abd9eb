import Gates
import Testing
import WinnowCore

/// Configured regular expressions run under a match budget: a pattern that backtracks
/// exponentially on a row is reported for that row, never waited for (Foundation's engine held
/// an import for minutes on `(a+)+$` and 30,000 characters).
struct RegexBudgetTests {
    @Test func aCatastrophicPatternIsReportedForTheRowNotWaitedFor() throws {
        let gate = try BlocklistGateTests.gate(phrases: [], regexes: ["(a+)+$"])
        let row = TestRows.chat("Repeat the letter.", String(repeating: "a", count: 30_000) + "!")
        let findings = gate.check(row)
        #expect(findings.count == 1)
        let finding = try #require(findings.first)
        #expect(finding.action == .flag && finding.segment == 1)
        #expect(finding.detailValue("kind") == .string("regex-over-budget"))
        #expect(finding.detailValue("pattern") == .string("(a+)+$"))
        // The same pattern still finds what it is for on ordinary text.
        #expect(gate.check(TestRows.chat("Say it", "baaa")).map(\.matched) == ["aaa"])
    }

    @Test func badPatternsAreNamedWithTheEnginesReasonAndPosition() throws {
        #expect(GateSettings.regexProblem("refund (policy") != nil)
        #expect(GateSettings.regexProblem("refund (policy")?.contains("character") == true)
        #expect(GateSettings.regexProblem("x*")?.contains("empty text") == true)
        #expect(GateSettings.regexProblem("\\bdosage\\b") == nil)
    }

    @Test func matchesAreUTF8ByteRangesCaseInsensitiveAndUnicodeAware() throws {
        let gate = try BlocklistGateTests.gate(phrases: [], regexes: ["straße \\d+ mg", "ÉCOLE"])
        let row = TestRows.chat("Zur STRASSE? Nein: Straße 40 MG, und école.")
        let matched = gate.check(row).compactMap(\.matched)
        #expect(matched == ["Straße 40 MG", "école"])
        for finding in gate.check(row) { #expect(TestRows.spanText(finding, in: row) == finding.matched) }
    }
}
