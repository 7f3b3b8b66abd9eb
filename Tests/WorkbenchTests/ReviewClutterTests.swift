import Foundation
import ProvenanceLog
import ReviewQueue
import TerminalCore
import Testing
@testable import Workbench
@testable import Workspace

/// Issue 12, item 8: small things that misled reviewers.
@Suite(.serialized) struct ReviewClutterTests {
    func current(_ f: WorkbenchFixture) throws -> ReviewScreen { try #require(f.workbench.top as? ReviewScreen) }

    /// A row without an id is named by its content hash; at 80 columns (and beside the panel
    /// at 160) the header shortened the open count and the lease off the line.
    @Test(arguments: [Size(columns: 80, rows: 24), Size(columns: 160, rows: 48)])
    func aLongIdIsShortenedNotTheOpenCountOrTheLease(size: Size) throws {
        let f = try WorkbenchFixture(size: size, extraRows: [
            #"{"prompt": "How do I get a refund for a double charge?", "response": "Write to billing.", "meta": {"slice": "billing", "origin": "synthetic"}}"#,
        ])
        let id = try #require(try f.session.index.read { db in
            try String.fetchOne(db, sql: "SELECT id FROM rows WHERE length(id) >= 64 LIMIT 1")
        })
        let screen = try current(f)
        if let on = screen.item { try f.desk.skip(on.row.id, slice: nil, adjudication: false) }
        try screen.advance(workbench: f.workbench, to: try #require(try f.desk.claim(id)))
        f.workbench.draw()
        let header = try #require(f.screen.split(separator: "\n").dropFirst().first.map(String.init))
        #expect(header.contains("open") && header.contains("lease 10:00"), "\(header)")
        #expect(header.contains(String(id.prefix(8))) && header.contains("…"), "\(header)")
    }

    @Test func theOpenCountComesBackAfterUndo() throws {
        let f = try WorkbenchFixture()
        let open = try #require(try current(f).openRows)
        try f.type("a")
        #expect(try current(f).openRows == open - 1)
        try f.type("u")
        #expect(try current(f).openRows == open, "the undone row is open again")
    }

    @Test func anEmptyAdjudicationScreenSaysWhyWhileTheBacklogIsNot() throws {
        let me = Int(getuid())
        let f = try WorkbenchFixture(reviewing: false, configure: {
            $0.replacingOccurrences(of: "overlap_share = 0.10", with: "overlap_share = 1.0")
        }, before: { paths in
            try WorkbenchFixture.append(DecisionPayload(row: "chat-0053", action: .accept, slice: "safety"), as: "reviewer", uid: me, to: paths)
            try WorkbenchFixture.append(DecisionPayload(row: "chat-0053", action: .reject, reason: "unsafe", slice: "safety"), as: "ben", uid: 5002, to: paths)
        })
        #expect(f.screen.contains("Adjudication backlog: 1 row"))
        try f.type("A")
        #expect(f.screen.contains("No rows wait for adjudication"))
        #expect(f.screen.replacingOccurrences(of: "\n  ", with: " ").contains("1 row waits for adjudication, all decided by you: another reviewer must settle it"), "\(f.screen)")
    }

    @Test func homeCountsReviewersRejectionsApartFromTheGates() throws {
        let f = try WorkbenchFixture(reviewing: false)
        #expect(f.screen.contains("rejected") && f.screen.contains("gate-rej"), "\(f.screen)")
        // SampleData's billing slice has gate rejections and, so far, no reviewer's.
        let summary = try f.desk.summary()
        let billing = try #require(summary.slices.first { $0.slice == "billing" })
        #expect(billing.gateRejected > 0 && billing.rejected == 0)
        let line = try #require(f.screen.split(separator: "\n").first { $0.contains("billing") })
        let numbers = line.split(separator: " ").compactMap { Int($0) }
        // pending, reviewed, accepted, rejected, gate-rejected, flagged
        #expect(numbers.count >= 6 && numbers[3] == 0 && numbers[4] == billing.gateRejected, "\(line)")
    }
}
