import Foundation
@testable import Mixer
import ProvenanceLog
import Testing
import WinnowCore
import Workspace

/// Targeted rollback end to end: a mix uses a generator's rows; the dry run names that mix;
/// the retraction is logged; the next mix leaves the rows out, and --against shows it.
@Suite(.serialized) struct MixRollbackTests {
    @Test func retractingAGeneratorTakesItsRowsOutOfTheNextMix() throws {
        let f = try MixFixture([
            .init(slice: "general", origin: "human", count: 20),
            .init(slice: "general", origin: "synthetic", count: 20, generator: "gen-a", prefix: "a"),
            .init(slice: "general", origin: "synthetic", count: 20, generator: "gen-b", prefix: "b"),
        ])
        try f.decide(f.ids("a", 0..<20) + f.ids("b", 0..<20), .accept)
        let spec = "name = \"r\"\nseed = 2\n"
        let first = try f.build(spec, into: "first")
        #expect(try MixFixture.metadata(first.directory).contains { $0["generator"] as? String == "gen-b" })

        let retraction = RetractPayload(generator: "gen-b", reason: "hallucinated refund policy")
        let affected = try f.session.index.rowsAffected(by: retraction)
        #expect(affected.count == 20)
        let hits = try MixCatalog.mixes(containing: Set(affected), in: f.session)
        #expect(hits.count == 1 && hits[0].directory.hasSuffix("first") && hits[0].rows == 20, "\(hits)")
        #expect(try f.session.index.rowsAffected(by: RetractPayload(reviewer: "r1")).count == 40)

        try f.record([retraction])
        let second = try f.build(spec, into: "second")
        let rows = try MixFixture.metadata(second.directory)
        #expect(!rows.contains { $0["generator"] as? String == "gen-b" })
        #expect(rows.count == 40)
        let diff = try MixDiff.compare(earlier: first.directory, later: second.directory)
        #expect(diff.removed == 20 && diff.added == 0 && diff.kept == 40 && !diff.specChanged)
        #expect(diff.removedByKind["synthetic-accepted"] == 20)
        // The retraction is in the log, and the chain still verifies.
        #expect(try LogReader.tail(3, path: f.session.paths.log).contains { $0.knownKind == .retract })
    }

    @Test func retractingAReviewerSendsTheirRowsBackToPending() throws {
        let f = try MixFixture([.init(slice: "general", origin: "human", count: 10), .init(slice: "general", origin: "synthetic", count: 10)])
        try f.decide(f.ids("general-s", 0..<10), .accept, uid: 7)
        try f.record([RetractPayload(reviewer: "r7", reason: "careless week")])
        let out = try f.build("name = \"p\"\nseed = 1\n")
        #expect(out.report.rows == 10, "the synthetic rows are unreviewed again, so out")
    }
}
