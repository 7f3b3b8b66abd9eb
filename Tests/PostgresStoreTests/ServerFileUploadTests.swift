import Foundation
import PostgresStore
import Testing
import TestSupport
import WinnowCore

/// A source sent while its import runs (`ServerFileUpload`): stored only when the import names
/// the same SHA-256, rolled back otherwise, never seen half-sent, and never by a role that may
/// not store files.
@Suite(.serialized) struct ServerFileUploadTests {
    let cluster: PostgresCluster
    let folder: TemporaryDirectory
    /// Three parts and a bit: the upload's loop, not one statement.
    let file: String
    let bytes: [UInt8]

    init() throws {
        cluster = try PostgresCluster()
        try cluster.prepare(database: "labels", owner: "lead", reviewers: ["ana"])
        try ServerLog(try cluster.connect(as: "lead")).install()
        try cluster.grantReviewers(["ana"], database: "labels", as: "lead")
        folder = try TemporaryDirectory()
        file = folder.path + "/rows.jsonl"
        let random = try #require(FileHandle(forReadingAtPath: "/dev/urandom"))
        bytes = [UInt8](random.readData(ofLength: 3 * ServerFiles.partSize + 1234))
        try writeBytes(bytes, to: file)
    }

    var sha: String { ContentHash.hex(bytes) }

    func url(_ role: String) throws -> StoreURL {
        try StoreURL(cluster.url(database: "labels", role: role), operatingSystemUser: role)
    }

    func storedParts() throws -> String {
        let result = try cluster.psql("SELECT count(*) FROM winnow_file_part", as: "lead", database: "labels")
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func theFileTheImportNamesIsStoredWhole() throws {
        let upload = ServerFileUpload.start(file, to: try url("lead"))
        #expect(upload.finish(as: sha) == .stored(sha: sha))
        let files = ServerFiles(try cluster.connect(as: "ana"))
        #expect(try files.has(sha))
        let copy = folder.path + "/fetched"
        #expect(try files.fetch(sha, to: copy))
        #expect(FileManager.default.contents(atPath: copy) == Data(bytes))
        #expect(try storedParts() == "4")
        // Sent again (the same file imported into another workspace): nothing new.
        #expect(ServerFileUpload.start(file, to: try url("lead")).finish(as: sha) == .stored(sha: sha))
        #expect(try storedParts() == "4")
    }

    @Test func anotherNameOrAnAbandonedImportLeavesNothing() throws {
        let other = String(repeating: "0", count: 64)
        let upload = ServerFileUpload.start(file, to: try url("lead"))
        guard case .notStored = upload.finish(as: other) else { Issue.record("stored under a name the import did not give"); return }
        ServerFileUpload.start(file, to: try url("lead")).abandon()
        let files = ServerFiles(try cluster.connect(as: "lead"))
        #expect(try !files.has(sha) && !files.has(other))
        #expect(try storedParts() == "0")
    }

    @Test func aReviewerCannotStoreOne() throws {
        let upload = ServerFileUpload.start(file, to: try url("ana"))
        guard case .notStored(let reason) = upload.finish(as: sha) else { Issue.record("a reviewer stored a file"); return }
        #expect(reason.contains("permission denied"), "\(reason)")
        #expect(try storedParts() == "0")
    }

    @Test func aFileThatIsNotThereIsNotStored() throws {
        let upload = ServerFileUpload.start(folder.path + "/missing.jsonl", to: try url("lead"))
        guard case .notStored = upload.finish(as: sha) else { Issue.record("stored a missing file"); return }
        #expect(try storedParts() == "0")
    }
}
