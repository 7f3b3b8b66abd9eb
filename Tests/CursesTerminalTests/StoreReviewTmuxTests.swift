import Foundation
import ProvenanceLog
import TestSupport
import Testing

/// `winnow review` in a real terminal on a workspace whose log lives in a PostgreSQL store: the
/// keys a reviewer presses become entries the server wrote, in the reviewer's role's name, and
/// quitting gives the rows back in the store as well as on the box.
@Suite(.serialized)
struct StoreReviewTmuxTests {
    static let winnow = ReviewTmuxTests.winnow

    @Test func keysBecomeEntriesTheServerWroteInTheRolesName() throws {
        let cluster = try PostgresCluster()
        try cluster.prepare(database: "labels", reviewers: ["ana"])
        let tmp = try TemporaryDirectory(prefix: "winnow-tmux-store")
        let created = try ChildProcess.run(Self.winnow, ["store", "init", cluster.url(database: "labels")])
        try #require(created.status == 0, "\(created.stderr)")
        // The lead imports on their box; ana reviews on hers.
        let leadBox = tmp.file("lead")
        let leadInit = try ChildProcess.run(Self.winnow, ["init", leadBox, "--store", cluster.url(database: "labels")])
        try #require(leadInit.status == 0, "\(leadInit.stderr)")
        let imported = try ChildProcess.run(Self.winnow, ["import", "--workspace", leadBox, WinnowProcessRoot.sampleData + "/support-chat.jsonl"])
        try #require(imported.status == 0, "\(imported.stderr)")
        let ws = tmp.file("ws")
        let initialised = try ChildProcess.run(Self.winnow, ["init", ws, "--store", cluster.url(database: "labels", role: "ana")])
        try #require(initialised.status == 0, "\(initialised.stderr)")

        let tmux = try TmuxSession()
        try ReviewTmuxTests.start(tmux, workspace: ws)
        for (key, what, shown) in [("a", "the accept saved", ": accept "), ("x", "the reason picker", "Reject: why?"),
                                   ("2", "the reject saved", "reject (invented-policy)")] {
            try tmux.press(key)
            try tmux.waitFor(what) { $0.contains(shown) }
        }
        try tmux.press("Q")
        try ReviewTmuxTests.expectRestored(tmux, status: 0)

        let export = tmp.file("export.jsonl")
        let exported = try ChildProcess.run(Self.winnow, ["log", "export", "--workspace", ws, "--out", export])
        try #require(exported.status == 0, "\(exported.stderr)")
        let decisions = try LogReader.tail(100, path: export).filter { $0.kind == "decision" }
        #expect(try decisions.map { try $0.payload(DecisionPayload.self).action } == [.accept, .reject])
        #expect(decisions.allSatisfy { $0.actor.user == "ana" && $0.actor.host == "labels" })
        let claims = try cluster.psql("SELECT count(*) FROM winnow_claim WHERE until > now()", database: "labels")
        #expect(claims.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "claims left in the store: \(claims.stdout) \(claims.stderr)")
    }
}
