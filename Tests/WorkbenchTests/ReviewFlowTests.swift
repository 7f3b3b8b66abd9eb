import Foundation
import ProvenanceLog
import ReviewQueue
import TerminalCore
import Testing
@testable import Workbench
@testable import Workspace

/// Decisions through keys: each lands in the log as exactly one entry before the next row is
/// drawn, undo appends a revert and brings the row back, and nothing is written by looking.
@Suite(.serialized) struct ReviewFlowTests {
    func current(_ f: WorkbenchFixture) throws -> ReviewScreen { try #require(f.workbench.top as? ReviewScreen) }

    @Test func acceptRecordsOneDecisionAndMovesOn() throws {
        let f = try WorkbenchFixture()
        let first = try #require(try current(f).item).row.id
        try f.type("a")
        let entries = try f.reviewEntries()
        #expect(entries.count == 1)
        let payload = try entries[0].payload(DecisionPayload.self)
        #expect(payload.row == first && payload.action == .accept && payload.spentMs != nil)
        let next = try #require(try current(f).item).row.id
        #expect(next != first)
        #expect(f.screen.contains("saved #\(entries[0].seq): accept \(first)"))
        #expect(try f.session.index.row(id: first)?.state == .accepted)
    }

    /// Issue 12, item 3: a paste is text, never keys. On the review screen it records nothing
    /// (before, "refund⏎all fine here" ran as a search, an accept, a flag and the editor); in a
    /// prompt it is the prompt's text on one line, and its newline does not submit it.
    @Test func aPasteIsTextNeverKeys() throws {
        let f = try WorkbenchFixture()
        let first = try #require(try current(f).item).row.id
        f.workbench.handle(.paste("refund\nall fine here\nfea"))
        #expect(try f.reviewEntries().isEmpty, "no decision from a paste")
        #expect(try current(f).item?.row.id == first, "still on the same row")
        #expect(f.screen.contains("A paste is text, not keys: ignored here"))
        try f.type("/")
        f.workbench.handle(.paste("refund\r\nall\tfine\u{1B}[2J"))
        let prompt = try #require(f.workbench.top as? LinePrompt, "the search prompt is still open")
        #expect(prompt.text == "refund all fine[2J")
        #expect(try f.reviewEntries().isEmpty)
    }

    /// Issue 12, item 2: a key sequence winnow does not know does nothing and says so.
    @Test func anUnknownKeySequenceDoesNothingAndSaysSo() throws {
        let f = try WorkbenchFixture()
        let first = try #require(try current(f).item).row.id
        f.workbench.handle(.ignoredSequence("ESC [1;5A"))
        #expect(try f.reviewEntries().isEmpty)
        #expect(try current(f).item?.row.id == first)
        #expect(f.screen.contains("Ignored a key winnow does not know (ESC [1;5A)"), "\(f.screen)")
    }

    @Test func rejectPicksAReasonWithOneDigit() throws {
        let f = try WorkbenchFixture()
        let first = try #require(try current(f).item).row.id
        try f.type("x")
        #expect(f.screen.contains("Reject: why?"))
        try f.type("2")
        let payload = try #require(try f.reviewEntries().first).payload(DecisionPayload.self)
        #expect(payload.row == first && payload.action == .reject && payload.reason == f.session.config.reasons[1].code)
    }

    @Test func rejectWithANote() throws {
        let f = try WorkbenchFixture()
        // The note is typed straight after n: its letters and digits are text, not keys.
        try f.type("xnwrong<Space>2<Space>refund<Space>windows<Enter>")
        #expect(try f.reviewEntries().isEmpty, "nothing is decided while the note is typed")
        #expect(f.screen.contains("(note: wrong 2 refund windows)"), "\(f.screen)")
        try f.type("1")
        let payload = try #require(try f.reviewEntries().first).payload(DecisionPayload.self)
        #expect(payload.note == "wrong 2 refund windows" && payload.reason == f.session.config.reasons[0].code)
    }

    /// A stray Enter in the picker decides nothing; Enter rejects only with a reason the
    /// reviewer highlighted, and the box says which.
    @Test func enterInTheReasonPickerNeedsAHighlightedReason() throws {
        let f = try WorkbenchFixture()
        try f.type("x<Enter>")
        #expect(try f.reviewEntries().isEmpty)
        #expect(f.screen.contains("nothing rejected: press a reason's digit"), "\(f.screen)")
        #expect(f.screen.contains("<Enter> does nothing until j/k highlight a reason"), "\(f.screen)")
        try f.type("jj")
        let code = f.session.config.reasons[1].code
        #expect(f.screen.contains("<Enter> rejects as \(code)"), "\(f.screen)")
        try f.type("<Enter>")
        let payload = try #require(try f.reviewEntries().first).payload(DecisionPayload.self)
        #expect(payload.action == .reject && payload.reason == code)
    }

    @Test func cancellingTheReasonPickerWritesNothing() throws {
        let f = try WorkbenchFixture()
        let first = try #require(try current(f).item).row.id
        try f.type("x<Esc>")
        #expect(try f.reviewEntries().isEmpty)
        #expect(try current(f).item?.row.id == first)
    }

    @Test func undoAppendsARevertAndBringsTheRowBack() throws {
        let f = try WorkbenchFixture()
        let first = try #require(try current(f).item).row.id
        try f.type("a")
        try f.type("u")
        let entries = try f.reviewEntries()
        #expect(entries.map(\.kind) == ["decision", "revert"])
        #expect(try entries[1].payload(RevertPayload.self).reverts == entries[0].seq)
        #expect(try current(f).item?.row.id == first)
        #expect(try f.session.index.row(id: first)?.state != .accepted)
        try f.type("u")
        #expect(f.screen.contains("nothing to undo"))
    }

    @Test func skipKeepsTheRowOutOfTheWayWithoutWriting() throws {
        let f = try WorkbenchFixture()
        let first = try #require(try current(f).item).row.id
        try f.type("<Space>")
        #expect(try current(f).item?.row.id != first)
        #expect(try f.reviewEntries().isEmpty)
    }

    @Test func flagGoesToTheExpertBacklog() throws {
        let f = try WorkbenchFixture()
        let first = try #require(try current(f).item).row.id
        try f.type("f")
        #expect(try f.session.index.row(id: first)?.state == .flagged)
    }

    @Test func swapExchangesChosenAndRejectedAsAnEdit() throws {
        let f = try WorkbenchFixture()
        let screen = try current(f)
        if let item = screen.item { try f.queue.release(item.row.id) }
        try screen.advance(workbench: f.workbench, to: try #require(try f.queue.claim(id: "pref-0001")))
        try f.type("s")
        #expect(try f.reviewEntries().isEmpty, "a swap asks first (issue 12, item 9)")
        try f.type("y")
        let payload = try #require(try f.reviewEntries().first).payload(DecisionPayload.self)
        #expect(payload.action == .edit && payload.row == "pref-0001")
        let original = try f.desk.value(of: try #require(try f.session.index.row(id: "pref-0001")))
        #expect(payload.newRow?["chosen"] == original["rejected"] && payload.newRow?["rejected"] == original["chosen"])
    }

    @Test func unboundKeySaysSoAndWritesNothing() throws {
        let f = try WorkbenchFixture()
        try f.type("Z")
        #expect(f.screen.contains("Z does nothing here"))
        #expect(try f.reviewEntries().isEmpty)
    }

    @Test func signalEndsTheSessionAndReleasesClaims() throws {
        let f = try WorkbenchFixture()
        #expect(try claims(f) == 1)
        f.workbench.handle(.signal(.hangup))
        f.workbench.finish()
        #expect(try claims(f) == 0)
    }

    @Test func quitFromReviewGoesHomeThenQuits() throws {
        let f = try WorkbenchFixture()
        try f.type("q")
        #expect(f.screen.contains("all slices, by priority"))
        // A q too many on home does not end the session: it says which key does.
        try f.type("q")
        #expect(f.workbench.ending == nil && f.screen.contains("this is home: Q leaves winnow"), "\(f.screen)")
        try f.type("<Enter>")
        #expect(f.workbench.top is ReviewScreen)
        try f.type("Q")
        #expect(f.workbench.run() == .quit)
        #expect(try claims(f) == 0)
    }

    @Test func editorChangesAreShownAsADiffThenSaved() throws {
        let f = try WorkbenchFixture()
        let first = try #require(try current(f).item).row
        // Replace the last piece of text (the answer) with a corrected one.
        try f.useEditor(WorkbenchFixture.replacingLastPiece(with: ["Corrected answer.", ""]))
        try f.type("e")
        #expect(f.screen.contains("+ Corrected answer."))
        #expect(try f.reviewEntries().isEmpty, "nothing is written before the diff is confirmed")
        try f.type("y")
        let payload = try #require(try f.reviewEntries().first).payload(DecisionPayload.self)
        #expect(payload.row == first.id && payload.action == .edit)
        #expect(payload.newRow?.canonicalString.contains("Corrected answer.") == true)
    }

    @Test func anEditThatDoesNotReadBackIsKept() throws {
        let f = try WorkbenchFixture()
        try f.useEditor("echo 'my careful rewrite' > \"$1\"")
        try f.type("e")
        #expect(f.screen.contains("text before the first ==="))
        let screen = try #require(f.workbench.top as? ConfirmEditScreen)
        #expect(try String(contentsOfFile: screen.path, encoding: .utf8).contains("my careful rewrite"))
        try f.type("n")
        #expect(FileManager.default.fileExists(atPath: screen.path), "the reviewer's text is never deleted on a failed edit")
        #expect(try f.reviewEntries().isEmpty)
        try? FileManager.default.removeItem(atPath: screen.path)
    }

    func claims(_ f: WorkbenchFixture) throws -> Int {
        try f.session.index.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM claims") ?? 0 }
    }
}

/// What goes wrong at the edges: no reason codes, an edit the queue refuses, an undo whose row
/// another reviewer now holds. Nothing crashes, nothing is decided twice, no text is lost.
@Suite(.serialized) struct ReviewEdgeTests {
    @Test func noReasonCodesConfiguredIsAMessageNotACrash() throws {
        let f = try WorkbenchFixture(configure: { config in
            var lines = config.components(separatedBy: "\n")
            if let start = lines.firstIndex(of: "[reasons]") {
                var end = start + 1
                while end < lines.count, !lines[end].hasPrefix("[") { end += 1 }
                lines.removeSubrange((start + 1)..<end)
            }
            return lines.joined(separator: "\n")
        })
        try f.type("xj<Enter>")
        #expect(f.screen.contains("no reason codes are configured"))
        try f.type("1<Esc>")
        #expect(try f.reviewEntries().isEmpty)
    }

    @Test func anEditTheQueueRefusesKeepsTheScreenAndNamesTheDraft() throws {
        let f = try WorkbenchFixture()
        // Empties the assistant's answer: the document reads back, but a chat row needs content.
        try f.useEditor(WorkbenchFixture.replacingLastPiece(with: [""]))
        try f.type("e")
        let confirm = try #require(f.workbench.top as? ConfirmEditScreen)
        try f.type("y")
        #expect(f.workbench.top === confirm, "the confirm screen stays when the save is refused")
        #expect(f.screen.replacingOccurrences(of: "\n  ", with: " ").contains("your text is kept in \(confirm.path)"))
        #expect(FileManager.default.fileExists(atPath: confirm.path))
        #expect(f.desk.keptDrafts == [confirm.path])
        #expect(try f.reviewEntries().isEmpty)
        try? FileManager.default.removeItem(atPath: confirm.path)
    }

    @Test func undoWhenAnotherReviewerHoldsTheRowClaimsOnlyOneOtherRow() throws {
        let f = try WorkbenchFixture()
        let screen = try #require(f.workbench.top as? ReviewScreen)
        let first = try #require(screen.item).row.id
        try f.type("a")
        // Another process (another reviewer) takes the row as soon as the revert frees it.
        let other = try QueueService(session: f.session, reviewer: Reviewer(uid: 5009, user: "ana", groups: []))
        other.now = { WorkbenchFixture.clock }
        try f.type("u")
        let ours = try f.session.index.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM claims WHERE holder = ?", arguments: [f.queue.holder]) ?? 0
        }
        #expect(ours <= 2, "at most the row before and the row on screen")
        _ = other
        #expect(try f.reviewEntries().map(\.kind) == ["decision", "revert"])
        #expect(screen.item?.row.id == first || f.screen.contains("another reviewer holds it"))
    }
}

extension ReviewEdgeTests {
    @Test func aRowWhoseLeaseRanOutToAnotherReviewerMovesOnWithoutRecording() throws {
        let f = try WorkbenchFixture()
        let screen = try #require(f.workbench.top as? ReviewScreen)
        let first = try #require(screen.item).row.id
        // Another reviewer holds the row now (as if this session's lease had run out).
        try f.session.index.write { db in
            try db.execute(sql: "UPDATE claims SET uid = 5009, reviewer = 'ana', holder = 'other' WHERE n = (SELECT n FROM rows WHERE id = ?)",
                           arguments: [first])
        }
        try f.type("a")
        #expect(try f.reviewEntries().isEmpty)
        #expect(screen.item?.row.id != first)
        #expect(f.screen.contains("on ana's screen now"))
    }
}
