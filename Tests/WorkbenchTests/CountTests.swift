import Foundation
import ProvenanceLog
import ReviewQueue
import TerminalCore
import TestSupport
import Testing
@testable import Workbench

/// Issue 12, item 10: counts as vim, tig and mutt users type them. A count repeats a move; it
/// never repeats a decision, and a count before a decision key records nothing at all.
@Suite(.serialized) struct CountTests {
    func current(_ f: WorkbenchFixture) throws -> ReviewScreen { try #require(f.workbench.top as? ReviewScreen) }

    /// A row long enough to scroll at 80x24.
    static let longRow = #"{"id": "long-0001", "prompt": "Tell me a long story.", "response": "\#((1...60).map { "Line \($0) of a story that goes on and on." }.joined(separator: "\\n"))", "meta": {"slice": "safety", "origin": "synthetic"}}"#

    func onLongRow(_ f: WorkbenchFixture) throws {
        let screen = try current(f)
        if let on = screen.item { try f.desk.skip(on.row.id, slice: nil, adjudication: false) }
        try screen.advance(workbench: f.workbench, to: try f.desk.claim("long-0001"))
        f.workbench.draw()
    }

    @Test func aCountRepeatsAMoveAndShowsWhilePending() throws {
        let f = try WorkbenchFixture(extraRows: [Self.longRow])
        try onLongRow(f)
        try f.type("5")
        #expect(f.workbench.pendingCount == 5)
        #expect(f.screen.contains("5… ") && f.screen.contains("a count repeats a move"), "\(f.screen)")
        try f.type("j")
        #expect(try current(f).scroll.offset == 5)
        #expect(f.workbench.pendingCount == nil)
        try f.type("12j")
        #expect(try current(f).scroll.offset == 17)
        try f.type("3k")
        #expect(try current(f).scroll.offset == 14)
        try f.type("j")
        #expect(try current(f).scroll.offset == 15, "no count: one line")
        #expect(try f.reviewEntries().isEmpty)
    }

    @Test func escapeClearsAPendingCount() throws {
        let f = try WorkbenchFixture(extraRows: [Self.longRow])
        try onLongRow(f)
        try f.type("4<Esc>j")
        #expect(try current(f).scroll.offset == 1)
        try f.type("4<Esc>")
        #expect(f.screen.contains("count cleared"), "\(f.screen)")
    }

    @Test func aCountMovesTheChoiceOnHome() throws {
        let f = try WorkbenchFixture(reviewing: false)
        let home = try #require(f.workbench.top as? HomeScreen)
        try f.type("3j")
        #expect(home.selected == 3)
        try f.type("2k")
        #expect(home.selected == 1)
    }

    /// The safe reading: `5a` accepts nothing (not five rows, and not the one on screen).
    @Test func aCountBeforeADecisionRecordsNothingAndSaysSo() throws {
        let f = try WorkbenchFixture()
        let first = try #require(try current(f).item).row.id
        try f.type("5a")
        #expect(try f.reviewEntries().isEmpty)
        #expect(try current(f).item?.row.id == first, "still on the same row")
        #expect(f.screen.contains("5a: a count repeats moves"), "\(f.screen)")
        #expect(f.screen.replacingOccurrences(of: "\n  ", with: " ").contains("never decisions: nothing was done"), "\(f.screen)")
        // Nothing is left pending: the next key is a key.
        try f.type("a")
        #expect(try f.reviewEntries().count == 1)
    }

    @Test func aCountBeforeRejectOpensNoPicker() throws {
        let f = try WorkbenchFixture()
        try f.type("2x")
        #expect(!(f.workbench.top is ReasonPicker))
        // The digit after it starts a new count, it does not pick a reason.
        try f.type("1")
        #expect(try f.reviewEntries().isEmpty)
    }

    /// Digits a screen binds keep their meaning: adjudication's 1 picks the first reviewer,
    /// and a count before it is refused like any count before a decision.
    @Test func adjudicationDigitsKeepTheirMeaning() throws {
        let me = Int(getuid())
        let f = try WorkbenchFixture(reviewing: false, configure: {
            $0.replacingOccurrences(of: "overlap_share = 0.10", with: "overlap_share = 1.0")
        }, before: { paths in
            try WorkbenchFixture.append(DecisionPayload(row: "chat-0053", action: .accept, slice: "safety"), as: "ana", uid: me + 1, to: paths)
            try WorkbenchFixture.append(DecisionPayload(row: "chat-0053", action: .reject, reason: "unsafe", slice: "safety"), as: "ben", uid: me + 2, to: paths)
        })
        try f.type("A")
        #expect(try current(f).item?.row.id == "chat-0053")
        try f.type("31")
        #expect(try f.reviewEntries().filter { $0.actor.uid == me }.isEmpty, "3 then 1: refused, nothing recorded")
        #expect(f.screen.contains("31: a count repeats moves"), "\(f.screen)")
        try f.type("1")
        let mine = try f.reviewEntries().filter { $0.actor.uid == me }
        #expect(mine.count == 1)
        #expect(try mine.first?.payload(DecisionPayload.self).action == .accept)
    }

    /// Property: whatever mix of digits, Esc, moves and decision keys is typed, a decision key
    /// after a count records nothing, and one without a count records at most one entry.
    @Test func noCountAndDecisionKeySequenceRecordsMoreThanOneDecision() throws {
        let f = try WorkbenchFixture(configure: {
            $0.replacingOccurrences(of: "review_rate = 0.05", with: "review_rate = 1.0")
        })
        var random = SplitMix64(0x5eed_c0_117)
        // The editor fails at once: an edit key opens it and nothing is saved.
        try f.useEditor("exit 1")
        let decisions = ["a", "f", "s", "u", "<BS>", "x", "<Space>", "b", "p", "e"]
        let others = ["j", "k", "<PageDown>", "<Esc>", "n", "N"]
        var expectedAtMost = 0
        for _ in 0..<300 {
            let before = try f.reviewEntries().count
            var counted = false
            if random.next() % 2 == 0 {
                let digits = 1 + Int(random.next() % 3)
                var count = String(1 + random.next() % 9)
                for _ in 1..<digits { count += String(random.next() % 10) }
                try f.type(count)
                counted = true
            }
            let pool = random.next() % 3 == 0 ? others : decisions
            let key = pool[Int(random.next() % UInt64(pool.count))]
            try f.type(key)
            // The reject picker and the editor wait for more: leave them without deciding.
            while f.workbench.top is ReasonPicker || f.workbench.top is LinePrompt { try f.type("<Esc>") }
            let added = try f.reviewEntries().count - before
            if counted && decisions.contains(key) {
                #expect(added == 0, "a count then \(key) recorded \(added)")
            } else {
                #expect(added <= 1, "\(key) recorded \(added)")
                if decisions.contains(key) { expectedAtMost += 1 }
            }
        }
        #expect(try f.reviewEntries().count <= expectedAtMost)
    }
}
