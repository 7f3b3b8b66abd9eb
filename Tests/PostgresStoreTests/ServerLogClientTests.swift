import Foundation
import Synchronization
import PostgresStore
import ProvenanceLog
import Testing
import TestSupport
import WinnowCore

/// The Swift client of the server's log (PostgresNIO): it installs the store, appends as the
/// role it connected as, reads entries back checked and chained, and adopts a file log for a
/// migration; reviewers cannot adopt, and what they are refused comes back as the server said.
@Suite(.serialized) struct ServerLogClientTests {
    let cluster: PostgresCluster

    init() throws {
        cluster = try PostgresCluster()
        let created = try cluster.psql("""
            CREATE DATABASE labels;
            CREATE ROLE \(ServerLogSchema.reviewerRole) NOLOGIN;
            CREATE ROLE ana LOGIN IN ROLE \(ServerLogSchema.reviewerRole);
            CREATE ROLE ben LOGIN IN ROLE \(ServerLogSchema.reviewerRole);
            """)
        try #require(created.status == 0, "\(created.stderr)")
        try log(as: PostgresCluster.admin).install()
    }

    func log(as role: String) throws -> ServerLog {
        try cluster.log(as: role)
    }

    @Test func appendsComeBackCheckedWithTheServersActor() throws {
        let ana = try log(as: "ana")
        #expect(try ana.installedVersion() == ServerLogSchema.version)
        let decided = try ana.append([
            DecisionPayload(row: "r1", action: .accept, rowHash: String(repeating: "a", count: 64)),
            DecisionPayload(row: "r2", action: .reject, reason: "unsafe", note: "quote \" and tab\t"),
        ], tool: "winnow test")
        #expect(decided.map(\.seq) == [1, 2] && decided[1].prev == decided[0].hash)
        #expect(decided.allSatisfy { $0.actor.user == "ana" && $0.actor.host == "labels" && $0.actor.gate == nil && $0.tool == "winnow test" })
        // Gate entries are the leads' (here the owner): the gate is in the actor.
        let gate = try log(as: PostgresCluster.admin).append([GatePayload(gate: "pii", action: .flag, row: "r3", reason: "an e-mail address")], tool: "winnow test")
        #expect(gate[0].actor.user == PostgresCluster.admin && gate[0].actor.gate == "pii" && gate[0].prev == decided[1].hash)
        #expect(try ana.head() == LogHead(seq: 3, hash: gate[0].hash))

        var seen: [LogEntry] = []
        let end = try ana.forEachEntry(after: .empty) { entry, _ in seen.append(entry) }
        #expect(seen == decided + gate && end.seq == 3)
        let fromTwo = try ana.entries(after: LogHead(seq: 2, hash: decided[1].hash))
        #expect(fromTwo.map(\.entry) == gate)
        // A head that is not the server's entry 2 is not the log those entries follow.
        #expect(throws: StoreError.self) { try ana.entries(after: LogHead(seq: 2, hash: String(repeating: "f", count: 64))) }
    }

    @Test func appendsFromManyConnectionsAtOnceFormOneChain() throws {
        let roles = ["ana", "ben", "ana", "ben"]
        let logs = try roles.map { try log(as: $0) }
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: logs.count) { i in
            for n in 0..<25 {
                do {
                    _ = try logs[i].append([DecisionPayload(row: "r\(i)-\(n)", action: .accept)], tool: "winnow test")
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
        }
        #expect(failures.withLock { $0 }.isEmpty)
        let file = cluster.folder.file("exported.jsonl")
        var text = ""
        try logs[0].forEachEntry(after: .empty) { _, line in text += line + "\n" }
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        guard case let .ok(count, _, _) = try LogVerifier.verify(path: file) else { Issue.record("the chain does not verify"); return }
        #expect(count == 100)
    }

    @Test func onlyTheAdminAdoptsAFileLogAndOnlyInOrder() throws {
        // A file log written the usual way (the OS actor), adopted byte for byte.
        let folder = try TemporaryDirectory(prefix: "winnow-adopt")
        let file = try LogFile.open(at: folder.file("provenance.jsonl"))
        for n in 1...5 { try file.append(DecisionPayload(row: "r\(n)", action: .accept)) }
        let lines = try String(contentsOfFile: folder.file("provenance.jsonl"), encoding: .utf8)
            .split(separator: "\n").map(String.init)

        let ana = try log(as: "ana")
        do {
            try ana.adopt(lines: lines)
            Issue.record("a reviewer adopted entries")
        } catch let error as StoreError {
            #expect(error.isPermissionDenied, "\(error.message)")
        }
        let admin = try log(as: PostgresCluster.admin)
        #expect(throws: StoreError.self) { try admin.adopt(lines: Array(lines.dropFirst())) }
        #expect(try admin.head() == .empty, "a refused adoption left entries behind")
        try admin.adopt(lines: lines, batch: 2)
        var adopted: [String] = []
        try ana.forEachEntry(after: .empty) { _, line in adopted.append(line) }
        #expect(adopted == lines)
        // Appends continue the adopted chain.
        let next = try ana.append([DecisionPayload(row: "r6", action: .reject, reason: "unsafe")], tool: "winnow test")
        let fifth = try LogEntry(parsing: Array(lines[4].utf8))
        #expect(next[0].seq == 6 && next[0].prev == fifth.hash)
    }

    @Test func refusalsAndAMissingStoreAreNamed() throws {
        let ana = try log(as: "ana")
        do {
            try ana.install()
            Issue.record("installed twice")
        } catch let error as StoreError {
            #expect(error.message.contains("already holds a winnow store"), "\(error.message)")
        }
        let empty = try cluster.psql("CREATE DATABASE empty")
        try #require(empty.status == 0)
        let other = try cluster.log("empty", as: "ana")
        #expect(throws: StoreError.notInstalled(url: cluster.url(database: "empty", role: "ana"))) { try other.requireInstalled() }
        do {
            _ = try ServerConnection.connect(try StoreURL(cluster.url(database: "labels", role: "nobody_here"), operatingSystemUser: "x"))
            Issue.record("connected as a role that does not exist")
        } catch {
            #expect(error.message.contains("nobody_here"), "\(error.message)")
        }
        let missing = try StoreURL("postgresql:///labels?host=/nonexistent-winnow", operatingSystemUser: "ana")
        #expect(throws: StoreError.unreachable(url: missing.text, reason: "no server socket at /nonexistent-winnow/.s.PGSQL.5432 (is PostgreSQL running on this box?)")) {
            try ServerConnection.connect(missing)
        }
    }

    /// `rolledBack` (the review warm-up's transaction): whatever its body did is undone, even
    /// an append the server accepted, and the connection is out of the transaction after it.
    @Test func aRolledBackBodyLeavesNothing() throws {
        let ana = try log(as: "ana")
        var appended: [LogEntry] = []
        try ana.connection.rolledBack(doing: "test") {
            appended = (try? ana.append([DecisionPayload(row: "r1", action: .accept)], tool: "winnow test")) ?? []
        }
        #expect(appended.map(\.seq) == [1], "the append itself went through, inside the transaction")
        #expect(try ana.head().seq == 0)
        let kept = try ana.append([DecisionPayload(row: "r1", action: .accept)], tool: "winnow test")
        #expect(kept.map(\.seq) == [1])
        #expect(try log(as: "ben").head().seq == 1, "committed: another connection sees it")
    }

    /// A transaction inside a rolled-back block, or a rolled-back block inside a transaction, is
    /// refused before it sends anything (its end would end the outer one); the outer one goes on
    /// and the connection is usable after it.
    @Test func nestedTransactionsAreRefused() throws {
        let ana = try log(as: "ana")
        func reason(_ error: Error?) -> String? {
            guard case .unexpected(_, _, let reason)? = error as? StoreError else { return nil }
            return reason
        }
        var inner: Error?
        try ana.connection.rolledBack(doing: "test") {
            do { _ = try ana.connection.transaction(doing: "inner") { 1 } } catch { inner = error }
        }
        #expect(reason(inner) == "a transaction was asked for inside another")
        inner = nil
        let committed = try ana.connection.transaction(doing: "test") { () -> [LogEntry] in
            do { try ana.connection.rolledBack(doing: "inner") {} } catch { inner = error }
            return try ana.append([DecisionPayload(row: "r1", action: .accept)], tool: "winnow test")
        }
        #expect(reason(inner) == "a rolled-back block was asked for inside a transaction")
        #expect(committed.map(\.seq) == [1])
        #expect(try log(as: "ben").head().seq == 1, "the outer transaction committed")
    }

    /// A connection lost inside `rolledBack` (here its server process ended from within): the
    /// block reports it, nothing of the body is committed, and the next statement connects again.
    @Test func aRolledBackBodyThatLosesItsConnectionLeavesNothingAndReconnects() throws {
        let ana = try log(as: "ana")
        func backend() throws -> Int32 {
            try #require(try ana.connection.query("SELECT pg_backend_pid()", doing: "test").first).decode(Int32.self)
        }
        let before = try backend()
        var appended: [LogEntry] = []
        #expect(throws: StoreError.self) {
            try ana.connection.rolledBack(doing: "test") {
                appended = (try? ana.append([DecisionPayload(row: "r1", action: .accept)], tool: "winnow test")) ?? []
                _ = try? ana.connection.query("SELECT pg_terminate_backend(pg_backend_pid())", doing: "test")
            }
        }
        #expect(appended.map(\.seq) == [1], "the append went through inside the transaction")
        #expect(try ana.head().seq == 0, "nothing committed")
        #expect(try backend() != before, "a new connection")
        #expect(try ana.append([DecisionPayload(row: "r1", action: .accept)], tool: "winnow test").map(\.seq) == [1])
    }

    /// A reviewer appends what every box can replay, and only their own kinds: decisions and
    /// reverts of their own entries. Anything else is refused by the server with its reason.
    @Test func reviewersAppendDecisionsAndUndoOnlyTheirOwn() throws {
        let ana = try log(as: "ana"), ben = try log(as: "ben")
        let mine = try ana.append([DecisionPayload(row: "r1", action: .accept)], tool: "winnow test")[0]
        let his = try ben.append([DecisionPayload(row: "r2", action: .edit, newRow: .object([("prompt", .string("p")), ("response", .string("é \u{1}"))]))],
                                 tool: "winnow test")[0]
        #expect(try ana.append([RevertPayload(reverts: mine.seq)], tool: "winnow test").count == 1)
        func refused(_ body: () throws -> Void) -> String {
            do { try body(); return "accepted" } catch let error as StoreError { return error.message } catch { return "\(error)" }
        }
        #expect(refused { _ = try ana.append([RevertPayload(reverts: his.seq)], tool: "winnow test") }.contains("undoes their own entries only"))
        #expect(refused { _ = try ana.append([RetractPayload(reviewer: "ben", reason: "x")], tool: "winnow test") }.contains("leads"))
        #expect(refused { _ = try ana.append([GatePayload(gate: "pii", action: .flag, row: "r3", reason: "x")], tool: "winnow test") }.contains("leads"))
        for (values, why) in [("ARRAY['\"r1\" ', '\"accept\"']", "canonical"), ("ARRAY['\"r1\"', '\"maybe\"']", "accept, edit, reject or flag"),
                              ("ARRAY['1', '\"accept\"']", "names its row")] {
            let result = try cluster.psql("SELECT seq FROM public.winnow_append('decision', 'winnow 0.1.0', NULL, ARRAY['row', 'action'], \(values))",
                                          as: "ana", database: "labels")
            #expect(result.status != 0 && result.stderr.contains(why), "\(values): \(result.stderr)")
        }
        let spent = try cluster.psql("SELECT seq FROM public.winnow_append('decision', 'winnow 0.1.0', NULL, ARRAY['row', 'action', 'spent_ms'], ARRAY['\"r1\"', '\"accept\"', '1.5'])",
                                     as: "ana", database: "labels")
        #expect(spent.status != 0 && spent.stderr.contains("whole number"), "\(spent.stderr)")
        #expect(try ana.head().seq == 3)
    }

    /// A store made by the version before (schema 2: no `winnow_claim_first`) is refused by
    /// name, with the command that upgrades it; a reviewer may not upgrade it; its owner does,
    /// in one transaction, and then `claimFirst` works and the log is as it was.
    @Test func aStoreOfTheVersionBeforeIsUpgradedByItsOwner() throws {
        let admin = try log(as: PostgresCluster.admin)
        let before = try admin.append([GatePayload(gate: "pii", action: .flag, row: "r1", reason: "an e-mail address")], tool: "winnow test")
        let downgraded = try cluster.psql("""
            DROP FUNCTION public.winnow_claim_first(text[], text, int);
            DELETE FROM public.winnow_store;
            INSERT INTO public.winnow_store VALUES (2);
            """, database: "labels", singleTransaction: true)
        try #require(downgraded.status == 0, "\(downgraded.stderr)")
        let ana = try log(as: "ana")
        do {
            try ana.requireInstalled()
            Issue.record("a version 2 store was accepted")
        } catch {
            let message = (error as? UserFacingError)?.message ?? "\(error)"
            #expect(message.contains("version 2") && message.contains("winnow store upgrade"), "\(message)")
        }
        do {
            try ana.upgrade()
            Issue.record("a reviewer upgraded the store")
        } catch {
            let message = (error as? UserFacingError)?.message ?? "\(error)"
            #expect(message.contains("only the store's owner"), "\(message)")
        }
        #expect(try admin.upgrade() == 2)
        #expect(try admin.upgrade() == ServerLogSchema.version, "a second upgrade has nothing to do")
        try ana.requireInstalled()
        let claims = ServerClaims(try cluster.connect(as: "ana"))
        #expect(try claims.claimFirst(["r1", "r2"], holder: "ana-1", seconds: 60).granted?.row == "r1")
        guard case .granted = try claims.claim("r3", holder: "ana-1", seconds: 60) else {
            Issue.record("winnow_claim, replaced by the upgrade, refused a reviewer"); return
        }
        #expect(try ana.head() == LogHead(seq: before[0].seq, hash: before[0].hash))
    }
}
