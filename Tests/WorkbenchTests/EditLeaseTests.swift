import Foundation
import ReviewQueue
import Testing
@testable import Workspace
@testable import Workbench

/// Issue 12, item 4: no edit is lost to a lease. The lease is renewed while the editor has the
/// terminal; an edit the queue will not record (another reviewer holds the row now) keeps its
/// draft and names it; the header shows a lease only while it is held.
@Suite(.serialized) struct EditLeaseTests {
    func current(_ f: WorkbenchFixture) throws -> ReviewScreen { try #require(f.workbench.top as? ReviewScreen) }

    /// Python (which the editor scripts use anyway) reads or changes the claim while the editor
    /// "runs", as another process would.
    static func claimScript(index: String, row: String, _ body: String) -> String {
        """
        python3 - "$1" <<'EOF'
        import sqlite3, sys, time
        db = sqlite3.connect('\(index)', timeout=10)
        n = db.execute("SELECT n FROM rows WHERE id = ?", ('\(row)',)).fetchone()[0]
        \(body)
        db.commit()
        p = sys.argv[1]
        lines = open(p).read().split('\\n')
        last = max(i for i, l in enumerate(lines) if l.startswith('=== '))
        open(p, 'w').write('\\n'.join(lines[:last + 1] + ['Rewritten with care.', '']))
        EOF
        """
    }

    @Test func theLeaseIsRenewedWhileTheEditorIsOpen() throws {
        let f = try WorkbenchFixture()
        let row = try #require(try current(f).item).row.id
        // A one-second lease on the real clock; the editor takes two and a half.
        f.queue.now = Date.init
        f.queue.lease = 1
        try f.desk.renew(row)
        let report = f.tmp.file("lease.txt")
        try f.useEditor("sleep 2.5\n" + Self.claimScript(index: f.paths.index, row: row, """
            held = db.execute("SELECT expires FROM claims WHERE n = ? AND holder = ?", (n, '\(f.queue.holder)')).fetchone()
            open('\(report)', 'w').write('held' if held and held[0] > time.time() else 'lapsed')
            """))
        try f.type("e")
        #expect(try String(contentsOfFile: report, encoding: .utf8) == "held", "the lease ran out while the editor was open")
        try f.type("y")
        #expect(try f.reviewEntries().count == 1, "the edit is recorded")
    }

    @Test func anEditTheQueueWillNotRecordKeepsItsDraftAndNamesIt() throws {
        let f = try WorkbenchFixture()
        let row = try #require(try current(f).item).row.id
        try f.useEditor(WorkbenchFixture.replacingLastPiece(with: ["Rewritten with care.", ""]))
        try f.type("e")
        let confirm = try #require(f.workbench.top as? ConfirmEditScreen)
        // While the diff is on screen another reviewer takes the row (as if this session had
        // been stopped past its lease).
        try f.session.index.write { db in
            try db.execute(sql: "UPDATE claims SET uid = 5009, reviewer = 'ana', holder = 'other' WHERE n = (SELECT n FROM rows WHERE id = ?)",
                           arguments: [row])
        }
        try f.type("y")
        #expect(try f.reviewEntries().isEmpty, "not recorded")
        #expect(FileManager.default.fileExists(atPath: confirm.path), "the draft is kept")
        #expect(try String(contentsOfFile: confirm.path, encoding: .utf8).contains("Rewritten with care."))
        #expect(f.desk.keptDrafts == [confirm.path], "and named again when review ends")
        let screen = f.screen.replacingOccurrences(of: "\n  ", with: " ")
        #expect(screen.contains("on ana's screen now") && screen.contains("your edit is kept in \(confirm.path)"), "\(f.screen)")
        try? FileManager.default.removeItem(atPath: confirm.path)
    }

    @Test func aRowTakenWhileTheEditorWasOpenIsSaidAtOnceAndTheDraftKept() throws {
        let f = try WorkbenchFixture()
        let row = try #require(try current(f).item).row.id
        try f.useEditor(Self.claimScript(index: f.paths.index, row: row, """
            db.execute("UPDATE claims SET uid = 5009, reviewer = 'ana', holder = 'other' WHERE n = ?", (n,))
            """))
        let review = try current(f)
        try f.type("e")
        #expect(review.leaseHeld == false)
        #expect(f.screen.replacingOccurrences(of: "\n  ", with: " ").contains("your lease on \(row) ran out"), "\(f.screen)")
        let confirm = try #require(f.workbench.top as? ConfirmEditScreen)
        try f.type("y")
        #expect(try f.reviewEntries().isEmpty)
        #expect(FileManager.default.fileExists(atPath: confirm.path))
        #expect(f.desk.keptDrafts == [confirm.path])
        try? FileManager.default.removeItem(atPath: confirm.path)
    }

    @Test func theHeaderShowsALeaseOnlyWhileItIsHeld() throws {
        let f = try WorkbenchFixture()
        let row = try #require(try current(f).item).row.id
        #expect(f.screen.contains("lease 10:00"))
        // Stopped past the lease; another reviewer took the row meanwhile (their lease is live).
        try f.session.index.write { db in
            try db.execute(sql: """
                UPDATE claims SET uid = 5009, reviewer = 'ana', holder = 'other', expires = ? WHERE n = (SELECT n FROM rows WHERE id = ?)
                """, arguments: [WorkbenchFixture.clock.timeIntervalSince1970 + 1200, row])
        }
        f.queue.now = { WorkbenchFixture.clock.addingTimeInterval(601) }
        f.workbench.idleTick()
        #expect(!f.screen.contains("lease 0:00") && f.screen.contains("lease lost"), "\(f.screen)")
        #expect(f.screen.replacingOccurrences(of: "\n", with: "").contains("your lease on"), "\(f.screen)")
        try f.type("a")
        #expect(try f.reviewEntries().isEmpty, "a decision on a row another holds is not recorded")
        // The next row has a lease of its own again.
        #expect(f.screen.contains("lease 10:00"), "\(f.screen)")
    }
}
