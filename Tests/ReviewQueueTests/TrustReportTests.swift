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
}
