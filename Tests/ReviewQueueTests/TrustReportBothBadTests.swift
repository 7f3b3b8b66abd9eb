import Foundation
import ReviewQueue
import Testing
import TestSupport
import WinnowCore
import Workspace

/// Issue 12, item 9: "both bad" is a reject with the reason `both-bad`, always known and only
/// for preference pairs; `winnow stats` counts both-bad pairs per generator (and slice).
@Suite(.serialized) struct TrustReportBothBadTests {
    func workspace(_ tmp: TemporaryDirectory) throws -> QueueService {
        let paths = try WorkspaceCreator.create(at: tmp.file("ws"))
        try WorkspaceConfig.template.replacingOccurrences(of: "review_rate = 0.05", with: "review_rate = 1.0")
            .write(toFile: paths.config, atomically: true, encoding: .utf8)
        var rows = (0..<6).map { i in
            #"{"id": "p\#(i)", "prompt": "q\#(i)", "chosen": "good \#(i)", "rejected": "bad \#(i)", "meta": {"slice": "general", "origin": "synthetic", "generator": "gen-\#(i % 2 == 0 ? "a" : "b")"}}"#
        }
        rows.append(#"{"id": "c0", "prompt": "q", "response": "a", "meta": {"slice": "general", "origin": "synthetic", "generator": "gen-a"}}"#)
        try (rows.joined(separator: "\n") + "\n").write(toFile: tmp.file("rows.jsonl"), atomically: true, encoding: .utf8)
        let session = try WorkspaceSession.open(paths)
        _ = try session.importFile(tmp.file("rows.jsonl"), options: ImportOptions(), progress: nil)
        return try QueueService(session: session, reviewer: Reviewer(uid: 1, user: "r1", groups: []))
    }

    @Test func bothBadPairsAreCountedPerGenerator() throws {
        let tmp = try TemporaryDirectory(prefix: "winnow-bothbad")
        let queue = try workspace(tmp)
        let bothBad = WorkspaceConfig.bothBadReason
        #expect(!queue.session.config.reasons.map(\.code).contains(bothBad), "known without being configured")
        _ = try queue.decide([
            DecisionRequest(id: "p0", verdict: .reject, reason: bothBad), DecisionRequest(id: "p2", verdict: .reject, reason: bothBad),
            DecisionRequest(id: "p4", verdict: .accept), DecisionRequest(id: "p1", verdict: .reject, reason: "unsafe"),
            DecisionRequest(id: "p3", verdict: .reject, reason: bothBad),
        ])
        let report = try queue.trustReport()
        let a = try #require(report.generators.first { $0.name == "gen-a" })
        let b = try #require(report.generators.first { $0.name == "gen-b" })
        #expect(a.bothBad == 2 && a.tally[.reject] == 2 && a.tally[.accept] == 1)
        #expect(b.bothBad == 1 && b.tally[.reject] == 2)
        #expect(report.slices.first { $0.name == "general" }?.bothBad == 3)
        let json = report.json["generators"]?.arrayValue?.first { $0["name"]?.stringValue == "gen-a" }
        #expect(json?["both_bad"]?.intValue == 2)
    }

    @Test func bothBadIsOnlyARejectOfAPair() throws {
        let tmp = try TemporaryDirectory(prefix: "winnow-bothbad")
        let queue = try workspace(tmp)
        let before = try LogReaderCount.entries(queue)
        #expect(throws: QueueError.self) { try queue.decide(DecisionRequest(id: "c0", verdict: .reject, reason: WorkspaceConfig.bothBadReason)) }
        #expect(throws: QueueError.self) { try queue.decide(DecisionRequest(id: "p0", verdict: .flag, reason: WorkspaceConfig.bothBadReason)) }
        do {
            _ = try queue.decide(DecisionRequest(id: "c0", verdict: .reject, reason: WorkspaceConfig.bothBadReason))
        } catch let error as QueueError {
            #expect(error.message.contains("both-bad is for preference pairs") && error.message.contains("prompt-response"))
        }
        #expect(try LogReaderCount.entries(queue) == before, "nothing recorded")
        #expect(try queue.session.index.row(id: "c0")?.state == .pending)
    }
}

/// How many entries the workspace's log holds.
enum LogReaderCount {
    static func entries(_ queue: QueueService) throws -> Int { try queue.session.index.logPosition().seq }
}
