import Foundation
import PostgresStore
import ProvenanceLog
import Testing
import TestSupport
import WinnowCore

/// The settings that grant power, kept by the server: only the owner pushes a version, nobody
/// changes one, and the server refuses a decision in a slice whose role the reviewer lacks.
@Suite(.serialized) struct ServerConfigTests {
    let cluster: PostgresCluster

    init() throws {
        cluster = try PostgresCluster()
        try cluster.prepare(database: "labels", owner: "lead", reviewers: ["ana", "ben"])
        try ServerLog(try connect("lead")).install()
        try cluster.grantReviewers(["ana", "ben"], database: "labels", as: "lead")
        let roles = try cluster.psql("CREATE ROLE winnow_medical; GRANT winnow_medical TO ana", as: "lead", database: "labels")
        try #require(roles.status == 0, "\(roles.stderr)")
    }

    func connect(_ role: String) throws -> ServerConnection {
        try cluster.connect(as: role)
    }

    func decide(_ row: String, slice: String?, as role: String) throws -> [LogEntry] {
        try ServerLog(try connect(role)).append([DecisionPayload(row: row, action: .accept, slice: slice)], tool: "winnow test")
    }

    @Test func onlyTheOwnerPushesAndNobodyRewritesAVersion() throws {
        let sha = String(repeating: "a", count: 64)
        #expect(try ServerConfig(try connect("lead")).push(text: "seed = \"x\"\n", sha: sha, sliceRoles: [:], leaseSeconds: 600) == 1)
        #expect(try ServerConfig(try connect("lead")).push(text: "seed = \"y\"\n", sha: sha, sliceRoles: ["medical": "winnow_medical"], leaseSeconds: 600) == 2)
        do {
            _ = try ServerConfig(try connect("ana")).push(text: "", sha: sha, sliceRoles: [:], leaseSeconds: 600)
            Issue.record("a reviewer pushed settings")
        } catch let error as StoreError {
            #expect(error.isPermissionDenied, "\(error.message)")
        }
        for statement in ["UPDATE winnow_config SET slice_roles = '{}'", "DELETE FROM winnow_config", "TRUNCATE winnow_config"] {
            for role in ["ana", "lead"] {
                let result = try cluster.psql(statement, as: role, database: "labels")
                #expect(result.status != 0 && (result.stderr.contains("permission denied") || result.stderr.contains("versions are kept")),
                        "\(role): \(statement): \(result.stderr)")
            }
        }
        let latest = try #require(try ServerConfig(try connect("ben")).latest())
        #expect(latest.version == 2 && latest.text == "seed = \"y\"\n" && latest.pushedBy == "lead")
    }

    @Test func aSlicesRoleDecidesItAndNobodyElse() throws {
        _ = try ServerConfig(try connect("lead")).push(
            text: "", sha: String(repeating: "b", count: 64), sliceRoles: ["medical": "winnow_medical", "legal": "no_such_role"], leaseSeconds: 600)
        #expect(try decide("m1", slice: "medical", as: "ana").count == 1)
        do {
            _ = try decide("m2", slice: "medical", as: "ben")
            Issue.record("ben decided a medical row")
        } catch let error as StoreError {
            #expect(error.isPermissionDenied && error.message.contains("winnow_medical"), "\(error.message)")
        }
        // A slice whose role does not exist is decided by nobody; other slices and unsliced rows by any reviewer.
        #expect(throws: StoreError.self) { try decide("l1", slice: "legal", as: "ana") }
        #expect(try decide("g1", slice: "general", as: "ben").count == 1)
        #expect(try decide("u1", slice: nil, as: "ben").count == 1)
        #expect(try ServerLog(try connect("ben")).head().seq == 3)
    }
}
