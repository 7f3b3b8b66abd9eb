import Foundation
import GRDB
import ProvenanceLog
import ReviewQueue
import Testing
import TestSupport
import WinnowCore
@testable import Workspace

/// Overlap rows go to two reviewers; when they disagree the row waits for an adjudicator, and
/// kappa is computed over the pairs. Two reviewers need two OS users, so the second reviewer's
/// entries are sealed into the log as another user would have written them, then replayed.
@Suite(.serialized) struct OverlapAdjudicationTests {
    func append(_ payload: DecisionPayload, as user: String, uid: Int, to paths: WorkspacePaths) throws {
        try appendForeignEntry(payload, user: user, uid: uid, toLog: paths.log)
    }

    @Test func disagreementGoesToAdjudicationAndKappaCountsThePairs() throws {
        let tmp = try TemporaryDirectory(prefix: "winnow-overlap")
        let paths = try WorkspaceCreator.create(at: tmp.file("ws"))
        // Every critical row is an overlap row, so the test does not depend on the hash draw.
        try WorkspaceConfig.template.replacingOccurrences(of: "overlap_share = 0.10", with: "overlap_share = 1.0")
            .write(toFile: paths.config, atomically: true, encoding: .utf8)
        let rows = (0..<4).map { #"{"id": "b\#($0)", "prompt": "refund \#($0)?", "response": "30 days", "meta": {"slice": "billing"}}"# }
        try (rows.joined(separator: "\n") + "\n").write(toFile: tmp.file("rows.jsonl"), atomically: true, encoding: .utf8)
        do {
            let session = try WorkspaceSession.open(paths)
            _ = try session.importFile(tmp.file("rows.jsonl"), options: ImportOptions(), progress: nil)
        }
        // Reviewer ana and reviewer ben decide all four: they agree on b0, b1, b2 and disagree on b3.
        let verdicts: [(String, DecisionPayload.Action, DecisionPayload.Action)] = [
            ("b0", .accept, .accept), ("b1", .accept, .accept), ("b2", .reject, .reject), ("b3", .accept, .reject),
        ]
        for (id, a, b) in verdicts {
            try append(DecisionPayload(row: id, action: a, reason: a == .reject ? "invented-policy" : nil, slice: "billing"), as: "ana", uid: 5001, to: paths)
            try append(DecisionPayload(row: id, action: b, reason: b == .reject ? "invented-policy" : nil, slice: "billing"), as: "ben", uid: 5002, to: paths)
        }
        let session = try WorkspaceSession.open(paths)
        #expect(try session.index.row(id: "b0")?.state == .accepted)
        #expect(try session.index.row(id: "b2")?.state == .rejected)
        #expect(try session.index.row(id: "b3")?.state == .adjudication)

        let queue = try QueueService(session: session, reviewer: Reviewer(uid: 5003, user: "cy", groups: []))
        #expect(try queue.summary().adjudicationBacklog == 1)
        #expect(try queue.next() == nil, "decided overlap rows with two reviewers are done; b3 waits for adjudication, not review")
        let report = try queue.trustReport()
        let pair = try #require(report.agreement.byPair.first)
        #expect(pair.pair.first == "ana" && pair.pair.second == "ben" && pair.agreement.items == 4)
        // Observed 3/4; ana accepts 3 of 4, ben 2 of 4: expected = 3/4*2/4 + 1/4*2/4 = 0.5; kappa = (0.75-0.5)/0.5.
        #expect(abs((pair.agreement.kappa ?? 0) - 0.5) < 1e-9)

        let disputed = try #require(try queue.next(adjudication: true))
        #expect(disputed.row.id == "b3" && disputed.reason == .adjudication)
        _ = try queue.decide(DecisionRequest(id: "b3", verdict: .reject, reason: "invented-policy", adjudication: true))
        #expect(try queue.next(adjudication: true) == nil)
        #expect(try session.index.row(id: "b3")?.state == .rejected)
        #expect(try queue.summary().adjudicationBacklog == 0)
    }

    @Test func anOverlapRowGoesToASecondReviewer() throws {
        let tmp = try TemporaryDirectory(prefix: "winnow-overlap2")
        let paths = try WorkspaceCreator.create(at: tmp.file("ws"))
        try WorkspaceConfig.template.replacingOccurrences(of: "overlap_share = 0.10", with: "overlap_share = 1.0")
            .write(toFile: paths.config, atomically: true, encoding: .utf8)
        try #"{"id": "m0", "prompt": "dose?", "response": "ask a doctor", "meta": {"slice": "medical"}}"#
            .appending("\n").write(toFile: tmp.file("rows.jsonl"), atomically: true, encoding: .utf8)
        do {
            let session = try WorkspaceSession.open(paths)
            _ = try session.importFile(tmp.file("rows.jsonl"), options: ImportOptions(), progress: nil)
        }
        try append(DecisionPayload(row: "m0", action: .accept, slice: "medical"), as: "ana", uid: 5001, to: paths)
        let session = try WorkspaceSession.open(paths)
        let ana = try QueueService(session: session, reviewer: Reviewer(uid: 5001, user: "ana", groups: []))
        #expect(try ana.next() == nil, "ana already decided it")
        let ben = try QueueService(session: session, reviewer: Reviewer(uid: 5002, user: "ben", groups: []))
        let item = try #require(try ben.next())
        #expect(item.row.id == "m0" && item.reason == .overlap)
    }
}
