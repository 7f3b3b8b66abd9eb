import Foundation
@testable import Mixer
import ProvenanceLog
import ReviewQueue
import Testing
import WinnowCore

/// Which rows a mix may use, state by state: human rows and accepted or edited synthetic rows
/// go in; rejected, gate-rejected, contaminated, retracted, disputed, flagged and unreviewed
/// critical rows never do; unreviewed general rows only when the review sample trusts them.
@Suite(.serialized) struct MixEligibilityTests {
    static let spec = """
        name = "e"
        seed = 3
        [constraints]
        human_min_fraction = 0
        synthetic_max_per_human = 1000
        critical_synthetic_max = 1
        """

    func ids(in out: MixOutcome) throws -> Set<String> { Set(try MixFixture.metadata(out.directory).map { $0["row"] as! String }) }

    @Test func eachRowStateIsInOrOutForItsReason() throws {
        let f = try MixFixture([.init(slice: "general", origin: "human", count: 4), .init(slice: "billing", origin: "synthetic", count: 12),
                                .init(slice: "general", origin: "synthetic", count: 3, generator: "gen-x", prefix: "x")])
        let s = { (i: Int) in "billing-s-\(i)" }
        try f.decide([s(0), s(1)], .accept)
        try f.decide([s(2)], .reject)
        try f.decide([s(3)], .flag)
        // Two reviewers disagree on s4: adjudication; on s5 they disagree and an adjudicator accepts.
        try f.decide([s(4), s(5)], .accept, uid: 1)
        try f.decide([s(4), s(5)], .reject, uid: 2)
        try f.decide([s(5)], .accept, uid: 3, adjudication: true)
        // An edit: the mix carries the edited row and who edited it.
        let edited = JSONValue.object([("id", .string(s(6))), ("prompt", .string("question?")), ("response", .string("EDITED answer"))])
        try f.decide([s(6)], .edit, newRow: edited)
        // A gate rejection, and a contamination flag a reviewer later overrode.
        try f.record([GatePayload(gate: "schema", action: .reject, row: s(7), reason: "schema")])
        try f.record([GatePayload(gate: "contamination", action: .reject, row: s(8), reason: "contamination")])
        try f.decide([s(8)], .accept)
        // Rows generator gen-x wrote are retracted, even the accepted one.
        try f.decide(["x-0"], .accept)
        try f.record([RetractPayload(generator: "gen-x", reason: "bad generator")])
        let out = try f.build(Self.spec)
        let used = try ids(in: out)
        #expect(used == Set(["general-h-0", "general-h-1", "general-h-2", "general-h-3", s(0), s(1), s(5), s(6)]), "\(used.sorted())")
        let edit = try MixFixture.rows(out.directory).first { ($0["metadata"] as! [String: Any])["row"] as? String == s(6) }!
        let messages = edit["messages"] as! [[String: String]]
        #expect(messages.last?["content"] == "EDITED answer")
        let meta = edit["metadata"] as! [String: Any]
        #expect(meta["edited_by"] as? String == "r1" && meta["kind"] as? String == "synthetic-edited")
        let reasons = Dictionary(uniqueKeysWithValues: out.report.excluded.map { ($0.reason, $0.count) })
        #expect(reasons["rejected by a reviewer"] == 1)
        #expect(reasons["flagged for an expert"] == 1)
        #expect(reasons["reviewers disagree, not adjudicated"] == 1)
        #expect(reasons["rejected by a gate"] == 1)
        #expect(reasons["contaminated"] == 1)
        #expect(reasons["retracted (rollback)"] == 3)
        #expect(reasons["synthetic, unreviewed, critical slice"] == 3, "s9-s11 were never reviewed: \(reasons)")
    }

    /// Every general row is in the sample (rate 1): 30 accepted, 10 left unreviewed.
    func sampled(rejects: Int) throws -> MixFixture {
        let f = try MixFixture([.init(slice: "general", origin: "human", count: 40), .init(slice: "general", origin: "synthetic", count: 40)],
                               generalRate: 1)
        try f.decide(f.ids("general-s", 0..<(30 - rejects)), .accept)
        if rejects > 0 { try f.decide(f.ids("general-s", (30 - rejects)..<30), .reject) }
        return f
    }

    @Test func unreviewedRowsAreTrustedOnlyBelowTheSampledRejectRate() throws {
        let trusting = Self.spec + "\nunreviewed_max_reject_rate = 0.15\n"
        let good = try sampled(rejects: 0)
        let out = try good.build(trusting)
        let kinds = try MixFixture.metadata(out.directory).map { $0["kind"] as! String }
        #expect(kinds.filter { $0 == "synthetic-unreviewed-trusted" }.count == 10, "0 of 30 rejected: upper bound 11 % < 15 %")
        // Without a threshold in the spec, unreviewed rows never go in.
        #expect(try good.build(Self.spec).report.rows == 70)
        let bad = try sampled(rejects: 3)
        let strict = try bad.build(trusting)
        #expect(try MixFixture.metadata(strict.directory).allSatisfy { $0["kind"] as? String != "synthetic-unreviewed-trusted" })
        #expect(strict.report.excluded.contains { $0.reason == "synthetic, unreviewed, slice error rate too high" && $0.count == 10 })
    }
}
