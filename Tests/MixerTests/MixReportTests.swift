import Foundation
@testable import Mixer
import Testing

/// The warnings a data lead needs, and the report in both its forms.
@Suite(.serialized) struct MixReportTests {
    @Test func warningsNameTheDrownedHumansTheUnanchoredSliceAndTheBadGenerator() throws {
        let f = try MixFixture([
            .init(slice: "general", origin: "human", count: 2), .init(slice: "general", origin: "synthetic", count: 40),
            .init(slice: "billing", origin: "synthetic", count: 5),
        ])
        try f.decide(f.ids("general-s", 0..<30) + f.ids("billing-s", 0..<5), .accept)
        try f.decide(f.ids("general-s", 30..<40), .reject)
        let out = try f.build("name = \"w\"\nseed = 1\n[constraints]\nhuman_min_fraction = 0.05\nsynthetic_max_per_human = 100\n")
        let warnings = out.report.warnings.joined(separator: "\n")
        #expect(warnings.contains("drowned unless upweighted"), "\(warnings)")
        #expect(warnings.contains("slice billing has no eligible human rows") && warnings.contains("none of its 5 synthetic rows"), "\(warnings)")
        // Its billing rows were reviewed too: 10 rejects of 45.
        #expect(warnings.contains("generator gen-a has a 22% reject rate (10 of 45 reviewed) and still contributes 30 rows"), "\(warnings)")
        #expect(out.report.binding.contains { $0.contains("slice billing") })
        let markdown = try String(contentsOfFile: out.directory + "/report.md", encoding: .utf8)
        #expect(markdown.hasPrefix("# Mix report: w") && markdown.contains("Rows left out, by reason:"))
        #expect(markdown.contains("rejected by a reviewer"))
        // Upweighting the humans silences the drowning warning.
        let weighted = try f.build("name = \"w\"\nseed = 1\n[constraints]\nhuman_min_fraction = 0.05\nsynthetic_max_per_human = 100\n[weights.origin]\nhuman = 3\n")
        #expect(!weighted.report.warnings.contains { $0.contains("drowned") })
    }

    /// Rows imported with `--no-gates` are mixed as their reviews allow, but the report says
    /// that nothing checked them, with the count, until a gate run covers them.
    @Test func rowsNoGateHasSeenAreNamedInTheReport() throws {
        let f = try MixFixture([.init(slice: "general", origin: "human", count: 6), .init(slice: "general", origin: "synthetic", count: 6)])
        try f.decide(f.ids("general-s", 0..<6), .accept)
        let spec = "name = \"g\"\nseed = 1\n[constraints]\nhuman_min_fraction = 0.3\n"
        let ungated = try f.build(spec)
        #expect(ungated.report.rows == 12)
        #expect(ungated.report.warnings.contains {
            $0.hasPrefix("12 rows of the mix were never seen by a logged gate run (imported with --no-gates") && $0.contains("winnow gates")
        }, "\(ungated.report.warnings)")
        let markdown = try String(contentsOfFile: ungated.directory + "/report.md", encoding: .utf8)
        #expect(markdown.contains("never seen by a logged gate run"))
        _ = try f.session.runGates()
        let gated = try f.build(spec)
        #expect(!gated.report.warnings.contains { $0.contains("never seen by a logged gate run") }, "\(gated.report.warnings)")
    }
}
