import Foundation
import ProvenanceLog
import ReviewQueue
import TerminalCore
import Testing
@testable import Workbench
@testable import Workspace

/// Issue 12, item 10: going back to the row decided last (and the one before), `(none)` on
/// home, and (item 8) a long slice name in the review header.
@Suite(.serialized) struct PreviousRowTests {
    func current(_ f: WorkbenchFixture) throws -> ReviewScreen { try #require(f.workbench.top as? ReviewScreen) }

    @Test func previousRowShowsYourDecisionsNewestFirstAndRecordsNothing() throws {
        let f = try WorkbenchFixture()
        let first = try #require(try current(f).item).row.id
        try f.type("a")
        let second = try #require(try current(f).item).row.id
        try f.type("f")
        let onScreen = try #require(try current(f).item).row.id
        try f.type("p")
        #expect(try current(f).past?.row.id == second)
        #expect(f.screen.contains("YOUR DECISION") && f.screen.contains("you: flag"), "\(f.screen)")
        try f.type("p")
        #expect(try current(f).past?.row.id == first)
        #expect(f.screen.contains("you: accept"), "\(f.screen)")
        try f.type("p")
        #expect(f.screen.contains("that was your first decision in this session"), "\(f.screen)")
        // Decision keys over a past decision record nothing.
        for key in ["5a", "a", "f", "x", "s", "<Space>", "b"] { try f.type(key) }
        #expect(try f.reviewEntries().count == 2)
        #expect(f.screen.replacingOccurrences(of: "\n  ", with: " ").contains("shown again: nothing was done"), "\(f.screen)")
        // The row underneath is still held, and q goes back to it.
        #expect(try current(f).item?.row.id == onScreen)
        try f.type("q")
        #expect(try current(f).past == nil && current(f).item?.row.id == onScreen)
        #expect(f.workbench.top is ReviewScreen, "q closed the past view, not the review")
    }

    /// u over a past decision takes back that one (not the latest) and brings its row back.
    @Test func undoOverAPastDecisionRevertsThatOne() throws {
        let f = try WorkbenchFixture()
        let first = try #require(try current(f).item).row.id
        try f.type("a")
        try f.type("a")
        let decisions = try f.reviewEntries()
        try f.type("pp")
        #expect(try current(f).past?.row.id == first)
        try f.type("u")
        let entries = try f.reviewEntries()
        #expect(entries.count == 3)
        let revert = try #require(entries.last)
        #expect(revert.kind == "revert")
        #expect(try revert.payload(RevertPayload.self).reverts == decisions[0].seq, "the first decision, the one shown")
        #expect(try current(f).item?.row.id == first && current(f).past == nil)
        #expect(try f.session.index.row(id: first)?.state == .pending)
        // The second decision stands, and p now goes back to it.
        try f.type("p")
        #expect(try current(f).past?.seq == decisions[1].seq)
    }

    @Test func previousRowWithNothingDecidedSaysSo() throws {
        let f = try WorkbenchFixture()
        try f.type("p")
        #expect(f.screen.contains("no decision of yours in this session to go back to"))
        #expect(try current(f).past == nil)
    }

    @Test func thePastViewSnapshot() throws {
        let f = try WorkbenchFixture()
        try f.type("x1")
        try f.type("p")
        expectSnapshot(f.screen, named: "previous-row-80x24")
    }

    /// Enter on home's "(none)" line reviewed every slice; it reviews the rows without one.
    @Test func noneOnHomeReviewsTheRowsWithoutASlice() throws {
        let unsliced = (1...3).map {
            #"{"id": "plain-000\#($0)", "prompt": "Name a colour of the rainbow, number \#($0).", "response": "Green.", "meta": {"origin": "synthetic"}}"#
        }
        // Imported after the gates ran, so the classifier has not given them "general" (rows
        // stay without a slice until it runs: an import with --no-gates, a config without one).
        let f = try WorkbenchFixture(reviewing: false, configure: {
            $0.replacingOccurrences(of: "review_rate = 0.05", with: "review_rate = 1.0")
        }, before: { paths in
            let file = paths.root + "/../unsliced.jsonl"
            try (unsliced.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
            _ = try WorkspaceSession.open(paths).importFile(file, options: ImportOptions(), progress: nil)
        })
        let home = try #require(f.workbench.top as? HomeScreen)
        let line = try #require(home.slices.firstIndex { $0.slice == QueueSummary.noSlice })
        try f.type("\(line + 1)j<Enter>")
        let screen = try current(f)
        #expect(screen.slice == QueueSummary.noSlice)
        #expect(screen.openRows == 3)
        var served: [String] = []
        while let item = try current(f).item {
            #expect(item.row.provenance.slices.isEmpty, "\(item.row.id) has slice \(item.row.provenance.slices)")
            served.append(item.row.id)
            try f.type("a")
        }
        #expect(served.sorted() == ["plain-0001", "plain-0002", "plain-0003"])
        #expect(f.screen.contains("Nothing left to review among the rows without a slice"), "\(f.screen)")
        // The same from the command line.
        try f.typeText(":slice (none)<Enter>")
        #expect(try current(f).slice == QueueSummary.noSlice)
    }

    /// Item 8: a long slice name gives way (after the id), never the open count or the lease.
    @Test(arguments: [Size(columns: 80, rows: 24), Size(columns: 160, rows: 48)])
    func aLongSliceNameIsShortenedNotTheOpenCountOrTheLease(size: Size) throws {
        let slice = "customer-support-escalations-for-enterprise-accounts-in-europe"
        let f = try WorkbenchFixture(size: size, extraRows: [
            #"{"prompt": "How do I escalate a ticket?", "response": "Ask your account manager.", "meta": {"slice": "\#(slice)", "origin": "synthetic"}}"#,
        ], configure: { $0.replacingOccurrences(of: "review_rate = 0.05", with: "review_rate = 1.0") })
        let id = try #require(try f.session.index.read { db in
            try String.fetchOne(db, sql: "SELECT id FROM rows WHERE slice = ?", arguments: [slice])
        })
        try f.typeText(":goto \(id)<Enter>")
        #expect(try current(f).item?.row.id == id)
        f.workbench.message = nil
        f.workbench.draw()
        let header = try #require(f.screen.split(separator: "\n").dropFirst().first.map(String.init))
        #expect(header.contains("open") && header.contains("lease 10:00"), "\(header)")
        #expect(header.contains(String(slice.prefix(5))) && !header.contains(slice), "\(header)")
        #expect(header.contains(String(id.prefix(7))), "\(header)")
    }
}
