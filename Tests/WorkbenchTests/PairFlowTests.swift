import Foundation
import ProvenanceLog
import TerminalCore
import Testing
@testable import Workbench
import Workspace

/// Issue 12, item 9: swap asks before it saves; "both bad" is one key on a pair and refused,
/// with the reason, on any other row; the edit confirmation marks the words that changed.
@Suite(.serialized) struct PairFlowTests {
    func current(_ f: WorkbenchFixture) throws -> ReviewScreen { try #require(f.workbench.top as? ReviewScreen) }


    @Test func swapAsksFirstAndCancelRecordsNothing() throws {
        let f = try WorkbenchFixture()
        try f.show("pref-0002")
        try f.type("s")
        #expect(f.workbench.top is ConfirmSwapScreen)
        #expect(f.screen.contains("Nothing is recorded yet"), "\(f.screen)")
        // What would be saved: the old rejected answer now under A · CHOSEN.
        let screen = f.screen
        let chosenAt = try #require(screen.range(of: "A · CHOSEN")).lowerBound
        let rejectedAt = try #require(screen.range(of: "B · REJECTED")).lowerBound
        let wellAt = try #require(screen.range(of: "Well, there are some")).lowerBound
        #expect(chosenAt < wellAt && wellAt < rejectedAt, "\(screen)")
        #expect(try f.reviewEntries().isEmpty, "nothing before the confirmation")
        try f.type("n")
        #expect(try f.reviewEntries().isEmpty, "cancel records nothing")
        #expect(try current(f).item?.row.id == "pref-0002", "the pair is still on screen")
        #expect(f.screen.contains("swap cancelled: nothing recorded"))
        try f.type("s<Esc>")
        #expect(try f.reviewEntries().isEmpty)
        #expect(try f.session.index.row(id: "pref-0002")?.state == .pending)
    }

    @Test func swapConfirmedIsOneEditWithTheSidesExchanged() throws {
        let f = try WorkbenchFixture()
        try f.show("pref-0002")
        let before = try f.desk.value(of: try #require(try current(f).item).row)
        try f.type("sy")
        let entries = try f.reviewEntries()
        #expect(entries.count == 1)
        let payload = try entries[0].payload(DecisionPayload.self)
        #expect(payload.row == "pref-0002" && payload.action == .edit && payload.note == "swapped chosen and rejected")
        #expect(payload.newRow?["chosen"] == before["rejected"] && payload.newRow?["rejected"] == before["chosen"])
        #expect(try current(f).item?.row.id != "pref-0002")
    }

    @Test func bothBadRejectsAPairWithItsOwnReason() throws {
        let f = try WorkbenchFixture()
        try f.show("pref-0002")
        #expect(f.screen.contains("B both bad"), "offered on the status line of a pair:\n\(f.screen)")
        try f.type("B")
        let entries = try f.reviewEntries()
        #expect(entries.count == 1)
        let payload = try entries[0].payload(DecisionPayload.self)
        #expect(payload.row == "pref-0002" && payload.action == .reject && payload.reason == WorkspaceConfig.bothBadReason)
        #expect(f.screen.contains("saved #\(entries[0].seq): reject (both-bad) pref-0002"))
        #expect(try f.session.index.row(id: "pref-0002")?.state == .rejected)
        // The stats screen counts it apart, per generator.
        try f.type("S")
        #expect(f.screen.contains("1 of the rejects: preference pairs with both answers bad"), "\(f.screen)")
        try f.type("q")
        // Undo brings it back like any decision.
        try f.type("u")
        #expect(try f.session.index.row(id: "pref-0002")?.state == .pending)
    }

    @Test func bothBadOnARowThatIsNotAPairSaysWhyNot() throws {
        let f = try WorkbenchFixture()
        try f.show("chat-0027")
        #expect(!f.screen.contains("both bad"), "not offered on a chat row")
        try f.type("B")
        #expect(try f.reviewEntries().isEmpty)
        #expect(f.screen.contains("both bad is for preference pairs"), "\(f.screen)")
        #expect(try current(f).item?.row.id == "chat-0027")
        try f.type("c")
        #expect(f.screen.contains("only a preference pair has a shared context"))
    }

    /// The edit confirmation marks the word that changed, not the whole paragraph.
    @Test(arguments: ScreenSnapshotTests.sizes) func editDiffMarksTheChangedWords(size: Size) throws {
        let f = try WorkbenchFixture(size: size)
        try f.useEditor("sed -i 's/often selling fake/sometimes selling fake/' \"$1\"")
        try f.show("chat-0053")
        try f.type("e")
        expectSnapshot(markedText(f.terminal.screen), named: "edit-diff-words-\(size)")
        let marked = (0..<f.terminal.screen.size.rows).flatMap { y in
            (0..<f.terminal.screen.size.columns).filter { f.terminal.screen[$0, y].style.reverse && [.red, .green].contains(f.terminal.screen[$0, y].style.colour) }
                .map { f.terminal.screen[$0, y].text }
        }.joined()
        #expect(marked == "oftensometimes", "only the changed word on each side: \(marked)")
    }

    /// The near-duplicate neighbour: the words that differ are marked on both rows.
    @Test(arguments: ScreenSnapshotTests.sizes) func neighbourMarksTheWordsThatDiffer(size: Size) throws {
        let f = try WorkbenchFixture(size: size)
        try f.show("chat-0098")
        try f.type("o")
        expectSnapshot(markedText(f.terminal.screen), named: "neighbour-words-\(size)")
        let canvas = f.terminal.screen
        let marked = (0..<canvas.size.rows).flatMap { y in
            (0..<canvas.size.columns).filter { canvas[$0, y].style.reverse && [.red, .green].contains(canvas[$0, y].style.colour) }.map { canvas[$0, y].text }
        }.joined()
        // Side by side at 160 columns; at 80 the neighbour is below, its line may be past the fold.
        #expect(size.columns >= 160 ? marked == "standsit" : marked.hasPrefix("stand"), "stand / sit: \(marked)")
    }
}
