import Foundation
import ProvenanceLog
import Testing
import TestSupport

/// The store as README's labeling box sets it up: the server authenticates each connection by
/// peer (the OS user at the other end of the socket) and pg_ident.conf gives each OS user its one
/// role. Two OS users (Debian's `daemon` and `bin`, present on every install) are two reviewers,
/// each with their own workspace folder and their own `winnow` and `psql`. What one of them can
/// try from their shell fails with the server's error, and the chain still verifies.
///
/// Needs root (to run commands as other OS users); CI runs the tests as root.
@Suite(.serialized, .enabled(if: Unprivileged.asUser("daemon") != nil && Unprivileged.asUser("bin") != nil,
                             "needs root, setpriv and the OS users daemon and bin"))
struct StorePeerAuthTests {
    let cluster: PostgresCluster
    let tmp: TemporaryFolder
    /// OS user → the reviewer role pg_ident.conf gives it.
    static let reviewers = [("daemon", "ana"), ("bin", "ben")]

    init() throws {
        cluster = try PostgresCluster()
        try cluster.prepare(database: "labels", owner: "lead", reviewers: ["ana", "ben"])
        // root runs the harness (the bootstrap superuser) and is the lead.
        try cluster.usePeerAuthentication([("root", PostgresCluster.admin), ("root", "lead")]
                                          + Self.reviewers.map { (osUser: $0.0, role: $0.1) })
        tmp = try TemporaryFolder()
        chmod(tmp.path, 0o711)
    }

    func url(_ role: String) -> String { cluster.url(database: "labels", role: role) }

    /// `winnow` as `osUser`, with a home of its own (the reviewer's shell).
    func run(_ arguments: [String], as osUser: String, in workspace: String? = nil) throws -> WinnowRun {
        let home = tmp.path + "/home-" + osUser
        if !FileManager.default.fileExists(atPath: home) { try own(home, by: osUser) }
        return try WinnowProcess.run(arguments + (workspace.map { ["--workspace", $0] } ?? []), environment: ["HOME": home],
                                     wrapper: try #require(Unprivileged.asUser(osUser)))
    }

    func succeed(_ arguments: [String], as osUser: String = "root", in workspace: String? = nil) throws -> WinnowRun {
        let result = osUser == "root" ? try WinnowProcess.run(arguments + (workspace.map { ["--workspace", $0] } ?? []))
            : try run(arguments, as: osUser, in: workspace)
        #expect(result.status == 0, "\(osUser): winnow \(arguments.joined(separator: " ")): \(result.output)")
        return result
    }

    /// A folder only `osUser` may write.
    func own(_ path: String, by osUser: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let entry = try #require(getpwnam(osUser))
        #expect(chown(path, entry.pointee.pw_uid, entry.pointee.pw_gid) == 0 && chmod(path, 0o700) == 0)
    }

    func psql(_ sql: String, as osUser: String, role: String) throws -> ProcessResult {
        try cluster.psql(sql, as: role, database: "labels", osUser: try #require(Unprivileged.asUser(osUser)))
    }

    @Test func eachOSUserIsTheirOneRoleAndCannotRewriteTheLogChangeTheSettingsOrDecideAnotherRolesSlice() throws {
        // The lead (root) installs the store, gives the medical slice to a role only ana has,
        // and imports.
        _ = try succeed(["store", "init", url("lead")])
        try cluster.grantReviewers(["ana", "ben"], database: "labels", as: "lead")
        let roles = try cluster.psql("CREATE ROLE winnow_medical; GRANT winnow_medical TO ana", as: "lead", database: "labels")
        try #require(roles.status == 0, "\(roles.stderr)")
        let lead = tmp.path + "/lead"
        _ = try succeed(["init", lead, "--store", url("lead")])
        let settings = lead + "/winnow.toml"
        try String(contentsOfFile: settings, encoding: .utf8)
            .replacingOccurrences(of: "# group = \"winnow-medical\"", with: "group = \"winnow_medical\"")
            .write(toFile: settings, atomically: true, encoding: .utf8)
        _ = try succeed(["store", "config", "push"], in: lead)
        _ = try succeed(["import", "--no-gates", WinnowProcess.sampleData + "/support-chat.jsonl"], in: lead)

        // Each OS user gets a box as their own role, and no other: peer authentication refuses it.
        var boxes: [String: String] = [:]
        for (osUser, role) in Self.reviewers {
            let parent = tmp.path + "/" + osUser
            try own(parent, by: osUser)
            let created = try succeed(["init", parent + "/ws", "--store", url(role)], as: osUser)
            #expect(created.stdout.contains("as role \(role)"), "\(created.output)")
            boxes[role] = parent + "/ws"
            let other = role == "ana" ? "ben" : "ana"
            let posing = try run(["init", parent + "/posing", "--store", url(other)], as: osUser)
            #expect(posing.status == 1 && posing.stderr.contains("Peer authentication failed for user \"\(other)\""),
                    "\(osUser) logged in as \(other): \(posing.output)")
            let asLead = try psql("SELECT 1", as: osUser, role: "lead")
            #expect(asLead.status != 0 && asLead.stderr.contains("Peer authentication failed"), "\(asLead.stderr)")
        }
        let boxA = try #require(boxes["ana"]), boxB = try #require(boxes["ben"])

        // ben takes a row and decides it, so the log holds an entry of his for ana to go after.
        let bens = try #require(try Self.served(succeed(["next", "--json"], as: "bin", in: boxB)))
        _ = try succeed(["decide", bens, "--accept"], as: "bin", in: boxB)
        let before = try String(contentsOfFile: boxA + "/log/provenance.jsonl", encoding: .utf8)

        // From ana's own shell (psql as daemon), every way at the log and the settings.
        for (attack, error) in [
            ("UPDATE winnow_log SET actor = 'ana'", "permission denied"),
            ("DELETE FROM winnow_log WHERE actor = 'ben'", "permission denied"),
            ("TRUNCATE winnow_log", "permission denied"),
            ("INSERT INTO winnow_log(seq, hash, line, actor) VALUES (99, repeat('a', 64), '{}', 'ben')", "permission denied"),
            ("SET ROLE ben", "permission denied to set role"),
            ("SET SESSION AUTHORIZATION ben", "permission denied to set session authorization"),
            ("SET ROLE lead", "permission denied to set role"),
            ("DELETE FROM winnow_config", "permission denied"),
            ("UPDATE winnow_config SET slice_roles = '{}'", "permission denied"),
            ("INSERT INTO winnow_config SELECT * FROM winnow_config", "permission denied"),
            ("DELETE FROM winnow_claim", "permission denied"),
        ] {
            let result = try psql(attack, as: "daemon", role: "ana")
            #expect(result.status != 0 && result.stderr.contains(error), "\(attack): \(result.stderr)")
        }
        // The envelope, and so the actor, is the server's.
        let forged = try psql("""
            SELECT winnow_append('decision', 'winnow 0.1.0', NULL, ARRAY['row', 'action', 'actor'],
                                 ARRAY['"\(bens)"', '"reject"', '{"host":"labels","uid":1,"user":"ben"}'])
            """, as: "daemon", role: "ana")
        #expect(forged.status != 0 && forged.stderr.contains("belongs to the envelope"), "\(forged.stderr)")
        // ana cannot take ben's entry back: a reviewer reverts their own entries only.
        let bensSeq = try #require(try String(contentsOfFile: boxB + "/log/provenance.jsonl", encoding: .utf8).split(separator: "\n").compactMap { try? LogEntry(parsing: Array($0.utf8)) }
            .last { $0.kind == "decision" }?.seq)
        let revert = try psql("SELECT winnow_append('revert', 'winnow 0.1.0', NULL, ARRAY['reverts'], ARRAY['\(bensSeq)'])",
                              as: "daemon", role: "ana")
        #expect(revert.status != 0 && revert.stderr.contains("a reviewer undoes their own entries only"), "\(revert.stderr)")
        // Pushing settings is the owner's.
        let push = try run(["store", "config", "push"], as: "daemon", in: boxA)
        #expect(push.status == 1 && push.stderr.contains("permission denied"), "\(push.output)")

        // ben, outside winnow_medical, cannot decide a medical row even with --force; ana can.
        let medical = try #require(Self.medicalRows().first)
        let refused = try run(["decide", medical, "--reject", "unsafe", "--force"], as: "bin", in: boxB)
        #expect(refused.status == 1 && (refused.stderr.contains("winnow_medical") || refused.stderr.contains("which only members")),
                "\(refused.output)")
        _ = try succeed(["decide", medical, "--reject", "unsafe", "--force"], as: "daemon", in: boxA)

        // Nothing the attempts did is in the log; every box verifies the same chain, with each
        // entry in the name the server authenticated.
        for (osUser, box) in [("daemon", boxA), ("bin", boxB)] {
            let verify = try succeed(["log", "verify"], as: osUser, in: box)
            #expect(verify.stdout.contains("holds the same entries"), "\(verify.output)")
        }
        let log = try String(contentsOfFile: boxB + "/log/provenance.jsonl", encoding: .utf8)
        #expect(log.hasPrefix(before))
        let entries = log.split(separator: "\n").compactMap { try? LogEntry(parsing: Array($0.utf8)) }
        #expect(entries.filter { $0.kind == "decision" }.map(\.actor.user) == ["ben", "ana"])
        #expect(entries.filter { $0.kind != "decision" }.allSatisfy { $0.actor.user == "lead" })
    }

    static func served(_ run: WinnowRun) -> String? {
        (try? JSONSerialization.jsonObject(with: run.stdoutBytes) as? [String: Any])?["id"] as? String
    }

    static func medicalRows() throws -> [String] {
        let chat = try String(contentsOfFile: WinnowProcess.sampleData + "/support-chat.jsonl", encoding: .utf8)
        return chat.split(separator: "\n").compactMap { line -> String? in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  (object["meta"] as? [String: Any])?["slice"] as? String == "medical" else { return nil }
            return object["id"] as? String
        }.sorted()
    }
}
