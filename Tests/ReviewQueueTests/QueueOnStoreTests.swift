import Foundation
import PostgresStore
import ProvenanceLog
import ReviewQueue
import Testing
import TestSupport
import WinnowCore
@testable import Workspace

/// The queue on a PostgreSQL store, in process: two boxes' sessions open side by side, so one
/// box serves while its index is behind the store, as a review screen open for hours is.
/// Each test runs its own throwaway cluster (TestSupport.PostgresCluster).
@Suite(.serialized) struct QueueOnStoreTests {
    let cluster: PostgresCluster
    let tmp: TemporaryDirectory

    init() throws {
        cluster = try PostgresCluster()
        try cluster.prepare(database: "labels", owner: "lead", reviewers: ["ana", "ben"])
        tmp = try TemporaryDirectory(prefix: "winnow-queue-store")
    }

    func url(_ role: String) throws -> StoreURL {
        try StoreURL(cluster.url(database: "labels", role: role), operatingSystemUser: LogActor.current.user)
    }

    /// A box: a workspace on the store as `role`, opened.
    func box(_ name: String, as role: String) throws -> WorkspaceSession {
        try WorkspaceSession.open(try WorkspaceCreator.create(at: tmp.file(name), store: try url(role)))
    }

    /// The store created by its owner with no second opinions (a row decided twice was handed
    /// out twice), six billing rows imported, and the reviewers granted.
    func storeWithRows() throws {
        try StoreMigration.create(try url("lead"))
        let lead = try box("lead", as: "lead")
        let toml = try String(contentsOfFile: lead.paths.config, encoding: .utf8)
        try toml.replacingOccurrences(of: "overlap_share = 0.10", with: "overlap_share = 0.0")
            .write(toFile: lead.paths.config, atomically: true, encoding: .utf8)
        _ = try StoreConfiguration.push(lead.paths, to: try url("lead"))
        let rows = (0..<6).map { #"{"id": "b\#($0)", "prompt": "refund \#($0)?", "response": "30 days \#($0)", "meta": {"slice": "billing"}}"# }
        try (rows.joined(separator: "\n") + "\n").write(toFile: tmp.file("rows.jsonl"), atomically: true, encoding: .utf8)
        _ = try WorkspaceSession.open(lead.paths).importFile(tmp.file("rows.jsonl"), options: ImportOptions(), progress: nil)
        try cluster.grantReviewers(["ana", "ben"], database: "labels", as: "lead")
    }

    /// What a review screen sets up as it opens (`prepareForReview`): the server's process runs
    /// the claim and the decision's checks once (the claim granted, the decision refused before
    /// it takes the log's lock), and nothing of it stays: no entry, no claim, no transaction left
    /// open on the connection; the session then serves and records as any other.
    @Test func preparingForReviewLeavesNothingInTheStore() throws {
        try storeWithRows()
        let a = try box("a", as: "ana")
        let store = try #require(a.store)
        let before = try store.server.head()
        let met = store.warmUpForReview(holder: "test-holder")
        #expect(met.claimed, "the warm-up's claim ran and was granted")
        #expect(met.stoppedBy?.contains("an edit carries its new row") == true, "refused at the edit's check: \(met)")
        let queue = try QueueService(session: a)
        queue.prepareForReview()
        #expect(a.index.checkpointer != nil, "the index's checkpoints moved to their thread")
        #expect(try store.server.head() == before, "no entry stays")
        func count(_ sql: String) throws -> String {
            let result = try cluster.psql(sql, as: "lead", database: "labels")
            #expect(result.status == 0, "\(result.stderr)")
            return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(try count("SELECT count(*) FROM public.winnow_claim") == "0", "no claim stays")
        // The refusal is caught in the server: no ERROR in its log for every review screen opened.
        let serverLog = String(decoding: FileManager.default.bytes(at: cluster.folder.file("server.log")), as: UTF8.self)
        try #require(serverLog.contains("database system is ready to accept connections"), "the server's log is where the test reads it")
        #expect(!serverLog.contains("an edit carries its new row"), "the warm-up's refusal reached the server's log")

        let served = try #require(try queue.next())
        _ = try queue.decide(DecisionRequest(id: served.row.id, verdict: .accept))
        // Committed, not held in a transaction the warm-up left open: another connection sees both.
        #expect(try count("SELECT count(*) FROM public.winnow_log WHERE actor = 'ana'") == "1")
        #expect(try count("SELECT count(*) FROM public.winnow_claim") == "0", "the decision gave its claim back")
    }

    /// Box B's index still has a row pending that box A decided (and whose claim the decision
    /// gave back) since B last heard from the store: B offers it, the store grants it, and the
    /// catch-up in the claim's transaction finds it decided. B is served the next row, the
    /// store's claim on the decided one is given back, and the row keeps one decision.
    @Test func aRowDecidedOnAnotherBoxSinceThisBoxLookedIsPassedOver() throws {
        try storeWithRows()
        let a = try box("a", as: "ana"), b = try box("b", as: "ben")
        let queueB = try QueueService(session: b)
        let queueA = try QueueService(session: a)
        let first = try #require(try queueA.next())
        _ = try queueA.decide(DecisionRequest(id: first.row.id, verdict: .accept))
        #expect(try b.index.row(id: first.row.id)?.state == .pending, "box B has not heard of the decision yet")
        let identity = try #require(b.store?.identity)
        let heads = try b.index.servableCandidates(
            for: QueueClaimant(uid: identity.uid, reviewer: identity.user, holder: "look", hiddenSlices: []),
            slice: nil, adjudication: false, excluding: [], now: Date().timeIntervalSince1970, limit: 1) { _ in true }
        #expect(heads == [first.row.id], "box B offers the decided row first, so its next meets the case")

        let served = try #require(try queueB.next())
        #expect(served.row.id != first.row.id, "a row decided on box A was served again on box B")
        #expect(try b.index.row(id: first.row.id)?.state == .accepted, "box B caught up with the store when it claimed")
        let held = try cluster.psql("SELECT row_id FROM public.winnow_claim ORDER BY row_id", as: "lead", database: "labels")
        #expect(held.status == 0 && held.stdout.split(separator: "\n").map(String.init) == [served.row.id],
                "only the row served is held in the store: \(held.stdout) \(held.stderr)")

        _ = try queueB.decide(DecisionRequest(id: served.row.id, verdict: .reject, reason: "unsafe"))
        var decided: [String: Int] = [:]
        try LogReader(path: b.paths.log).forEach { entry in
            if entry.kind == "decision", let row = entry["row"]?.stringValue { decided[row, default: 0] += 1 }
        }
        #expect(decided == [first.row.id: 1, served.row.id: 1])
        #expect(try !b.index.holdsLiveClaim(onRow: served.row.id, uid: b.store!.identity.uid, now: Date().timeIntervalSince1970),
                "the decision's apply gave this box's claim back")
    }
}
