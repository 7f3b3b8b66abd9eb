import Foundation
@testable import Mixer
import ReviewQueue
import TestSupport
import Testing
import WinnowCore
import Workspace

/// Issue 14: the mix report counts, per slice, the pairs that come from two different generators.
@Suite(.serialized) struct MixPairCountTests {
    @Test func theReportCountsPairsFromTwoGeneratorsAndWarnsWhenFewAre() throws {
        let f = try MixFixture([.init(slice: "general", origin: "human", count: 2, prefix: "h")], generalRate: 1)
        // p-0..3: two writers named; p-4, p-5: the row's generator wrote both; p-6, p-7: human
        // rows in billing that name no writer at all.
        let lines = (0..<8).map { i -> String in
            let meta = i < 4 ? #""origin": "synthetic", "slice": "general", "generator": "gen-a", "chosen_generator": "gen-a", "rejected_generator": "gen-b""#
                : i < 6 ? #""origin": "synthetic", "slice": "general", "generator": "gen-a""# : #""origin": "human", "slice": "billing""#
            return #"{"id": "p-\#(i)", "prompt": "Question number \#(i) about routers?", "chosen": "Hold the reset button for \#(i) seconds and wait.", "rejected": "Routers cannot be reset, number \#(i); buy a new one.", "meta": {\#(meta)}}"#
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: f.tmp.file("pairs.jsonl"), atomically: true, encoding: .utf8)
        try f.importFile(f.tmp.file("pairs.jsonl"), options: ImportOptions())
        _ = try f.session.runGates()
        let reasons = try f.session.index.pairGateReasons()
        #expect(reasons.values.filter { $0 == ["same-generator"] }.count == 2 && reasons.values.filter { $0 == ["cannot-judge"] }.count == 2
                && reasons.count == 4, "\(reasons)")
        // Flagged pairs are held back until decided: decide them so all eight are in the mix.
        try f.decide(["p-0", "p-1", "p-2", "p-3", "p-4", "p-5", "p-6"], .accept)
        let spec = "name = \"pairs\"\nseed = 1\nformat = \"preference\"\n[constraints]\nhuman_min_fraction = 0\nsynthetic_max_per_human = 100\ncritical_synthetic_max = 1\n"
        let held = try f.build(spec)
        #expect(held.report.pairs.pairs == 7 && held.report.pairs.twoGenerators == 4, "\(held.report.pairs.slices)")
        #expect(held.report.excluded.contains { $0.reason == "flagged by the pair gate, not reviewed" && $0.count == 1 }, "\(held.report.excluded)")
        try f.decide(["p-7"], .accept)
        let all = try f.build(spec)
        #expect(all.report.pairs.pairs == 8 && all.report.pairs.twoGenerators == 4)
        #expect(all.report.pairs.slices.map(\.slice) == ["billing", "general"])
        #expect(all.report.lines.contains("Preference pairs: 8, 4 from two different generators (pair gate)"), "\(all.report.lines)")
        #expect(!all.report.warnings.contains { $0.contains("come from two different generators") })
        // Five of eight pairs from one generator or none: fewer than half from two, a warning.
        try f.decide(["p-0"], .reject)
        let few = try f.build(spec)
        #expect(few.report.pairs.twoGenerators == 3 && few.report.pairs.pairs == 7)
        #expect(few.report.warnings.contains { $0.hasPrefix("only 3 of the mix's 7 preference pairs (43%) come from two different generators") })
    }
}
