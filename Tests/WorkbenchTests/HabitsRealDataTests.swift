import Foundation
import ReviewQueue
import TestSupport
import Testing
@testable import Workbench
@testable import Workspace

/// Going to a row by id on data we did not write: Self-Instruct's seed tasks carry their own
/// ids (`seed_task_42`); Alpaca's rows have none, so winnow names them by content hash, which
/// a reviewer reaches by typing its start and Tab.
@Suite(.serialized, .enabled(if: RealData.isPresent, "../shared/realdata is not present"))
struct HabitsRealDataTests {
    func current(_ f: WorkbenchFixture) throws -> ReviewScreen { try #require(f.workbench.top as? ReviewScreen) }

    /// A workspace with only `file` imported (as synthetic rows), every row in the review queue.
    func fixture(_ file: String) throws -> WorkbenchFixture {
        try WorkbenchFixture(size: .init(columns: 120, rows: 40), sampleFiles: [], configure: {
            $0.replacingOccurrences(of: "review_rate = 0.05", with: "review_rate = 1.0")
        }, before: { paths in
            let session = try WorkspaceSession.open(paths)
            var options = ImportOptions()
            options.defaults.origin = .synthetic
            let summary = try session.importFile(RealData.path(file), options: options, progress: nil)
            #expect(summary.rows > 100)
            _ = try session.runGates()
        })
    }

    /// The screen's text with wrapping undone, to look for a sentence of the row in it.
    func unwrapped(_ f: WorkbenchFixture) -> String {
        f.screen.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    }

    @Test func gotoAndSearchReachASelfInstructTaskByItsOwnId() throws {
        let tasks = try RealData.objects("self-instruct/seed_tasks.jsonl")
        let f = try fixture("self-instruct/seed_tasks.jsonl")
        for (id, how) in [("seed_task_42", ":goto "), ("seed_task_137", "/")] {
            let task = try #require(tasks.first { $0["id"] as? String == id })
            let instruction = try #require(task["instruction"] as? String)
            try f.typeText(how + id + "<Enter>")
            #expect(try current(f).item?.row.id == id, "\(how)\(id): \(f.screen)")
            let words = instruction.split(separator: " ").prefix(6).joined(separator: " ")
            #expect(unwrapped(f).contains(words), "\(id): '\(words)' not on screen:\n\(f.screen)")
        }
        #expect(try f.reviewEntries().isEmpty)
    }

    @Test func aContentHashIdIsReachedByItsStartAndTab() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: RealData.path("alpaca/alpaca_5000.json")))
        let objects = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        let instructions = Set(objects.compactMap { $0["instruction"] as? String })
        let f = try fixture("alpaca/alpaca_5000.json")
        let id = try #require(try f.session.index.read { db in
            try String.fetchOne(db, sql: """
                SELECT rows.id FROM rows JOIN queue ON queue.n = rows.n WHERE queue.open = 1 ORDER BY rows.id LIMIT 1 OFFSET 1234
                """)
        })
        #expect(id.count >= 32, "a content hash: \(id)")
        // The shortest start that names one row, found by asking completion, as a reviewer would.
        var start = String(id.prefix(4))
        while try f.desk.queue.rowIDs(startingWith: start, limit: 2).count > 1 { start = String(id.prefix(start.count + 1)) }
        try f.typeText(":goto \(start)<Tab>")
        #expect((f.workbench.top as? LinePrompt)?.text == "goto \(id)")
        try f.typeText("<Enter>")
        let item = try #require(try current(f).item)
        #expect(item.row.id == id)
        let text = try f.desk.text(of: item.row)
        #expect(text.segments.contains { instructions.contains($0.text) }, "the row on screen is one of the file's rows")
    }
}
