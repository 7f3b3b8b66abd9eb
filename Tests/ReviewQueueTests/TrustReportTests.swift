import Foundation
import ReviewQueue
import Testing
import TestSupport
import WinnowCore
@testable import Workspace

/// `winnow stats` figures against values computed by hand from the decisions made.
@Suite(.serialized) struct TrustReportTests {
    @Test func sampledSliceEstimateUsesOnlyTheRandomSample() throws {
        let tmp = try TemporaryDirectory(prefix: "winnow-stats")
        let paths = try WorkspaceCreator.create(at: tmp.file("ws"))
        try WorkspaceConfig.template.replacingOccurrences(of: "review_rate = 0.05", with: "review_rate = 0.5")
            .write(toFile: paths.config, atomically: true, encoding: .utf8)
        let rows = (0..<40).map { #"{"id": "g\#($0)", "prompt": "q\#($0)", "response": "a\#($0)", "meta": {"slice": "general", "generator": "gen-\#($0 % 2)"}}"# }
        try (rows.joined(separator: "\n") + "\n").write(toFile: tmp.file("rows.jsonl"), atomically: true, encoding: .utf8)
        let session = try WorkspaceSession.open(paths)
        _ = try session.importFile(tmp.file("rows.jsonl"), options: ImportOptions(), progress: nil)
        let queue = try QueueService(session: session, reviewer: Reviewer(uid: 1, user: "r1", groups: []))
        var served: [String] = []
        while let item = try queue.next() { served.append(item.row.id) }
        try queue.release()
        #expect(served.count >= 10 && served.count < 40, "about half of 40 rows are in the sample: \(served.count)")
        // Reject the first two sampled rows, accept the rest; also reject one row outside the
        // sample, which must not move the estimate.
        var requests = served.enumerated().map { i, id in
            DecisionRequest(id: id, verdict: i < 2 ? .reject : .accept, reason: i < 2 ? "factual-error" : nil)
        }
        let outside = try #require((0..<40).map { "g\($0)" }.first { !served.contains($0) })
        requests.append(DecisionRequest(id: outside, verdict: .reject, reason: "low-quality"))
        _ = try queue.decide(requests)

        let report = try queue.trustReport()
        let general = try #require(report.slices.first { $0.name == "general" })
        #expect(general.rows == 40 && general.tally.reviewed == served.count + 1)
        #expect(general.tally[.reject] == 3)
        let estimate = try #require(general.unreviewedEstimate)
        let sample = Proportion(successes: 2, trials: served.count)
        #expect(estimate.errorRate == sample.rate!)
        #expect(estimate.errorRateInterval == sample.wilson()!)
        #expect(estimate.unreviewed == 40 - served.count - 1)
        // Generators split the same decisions.
        #expect(report.generators.map(\.name) == ["gen-0", "gen-1"])
        #expect(report.generators.reduce(0) { $0 + $1.tally.reviewed } == served.count + 1)
        // One reviewer, all decisions at once: throughput is counted, agreement has no pairs.
        #expect(report.throughput.first?.decisions == served.count + 1)
        #expect(report.agreement.byPair.isEmpty)
        #expect(report.json["slices"]?.arrayValue?.count == 1)
    }

    /// Reject rates and the unreviewed-error estimate of a slice are about its synthetic rows;
    /// human rows are reported apart (they once diluted the rate and counted as "unreviewed").
    @Test func humanRowsAreReportedApartFromTheSyntheticRates() throws {
        let tmp = try TemporaryDirectory(prefix: "winnow-stats")
        let paths = try WorkspaceCreator.create(at: tmp.file("ws"))
        try WorkspaceConfig.template.replacingOccurrences(of: "review_rate = 0.05", with: "review_rate = 1.0")
            .write(toFile: paths.config, atomically: true, encoding: .utf8)
        let rows = (0..<20).map { i in
            #"{"id": "g\#(i)", "prompt": "q\#(i)", "response": "a\#(i)", "meta": {"slice": "general", "origin": "\#(i < 10 ? "human" : "synthetic")", "generator": \#(i < 10 ? "null" : "\"gen\"")}}"#
        }
        try (rows.joined(separator: "\n") + "\n").write(toFile: tmp.file("rows.jsonl"), atomically: true, encoding: .utf8)
        let session = try WorkspaceSession.open(paths)
        _ = try session.importFile(tmp.file("rows.jsonl"), options: ImportOptions(), progress: nil)
        let queue = try QueueService(session: session, reviewer: Reviewer(uid: 1, user: "r1", groups: []))
        // Reviewers accept every human row they see and reject half of the synthetic ones.
        let requests = (0..<20).filter { $0 < 4 || $0 >= 10 }.map { i in
            DecisionRequest(id: "g\(i)", verdict: i >= 15 ? .reject : .accept, reason: i >= 15 ? "factual-error" : nil)
        }
        _ = try queue.decide(requests)
        let report = try queue.trustReport()
        let synthetic = try #require(report.slices.first { $0.name == "general" })
        #expect(synthetic.rows == 10 && synthetic.tally.reviewed == 10 && synthetic.tally[.reject] == 5)
        #expect(synthetic.tally.proportion(of: .reject).rate == 0.5)
        #expect(synthetic.unreviewedEstimate?.unreviewed == 0, "human rows are not unreviewed synthetic rows")
        let human = try #require(report.humanSlices.first { $0.name == "general" })
        #expect(human.rows == 10 && human.tally.reviewed == 4 && human.unreviewedEstimate == nil)
        #expect(report.json["human_slices"]?.arrayValue?.count == 1)
    }
}
