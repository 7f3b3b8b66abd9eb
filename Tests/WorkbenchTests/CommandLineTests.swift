import Foundation
import ProvenanceLog
import ReviewQueue
import TerminalCore
import Testing
@testable import Workbench
@testable import Workspace

/// Issue 12, item 10: the `:` command line, going to a row by id, and `/` finding a row id.
@Suite(.serialized) struct CommandLineTests {
    func current(_ f: WorkbenchFixture) throws -> ReviewScreen { try #require(f.workbench.top as? ReviewScreen) }
    func prompt(_ f: WorkbenchFixture) throws -> LinePrompt { try #require(f.workbench.top as? LinePrompt) }

    func holder(_ f: WorkbenchFixture, _ id: String) throws -> String? {
        try f.session.index.read { db in
            try String.fetchOne(db, sql: "SELECT holder FROM claims JOIN rows ON rows.n = claims.n WHERE rows.id = ?", arguments: [id])
        }
    }

    func firstID(_ f: WorkbenchFixture, where condition: String) throws -> String {
        try #require(try f.session.index.read { db in
            try String.fetchOne(db, sql: "SELECT rows.id FROM rows LEFT JOIN queue ON queue.n = rows.n WHERE \(condition) ORDER BY rows.id LIMIT 1")
        }, "no row where \(condition)")
    }

    @Test func gotoReachesTheRowAndGivesTheOldOneBack() throws {
        let f = try WorkbenchFixture()
        let left = try #require(try current(f).item).row.id
        try #require(left != "alp-0018")
        try f.typeText(":goto alp-0018<Enter>")
        #expect(try current(f).item?.row.id == "alp-0018")
        #expect(try holder(f, "alp-0018") == f.queue.holder)
        #expect(try holder(f, left) == nil, "the row left goes back to the queue at once")
        #expect(f.desk.skipped(slice: nil, adjudication: false).map(\.id) == [left], "and b comes back to it")
        #expect(f.screen.contains("here is alp-0018") && f.screen.contains("data processing agreement"), "\(f.screen)")
        #expect(try f.reviewEntries().isEmpty, "going somewhere records nothing")
    }

    /// `/alp-0018` found nothing before: an id is not in the row's text.
    @Test func searchingForARowIdGoesToThatRow() throws {
        let f = try WorkbenchFixture()
        try f.typeText("/alp-0018<Enter>")
        #expect(try current(f).item?.row.id == "alp-0018", "\(f.screen)")
    }

    @Test func gotoFromHomeOpensReviewOnTheRow() throws {
        let f = try WorkbenchFixture(reviewing: false)
        try f.typeText(":goto alp-0018<Enter>")
        #expect(try current(f).item?.row.id == "alp-0018")
        #expect(try current(f).slice == nil)
        try f.type("H")
        #expect(try holder(f, "alp-0018") == nil, "leaving review gives it back")
    }

    /// Every refusal leaves the screen on its row, claims nothing and records nothing.
    @Test func gotoRefusesRowsThatAreNotYoursToReview() throws {
        let f = try WorkbenchFixture(configure: {
            $0.replacingOccurrences(of: "# group = \"winnow-medical\"", with: "group = \"winnow-medical\"")
        })
        let medical = try firstID(f, where: "rows.slice = 'medical'")
        let unsampled = try firstID(f, where: "rows.slice = 'general' AND rows.state = 'pending' AND queue.open = 0")
        let gated = try firstID(f, where: "rows.state = 'gate-rejected' AND rows.slice != 'medical'")
        let mine = try #require(try current(f).item).row.id
        try f.type("a")
        let onScreen = try #require(try current(f).item).row.id
        let other = try QueueService(session: f.session, reviewer: Reviewer(uid: 5009, user: "ana", groups: []))
        other.now = { WorkbenchFixture.clock }
        let theirs = try firstID(f, where: "rows.slice = 'safety' AND queue.open = 1 AND rows.id NOT IN ('\(mine)', '\(onScreen)')")
        _ = try other.goto(id: theirs)
        let cases: [(String, String)] = [
            ("alp-9999", "no row has the id 'alp-9999' in this workspace"),
            (medical, "only members of group 'winnow-medical' may review: not shown"),
            (mine, "you decided '\(mine)' already (accept)"),
            (theirs, "is on ana's screen now"),
            (unsampled, "is not in the review queue: the review plan did not draw it from slice 'general'"),
            (gated, "was rejected by a gate"),
            (onScreen, "is on your screen already"),
        ]
        for (id, said) in cases {
            try f.typeText(":goto \(id)<Enter>")
            #expect(f.screen.replacingOccurrences(of: "\n  ", with: " ").contains(said), "\(id): \(f.screen)")
            #expect(try current(f).item?.row.id == onScreen, "\(id)")
            if id != onScreen { #expect(try holder(f, id) != f.queue.holder, "\(id)") }
        }
        #expect(try f.reviewEntries().count == 1)
        // Nothing of the medical row reaches the screen, and its id is not offered either.
        let text = try f.desk.text(of: try #require(try f.desk.row(id: medical)))
        let words = try #require(text.segments.last?.text.split(separator: " ").prefix(4).joined(separator: " "))
        try f.typeText(":goto \(medical)")
        #expect(!f.screen.contains(words))
        try f.type("<Tab>")
        #expect(f.screen.contains("no row id you may review starts with"), "\(f.screen)")
    }

    @Test func anActionByNameDoesWhatItsKeyDoes() throws {
        let f = try WorkbenchFixture()
        let first = try #require(try current(f).item).row.id
        try f.typeText(":accept<Enter>")
        let entries = try f.reviewEntries()
        #expect(entries.count == 1)
        #expect(try entries.first?.payload(DecisionPayload.self).row == first)
        #expect(try current(f).item?.row.id != first)
        try f.typeText(":accept now<Enter>")
        #expect(f.screen.contains(":accept takes nothing after it; nothing was done"))
        try f.typeText(":H<Enter>")
        #expect(try f.reviewEntries().count == 1)
        try f.typeText(":go-home<Enter>")
        #expect(f.workbench.top is HomeScreen)
        try f.typeText(":accept<Enter>")
        #expect(f.screen.contains("accept does nothing on this screen"), "\(f.screen)")
        #expect(try f.reviewEntries().count == 1)
    }

    @Test func anUnknownCommandIsNamedWithTheNearestOne() throws {
        let f = try WorkbenchFixture()
        try f.typeText(":acept<Enter>")
        #expect(f.screen.contains("unknown command 'acept': did you mean :accept?"), "\(f.screen)")
        try f.typeText(":sliec medical<Enter>")
        #expect(f.screen.contains("did you mean :slice?"), "\(f.screen)")
        try f.typeText(":goto<Enter>")
        #expect(f.screen.contains("goto needs a row id"), "\(f.screen)")
        #expect(try f.reviewEntries().isEmpty)
    }

    @Test func sliceReviewsThatSlice() throws {
        let f = try WorkbenchFixture()
        try f.typeText(":slice medical<Enter>")
        #expect(try current(f).slice == "medical")
        #expect(try current(f).item?.row.provenance.slices.first == "medical")
        #expect(f.screen.contains("review · medical"))
        try f.typeText(":slice medicl<Enter>")
        #expect(f.screen.contains("no slice named 'medicl': did you mean medical?"), "\(f.screen)")
        #expect(try current(f).slice == "medical")
    }

    @Test func tabCompletesCommandsActionsSlicesAndRowIds() throws {
        let f = try WorkbenchFixture()
        try f.typeText(":go<Tab>")
        #expect(try prompt(f).text == "go", "goto, go-home, go-top, go-bottom")
        #expect(try prompt(f).hint == "go-bottom  go-home  go-top  goto")
        try f.typeText("t<Tab>")
        #expect(try prompt(f).text == "goto ")
        try f.typeText("alp-001<Tab>")
        #expect(try prompt(f).text == "goto alp-001")
        #expect(try prompt(f).hint == (0...9).map { "alp-001\($0)" }.joined(separator: "  "))
        try f.typeText("8<Tab>")
        #expect(try prompt(f).text == "goto alp-0018" && prompt(f).hint == nil)
        try f.typeText("<C-u>sl<Tab>me<Tab>")
        #expect(try prompt(f).text == "slice medical")
        try f.typeText("<C-u>slice (<Tab>")
        #expect(try prompt(f).text == "slice (none)")
        try f.typeText("<C-u>ac<Tab>")
        #expect(try prompt(f).text == "accept")
        try f.typeText("<C-u>sw<Tab>")
        #expect(try prompt(f).text == "swap-pair")
        try f.typeText("<C-u>s<Tab>")
        let hint = try #require(try prompt(f).hint)
        #expect(hint.contains("slice") && hint.contains("skip") && hint.contains("search-next"), "\(hint)")
        try f.typeText("<C-u>zz<Tab>")
        #expect(try prompt(f).hint == "no command or action starts with 'zz'")
        try f.type("<Esc>")
        #expect(try f.reviewEntries().isEmpty)
    }

    /// A row id is text from the data: a hostile one is shown sanitised in the candidates.
    @Test func completedRowIdsAreShownSanitised() throws {
        let f = try WorkbenchFixture(extraRows: [
            #"{"id": "evil-\u001b[2J-1", "prompt": "Is a refund possible?", "response": "Yes.", "meta": {"slice": "billing", "origin": "synthetic"}}"#,
            #"{"id": "evil-\u001b[2J-2", "prompt": "Is a refund possible at all?", "response": "Yes.", "meta": {"slice": "billing", "origin": "synthetic"}}"#,
        ])
        try f.typeText(":goto evil<Tab>")
        #expect(try prompt(f).hint?.contains("\u{1B}") == false)
        #expect(!f.screen.contains("\u{1B}"))
        #expect(try prompt(f).text == "goto evil-\u{1B}[2J-", "the text keeps the id as it is, to go to it")
    }

    @Test func theCompletionLineSnapshot() throws {
        let f = try WorkbenchFixture()
        try f.typeText(":goto alp-001<Tab>")
        expectSnapshot(f.screen, named: "command-line-80x24")
    }
}
