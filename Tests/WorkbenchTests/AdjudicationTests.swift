import Foundation
import ProvenanceLog
import ReviewQueue
import TerminalCore
import Testing
@testable import Workbench
import Workspace

/// Two reviewers disagreed on an overlap row: the adjudicator sees both verdicts side by side
/// and sides with one in one key; the decision is logged as an adjudication.
@Suite(.serialized) struct AdjudicationTests {
    static func disputed(_ size: Size) throws -> WorkbenchFixture {
        try WorkbenchFixture(size: size, reviewing: false, configure: {
            $0.replacingOccurrences(of: "overlap_share = 0.10", with: "overlap_share = 1.0")
        }, before: { paths in
            try WorkbenchFixture.append(DecisionPayload(row: "chat-0053", action: .accept, slice: "safety"), as: "ana", uid: 5001, to: paths)
            try WorkbenchFixture.append(DecisionPayload(row: "chat-0053", action: .reject, reason: "unsafe", note: "sends them to a pharmacy site", slice: "safety"),
                                        as: "ben", uid: 5002, to: paths)
        })
    }

    @Test(arguments: ScreenSnapshotTests.sizes) func bothVerdictsSideBySide(size: Size) throws {
        let f = try Self.disputed(size)
        #expect(f.screen.contains("Adjudication backlog: 1 row"))
        try f.type("A")
        expectSnapshot(f.screen, named: "adjudication-\(size)")
    }

    @Test func pickingTheSecondVerdictLogsAnAdjudication() throws {
        let f = try Self.disputed(Size(columns: 80, rows: 24))
        try f.type("A2")
        let decisions = try f.reviewEntries().filter { $0.actor.user != "ana" && $0.actor.user != "ben" }
        let payload = try #require(decisions.first).payload(DecisionPayload.self)
        #expect(payload.row == "chat-0053" && payload.action == .reject && payload.reason == "unsafe")
        #expect(payload.extra["adjudication"]?.boolValue == true)
        #expect(try f.session.index.row(id: "chat-0053")?.state == .rejected)
        #expect(f.screen.contains("No rows wait for adjudication"))
    }
}
