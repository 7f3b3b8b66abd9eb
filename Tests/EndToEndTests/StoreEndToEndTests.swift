import Foundation
import ProvenanceLog
import Testing
import TestSupport

/// The PostgreSQL store through the built binary: two "boxes" (two workspace folders, two
/// reviewer roles) share one queue and one chain; every command of the workflow works on it;
/// a file workspace moves into a store byte for byte; a replica changed on a box stops every
/// command there. Each test runs its own throwaway cluster (TestSupport.PostgresCluster).
@Suite(.serialized) struct StoreEndToEndTests {
    let cluster: PostgresCluster
    let tmp: TemporaryFolder

    init() throws {
        cluster = try PostgresCluster()
        // As README's set-up: an ordinary role that may create roles owns the database.
        try cluster.prepare(database: "labels", owner: "lead", reviewers: ["ana", "ben"])
        tmp = try TemporaryFolder()
    }

    var admin: String { cluster.url(database: "labels", role: "lead") }

    /// `winnow store init` as the owner, then the reviewers granted the reviewer role.
    func createStore() throws {
        _ = try succeed(["store", "init", admin])
        try cluster.grantReviewers(["ana", "ben"], database: "labels", as: "lead")
    }
    func url(_ role: String) -> String { cluster.url(database: "labels", role: role) }

    func run(_ arguments: [String], in workspace: String? = nil) throws -> WinnowRun {
        try WinnowProcess.run(arguments + (workspace.map { ["--workspace", $0] } ?? []))
    }

    func succeed(_ arguments: [String], in workspace: String? = nil) throws -> WinnowRun {
        let result = try run(arguments, in: workspace)
        #expect(result.status == 0, "winnow \(arguments.joined(separator: " ")): \(result.output)")
        return result
    }

    /// A box: a workspace folder whose log lives in the store, as `role`.
    func box(_ name: String, as role: String) throws -> String {
        let dir = tmp.path + "/" + name
        let created = try succeed(["init", dir, "--store", url(role)])
        #expect(created.stdout.contains("as role \(role)"), "\(created.output)")
        return dir
    }

    static func served(_ run: WinnowRun) -> String? {
        (try? JSONSerialization.jsonObject(with: run.stdoutBytes) as? [String: Any])?["id"] as? String
    }

    /// The store's log, exported through `winnow log export`, as entries.
    func exported(from workspace: String) throws -> [LogEntry] {
        let file = tmp.path + "/export-\(UUID().uuidString).jsonl"
        _ = try succeed(["log", "export", "--out", file], in: workspace)
        guard case .ok = try LogVerifier.verify(path: file) else { Issue.record("the export does not verify"); return [] }
        var entries: [LogEntry] = []
        try LogReader(path: file).forEach { entries.append($0) }
        return entries
    }

    @Test func twoBoxesShareOneQueueAndOneChain() throws {
        let refused = try run(["init", tmp.path + "/early", "--store", url("ana")])
        #expect(refused.status == 1 && refused.stderr.contains("permission denied") && refused.stderr.contains("winnow store init"),
                "a reviewer cannot create the store: \(refused.output)")
        try createStore()
        let boxA = try box("a", as: "ana"), boxB = try box("b", as: "ben")
        // Imports (and the gate runs with them) are the leads': a reviewer's is refused by the server.
        let byReviewer = try run(["import", WinnowProcess.sampleData + "/support-chat.jsonl"], in: boxA)
        #expect(byReviewer.status == 1 && byReviewer.stderr.contains("stored by the store's leads"), "\(byReviewer.output)")
        let lead = try box("lead", as: "lead")
        _ = try succeed(["import", WinnowProcess.sampleData + "/support-chat.jsonl"], in: lead)

        // Box B has nothing of its own: it copies the log and fetches the source and the
        // verdict file box A stored, and sees the same queue.
        let queueA = try succeed(["queue", "--json"], in: boxA).stdout, queueB = try succeed(["queue", "--json"], in: boxB).stdout
        #expect(queueA == queueB && queueA.contains("\"safety\""), "\(queueA)\n\(queueB)")

        // Both boxes ask at once, again and again: never the same row.
        nonisolated(unsafe) var ids: [String] = []
        let lock = NSLock()
        for _ in 0..<6 {
            let group = DispatchGroup()
            for workspace in [boxA, boxB, boxA, boxB] {
                group.enter()
                DispatchQueue.global().async {
                    defer { group.leave() }
                    guard let next = try? WinnowProcess.run(["next", "--json", "--workspace", workspace]), let id = Self.served(next) else { return }
                    lock.lock(); ids.append(id); lock.unlock()
                }
            }
            group.wait()
        }
        #expect(ids.count == 24 && Set(ids).count == ids.count, "a row was handed out twice: \(ids.sorted())")

        // ana's row is on her screen: ben cannot decide it, even with --force (the server refuses).
        let anas = try #require(Self.served(try succeed(["next", "--json"], in: boxA)))
        let stolen = try run(["decide", anas, "--accept"], in: boxB)
        #expect(stolen.status == 1 && stolen.stderr.contains("on ana's screen"), "\(stolen.output)")
        let forced = try run(["decide", anas, "--reject", "unsafe", "--force"], in: boxB)
        #expect(forced.status == 1 && forced.stderr.contains("on ana's screen"), "\(forced.output)")
        _ = try succeed(["decide", anas, "--reject", "unsafe"], in: boxA)

        // ben's row, served on box B; ana's box learns of his decision before she could decide it.
        let bens = try #require(Self.served(try succeed(["next", "--json"], in: boxB)))
        _ = try succeed(["decide", bens, "--accept"], in: boxB)
        let entries = try exported(from: boxA)
        let decisions = entries.filter { $0.kind == "decision" }
        #expect(decisions.map(\.actor.user) == ["ana", "ben"])
        #expect(entries.allSatisfy { $0.actor.host == "labels" && ($0.kind != "decision" || $0.actor.gate == nil) })
        #expect(entries.filter { $0.kind == "import" }.map(\.actor.user) == ["lead"])
        for workspace in [boxA, boxB] {
            let verify = try succeed(["log", "verify"], in: workspace)
            #expect(verify.stdout.contains("holds the same entries") && verify.stdout.contains("ok: \(entries.count) entries"), "\(verify.output)")
        }
        #expect(try String(contentsOfFile: boxA + "/log/provenance.jsonl", encoding: .utf8)
                == String(contentsOfFile: boxB + "/log/provenance.jsonl", encoding: .utf8))
    }

    /// import, gates, next/decide, stats, mix, mix verify, rollback: the file workspace's
    /// workflow, on the store.
    @Test func theWholeWorkflowRunsOnTheStore() throws {
        try createStore()
        let ws = try box("ws", as: "lead")
        for file in ["support-chat", "instructions-alpaca", "preferences"] {
            _ = try succeed(["import", WinnowProcess.sampleData + "/\(file).jsonl"], in: ws)
        }
        let gates = try succeed(["gates", "--rerun"], in: ws)
        #expect(gates.stdout.contains("verdicts") || gates.stdout.contains("nothing"), "\(gates.output)")
        let row = try #require(Self.served(try succeed(["next", "--json"], in: ws)))
        _ = try succeed(["decide", row, "--accept"], in: ws)
        let chat = try String(contentsOfFile: WinnowProcess.sampleData + "/support-chat.jsonl", encoding: .utf8)
        let ids = chat.split(separator: "\n").compactMap { line -> String? in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  (object["meta"] as? [String: Any])?["origin"] as? String == "synthetic", object["id"] as? String != row else { return nil }
            return object["id"] as? String
        }
        let verdicts = ids.map { #"{"id": "\#($0)", "verdict": "accept"}"# }.joined(separator: "\n") + "\n"
        _ = try succeed(["decide", "--force", "--from", try tmp.file("verdicts.jsonl", verdicts)], in: ws)
        let stats = try succeed(["stats"], in: ws)
        #expect(stats.stdout.contains("reviewed"), "\(stats.output)")
        let mix = try succeed(["mix", WinnowProcess.sampleData + "/mix-spec.toml"], in: ws)
        #expect(mix.stdout.contains("Binding constraints:"), "\(mix.output)")
        let verify = try succeed(["mix", "verify", ws + "/mixes/support-v1"], in: ws)
        #expect(verify.stdout.contains("data.jsonl: identical"), "\(verify.output)")
        let rollback = try succeed(["rollback", "--generator", "acme-teacher-7b-v1", "--why", "a bad batch"], in: ws)
        #expect(!rollback.stdout.isEmpty, "\(rollback.output)")
        let kinds = try exported(from: ws).map(\.kind)
        for kind in ["import", "gate-run", "decision", "mix", "retract"] { #expect(kinds.contains(kind), "no \(kind) entry: \(kinds)") }
        // A second box rebuilds all of it from the store alone.
        let other = try box("other", as: "ben")
        #expect(try succeed(["queue", "--json"], in: other).stdout == succeed(["queue", "--json"], in: ws).stdout)
    }

    /// A box offers the store its next rows and is granted the first free one; the rows it
    /// offered that another role holds bring the list of every row on another role's screen:
    /// the box writes them all down and passes over them without asking the store about each.
    @Test func aRefusedClaimTellsTheBoxOfEveryRowOnAnotherScreen() throws {
        try createStore()
        let lead = try box("lead", as: "lead")
        _ = try succeed(["import", WinnowProcess.sampleData + "/support-chat.jsonl"], in: lead)
        let boxA = try box("a", as: "ana"), boxB = try box("b", as: "ben")
        var anas: [String] = []
        for _ in 0..<3 { anas.append(try #require(Self.served(try succeed(["next", "--json"], in: boxA)))) }
        // Box B's queue starts where box A's does: its first three rows are held, so it gets the
        // fourth, with the list.
        let bens = try #require(Self.served(try succeed(["next", "--json"], in: boxB)))
        #expect(!anas.contains(bens))
        let noted = try ChildProcess.run("/usr/bin/env", ["python3", "-c", """
            import sqlite3
            c = sqlite3.connect('file:\(boxB)/index.sqlite?mode=ro', uri=True)
            print(' '.join(sorted(r[0] for r in c.execute("SELECT rows.id FROM claims JOIN rows ON rows.n = claims.n WHERE claims.holder = 'store:ana'"))))
            """])
        #expect(noted.status == 0 && noted.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == anas.sorted().joined(separator: " "),
                "\(noted.stdout) \(noted.stderr) against \(anas.sorted())")
    }

    /// A source big enough to be sent while it is imported (`ServerFileUpload`): stored once,
    /// whole, before the entry that pins it, so another box replays the import from the store.
    @Test func aLargeSourceIsSentWhileItIsImported() throws {
        try createStore()
        let lead = try box("lead", as: "lead")
        var text = ""
        var n = 0
        while text.utf8.count < 17 << 20 {
            n += 1
            text += #"{"id": "big-\#(n)", "prompt": "How many boxes are on shelf \#(n) of aisle \#(n % 97)?", "#
                + #""response": "Shelf \#(n) holds \#(n % 13) boxes, counted twice by the night shift on the \#(n % 28 + 1)th; "#
                + #"the aisle's sheet agrees with the count and nothing was moved since.", "meta": {"origin": "synthetic"}}"# + "\n"
        }
        let file = try tmp.file("big.jsonl", text)
        _ = try succeed(["import", "--no-gates", file], in: lead)
        let stored = try cluster.psql("SELECT size, parts FROM winnow_file", as: "lead", database: "labels")
        #expect(stored.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "\(text.utf8.count)|5", "\(stored.stdout) \(stored.stderr)")
        let again = try succeed(["import", "--no-gates", file], in: lead)
        #expect(again.stdout.contains("already imported"), "\(again.output)")
        let other = try box("other", as: "ana")
        #expect(try succeed(["queue", "--json"], in: other).stdout == succeed(["queue", "--json"], in: lead).stdout)
        #expect(try cluster.psql("SELECT count(*) FROM winnow_file_part", as: "lead", database: "labels").stdout.hasPrefix("5"))
    }

    @Test func aFileWorkspaceMovesIntoTheStoreByteForByte() throws {
        let ws = try tmp.workspace()
        _ = try succeed(["import", WinnowProcess.sampleData + "/support-chat.jsonl"], in: ws)
        let row = try #require(Self.served(try succeed(["next", "--json"], in: ws)))
        _ = try succeed(["decide", row, "--reject", "unsafe"], in: ws)
        let before = try String(contentsOfFile: ws + "/log/provenance.jsonl", encoding: .utf8)

        try createStore()
        let reviewer = try run(["store", "migrate", "--to", url("ana")], in: ws)
        #expect(reviewer.status == 1 && reviewer.stderr.contains("permission denied"), "a reviewer cannot adopt entries: \(reviewer.output)")
        #expect(try !String(contentsOfFile: ws + "/winnow.toml", encoding: .utf8).contains("\nurl = "))
        let moved = try succeed(["store", "migrate", "--to", admin], in: ws)
        #expect(moved.stdout.contains("3 entries moved") || moved.stdout.contains("entries moved"), "\(moved.output)")
        #expect(try String(contentsOfFile: ws + "/winnow.toml", encoding: .utf8).contains("url = \"\(admin)\""))
        // The same bytes, in the store and in the replica; the actors are the file's.
        let stored = try exported(from: ws)
        #expect(stored.map { String(decoding: $0.line, as: UTF8.self) }.joined() == before)
        #expect(try String(contentsOfFile: ws + "/log/provenance.jsonl", encoding: .utf8) == before)
        #expect(stored.allSatisfy { $0.actor.uid == Int(getuid()) })
        let again = try succeed(["store", "migrate", "--to", admin], in: ws)
        #expect(again.stdout.contains("0 entries moved (3 were moved by an earlier run)"), "\(again.output)")
        let elsewhere = try run(["store", "migrate", "--to", url("ana")], in: ws)
        #expect(elsewhere.status == 1 && elsewhere.stderr.contains("already lives in the store"), "\(elsewhere.output)")
        // Another box joins and gets the same queue from the store alone.
        let box = try box("b", as: "ben")
        #expect(try succeed(["queue", "--json"], in: box).stdout == succeed(["queue", "--json"], in: ws).stdout)
    }

    @Test func aReplicaChangedOnThisBoxStopsEveryCommand() throws {
        try createStore()
        let ws = try box("a", as: "lead")
        _ = try succeed(["import", "--no-gates", WinnowProcess.sampleData + "/support-chat.jsonl"], in: ws)
        let row = try #require(Self.served(try succeed(["next", "--json"], in: ws)))
        _ = try succeed(["decide", row, "--accept"], in: ws)
        let replica = ws + "/log/provenance.jsonl"
        let original = try String(contentsOfFile: replica, encoding: .utf8)

        // A correctly chained entry written on this box, which the store never saw.
        let forged = try LogFile.open(at: replica)
        try forged.append(DecisionPayload(row: row, action: .reject, reason: "unsafe"))
        for command in [["queue"], ["next"], ["log", "verify"]] {
            let result = try run(command, in: ws)
            #expect(result.status == 1 && result.stderr.contains("the store only 2"), "\(command): \(result.output)")
        }
        // The decision rewritten and the chain redone: the head no longer matches the store's.
        try original.write(toFile: replica, atomically: false, encoding: .utf8)
        let lines = original.split(separator: "\n").map(String.init)
        let first = try LogEntry(parsing: Array(lines[0].utf8))
        let rewritten = try LogEntry.seal(
            seq: 2, prev: first.hash, ts: "2026-12-06T00:00:00.000Z", actor: LogActor(uid: 1, user: "ana", host: "labels"),
            tool: "winnow 0.1.0", kind: "decision", fields: DecisionPayload(row: row, action: .reject, reason: "unsafe").toFields())
        try (lines[0] + "\n" + String(decoding: rewritten.line, as: UTF8.self)).write(toFile: replica, atomically: false, encoding: .utf8)
        let stopped = try run(["stats"], in: ws)
        #expect(stopped.status == 1 && stopped.stderr.contains("is not the store's log"), "\(stopped.output)")
    }

    /// The store's settings on every box: the owner gives the medical slice to a role and
    /// pushes; a reviewer outside the role is never served a medical row and the server refuses
    /// his forced decision on one; a box whose winnow.toml was edited is stopped until it pulls.
    @Test func theStoresSettingsAndSliceRolesHoldOnEveryBox() throws {
        try createStore()
        let lead = try box("lead", as: "lead")
        let settings = lead + "/winnow.toml"
        let text = try String(contentsOfFile: settings, encoding: .utf8)
        try text.replacingOccurrences(of: "# group = \"winnow-medical\"", with: "group = \"winnow_medical\"")
            .write(toFile: settings, atomically: true, encoding: .utf8)
        let stale = try run(["queue"], in: lead)
        #expect(stale.status == 1 && stale.stderr.contains("does not hold the store's settings (version 1"), "\(stale.output)")
        let pushed = try succeed(["store", "config", "push"], in: lead)
        #expect(pushed.stdout.contains("version 2"), "\(pushed.output)")
        let roles = try cluster.psql("CREATE ROLE winnow_medical; GRANT winnow_medical TO ana", as: "lead", database: "labels")
        try #require(roles.status == 0, "\(roles.stderr)")

        let boxA = try box("a", as: "ana"), boxB = try box("b", as: "ben")
        _ = try succeed(["import", "--no-gates", WinnowProcess.sampleData + "/support-chat.jsonl"], in: lead)
        let chat = try String(contentsOfFile: WinnowProcess.sampleData + "/support-chat.jsonl", encoding: .utf8)
        let medical = Set(chat.split(separator: "\n").compactMap { line -> String? in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  (object["meta"] as? [String: Any])?["slice"] as? String == "medical" else { return nil }
            return object["id"] as? String
        })
        try #require(!medical.isEmpty)
        var bens: [String] = []
        for _ in 0..<15 { if let id = Self.served(try succeed(["next", "--json"], in: boxB)) { bens.append(id) } }
        #expect(!bens.isEmpty && medical.isDisjoint(with: bens), "ben was served a medical row: \(bens)")
        let row = try #require(medical.sorted().first)
        let forced = try run(["decide", row, "--reject", "unsafe", "--force"], in: boxB)
        #expect(forced.status == 1 && (forced.stderr.contains("winnow_medical") || forced.stderr.contains("which only members")),
                "\(forced.output)")
        _ = try succeed(["decide", row, "--reject", "unsafe", "--force"], in: boxA)

        // ben's own client, modified, names another slice (or none) for medical rows: the server
        // takes the entries (it checks the slice an entry names), and no box counts them.
        let others = medical.sorted().dropFirst().prefix(2)
        try #require(others.count == 2)
        for (id, slice) in zip(others, ["'\"general\"'", "NULL"]) {
            let names = slice == "NULL" ? "ARRAY['action', 'row']" : "ARRAY['action', 'row', 'slice']"
            let values = "ARRAY['\"accept\"', '\"\(id)\"'" + (slice == "NULL" ? "]" : ", \(slice)]")
            let forged = try cluster.psql("SELECT seq FROM winnow_append('decision', 'winnow 0.1.0', NULL, \(names), \(values))",
                                          as: "ben", database: "labels")
            try #require(forged.status == 0, "\(forged.stderr)")
        }
        for workspace in [boxA, boxB] {
            let queue = try succeed(["queue", "--json"], in: workspace)
            let object = try #require(try JSONSerialization.jsonObject(with: queue.stdoutBytes) as? [String: Any])
            let uncounted = try #require(object["uncounted_decisions"] as? [[String: Any]])
            #expect(Set(uncounted.compactMap { $0["row"] as? String }) == Set(others), "\(queue.stdout)")
            let line = (object["slices"] as? [[String: Any]])?.first { $0["slice"] as? String == "medical" }
            #expect(line?["accepted"] as? Int == 0 && line?["rejected"] as? Int == 1, "\(queue.stdout)")
            let text = try succeed(["queue"], in: workspace)
            #expect(text.stdout.contains("not counted: entry #") && text.stdout.contains("the row's slice was 'medical'"), "\(text.output)")
            _ = try succeed(["log", "verify"], in: workspace)
        }
        // The row is still undecided: a member of the slice's role gives it its first opinion.
        _ = try succeed(["decide", others.first!, "--accept", "--force"], in: boxA)

        // ben drops the slice's role in his own copy: every command there stops until he pulls.
        let bSettings = boxB + "/winnow.toml"
        let original = try String(contentsOfFile: bSettings, encoding: .utf8)
        try original.replacingOccurrences(of: "group = \"winnow_medical\"", with: "").write(toFile: bSettings, atomically: true, encoding: .utf8)
        for command in [["queue"], ["next"], ["stats"]] {
            let result = try run(command, in: boxB)
            #expect(result.status == 1 && result.stderr.contains("does not hold the store's settings (version 2"), "\(command): \(result.output)")
        }
        let pushByReviewer = try run(["store", "config", "push"], in: boxB)
        #expect(pushByReviewer.status == 1 && pushByReviewer.stderr.contains("permission denied"), "\(pushByReviewer.output)")
        _ = try succeed(["store", "config", "pull"], in: boxB)
        #expect(try String(contentsOfFile: bSettings, encoding: .utf8) == original)
        _ = try succeed(["queue"], in: boxB)
    }
}
