import Foundation
import PostgresStore
import ProvenanceLog
import Testing
import TestSupport
import WinnowCore

/// The server-side log (issue 13, part 2, first piece): reviewers append through the server's
/// function and only so; the server writes the envelope, so the actor is who the server says;
/// and what it stores is a log `winnow log verify` proves, byte for byte today's format.
@Suite(.serialized) struct ServerLogTests {
    let cluster: PostgresCluster

    init() throws {
        cluster = try PostgresCluster()
        try expectSuccess(cluster.psql("CREATE DATABASE labels", as: PostgresCluster.admin))
        try expectSuccess(cluster.psql(ServerLogSchema.install, database: "labels", singleTransaction: true))
        try expectSuccess(cluster.psql("""
            CREATE ROLE ana LOGIN IN ROLE \(ServerLogSchema.reviewerRole);
            CREATE ROLE ben LOGIN IN ROLE \(ServerLogSchema.reviewerRole);
            CREATE ROLE eve LOGIN;
            """, database: "labels"))
    }

    func expectSuccess(_ result: ProcessResult) throws {
        guard result.status == 0 else {
            throw PostgresCluster.Failure(description: "psql failed (\(result.status)): \(result.stderr)")
        }
    }

    /// Appends a decision as `role` through `winnow_append`, the payload's members given as
    /// their canonical JSON texts (what the client store will send).
    func append(_ payload: DecisionPayload, as role: String) throws -> ProcessResult {
        let fields = payload.toFields()
        func array(_ texts: [String]) -> String {
            "ARRAY[" + texts.map { "'" + $0.replacingOccurrences(of: "'", with: "''") + "'" }.joined(separator: ",") + "]::text[]"
        }
        return try cluster.psql("""
            SELECT seq FROM winnow_append('decision', 'winnow 0.1.0', NULL, \(array(fields.map(\.0))), \(array(fields.map { $0.1.canonicalString })))
            """, as: role, database: "labels")
    }

    /// The log as a JSONL file, exported in seq order, and `LogVerifier`'s verdict on it.
    func exportedLog() throws -> (lines: [String], verification: LogVerification, file: String) {
        let result = try cluster.psql("SELECT line FROM winnow_log ORDER BY seq", as: "ana", database: "labels")
        try expectSuccess(result)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let file = cluster.folder.file("exported-\(UUID().uuidString).jsonl")
        try lines.map { $0 + "\n" }.joined().write(toFile: file, atomically: true, encoding: .utf8)
        return (lines, try LogVerifier.verify(path: file), file)
    }

    @Test func appendsFromTwoReviewersFormOneChainWinnowVerifies() throws {
        let note = "dose: 5 mg \"twice\" daily — ünïcödé, a tab\there"
        try expectSuccess(append(DecisionPayload(row: "r1", action: .accept, rowHash: String(repeating: "a", count: 64)), as: "ana"))
        try expectSuccess(append(DecisionPayload(row: "r2", action: .reject, reason: "unsafe", note: note, spentMs: 4200), as: "ben"))
        try expectSuccess(append(DecisionPayload(row: "r1", action: .edit, newRow: .object([("prompt", .string("p")), ("response", .string("r"))])), as: "ana"))
        let (lines, verification, file) = try exportedLog()
        #expect(lines.count == 3)
        #expect(verification == .ok(count: 3, headSeq: 3, headHash: verification.headHashIfOK ?? ""), "\(verification)")
        var entries: [LogEntry] = []
        try LogReader(path: file).forEach { entries.append($0) }
        #expect(entries.map(\.actor.user) == ["ana", "ben", "ana"])
        #expect(entries[0].actor.uid == entries[2].actor.uid && entries[0].actor.uid != entries[1].actor.uid)
        #expect(entries.map(\.seq) == [1, 2, 3] && entries[0].prev == LogEntry.genesisHash && entries[1].prev == entries[0].hash)
        let second = try entries[1].payload(DecisionPayload.self)
        #expect(second.note == note && second.reason == "unsafe" && second.spentMs == 4200 && second.action == .reject)
    }

    @Test func aReviewerCannotRewriteOrForgeTheLog() throws {
        try expectSuccess(append(DecisionPayload(row: "r1", action: .accept), as: "ana"))
        try expectSuccess(append(DecisionPayload(row: "r2", action: .accept), as: "ben"))
        let before = try exportedLog().lines
        for attack in [
            "UPDATE winnow_log SET actor = 'ana' WHERE seq = 2",
            "DELETE FROM winnow_log WHERE seq = 2",
            "TRUNCATE winnow_log",
            "INSERT INTO winnow_log(seq, hash, line, actor) VALUES (3, repeat('a', 64), '{}', 'ben')",
        ] {
            let result = try cluster.psql(attack, as: "ana", database: "labels")
            #expect(result.status != 0 && result.stderr.contains("permission denied"), "\(attack): \(result.stderr)")
        }
        // The envelope is the server's: a client cannot name the actor (or seq, prev, ts).
        for member in ["actor", "seq", "prev", "ts", "hash"] {
            let result = try cluster.psql("""
                SELECT winnow_append('decision', 'winnow 0.1.0', NULL, ARRAY['row', 'action', '\(member)'],
                                     ARRAY['"r3"', '"accept"', '{"host":"x","uid":1,"user":"ben"}'])
                """, as: "ana", database: "labels")
            #expect(result.status != 0 && result.stderr.contains("belongs to the envelope"), "\(member): \(result.stderr)")
        }
        let notJSON = try cluster.psql("SELECT winnow_append('decision', 'winnow 0.1.0', NULL, ARRAY['row'], ARRAY['{bad'])",
                                       as: "ana", database: "labels")
        #expect(notJSON.status != 0 && notJSON.stderr.contains("is not JSON"), "\(notJSON.stderr)")
        // A role outside the reviewers cannot append or read at all.
        let outsider = try append(DecisionPayload(row: "r9", action: .accept), as: "eve")
        #expect(outsider.status != 0 && outsider.stderr.contains("permission denied"), "\(outsider.stderr)")
        #expect(try cluster.psql("SELECT count(*) FROM winnow_log", as: "eve", database: "labels").status != 0)

        let after = try exportedLog()
        #expect(after.lines == before)
        #expect(after.verification.isOK)
    }

    @Test func evenTheOwnersSessionCannotChangeAnEntryByAccident() throws {
        try expectSuccess(append(DecisionPayload(row: "r1", action: .accept), as: "ana"))
        for statement in [
            "UPDATE winnow_log SET actor = 'ben'",
            "DELETE FROM winnow_log",
            "TRUNCATE winnow_log",
            "INSERT INTO winnow_log(seq, hash, line, actor) VALUES (2, repeat('a', 64), '{}', 'ben')",
        ] {
            let result = try cluster.psql(statement, database: "labels")
            #expect(result.status != 0 && result.stderr.contains("append-only"), "\(statement): \(result.stderr)")
        }
        #expect(try exportedLog().verification.isOK)
    }
}

extension LogVerification {
    var headHashIfOK: String? {
        if case .ok(_, _, let hash) = self { return hash }
        return nil
    }
}
