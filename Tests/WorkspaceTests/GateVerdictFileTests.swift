import Foundation
import Gates
import ProvenanceLog
import Testing
import WinnowCore
@testable import Workspace

/// A gate run is one `gate-run` entry pinning a read-only, content-addressed verdict file; a
/// missing or altered file stops every reader (replay, reindex, `log verify`) with its name, and
/// logs from before verdict files still replay.
@Suite(.serialized) struct GateVerdictFileTests {
    let flagRefunds = GateSuite(
        perRow: { row in
            row.text.fullText.lowercased().contains("refund")
                ? [GateFinding(gate: "blocklist", reason: "invented-policy", matched: "refund")] : []
        },
        corpus: nil, configHash: "test-refund")

    func gatedWorkspace() throws -> (WorkspaceSession, String, LogEntry) {
        let dir = NSTemporaryDirectory() + "/winnow-verdicts-\(UUID().uuidString)"
        let paths = try WorkspaceCreator.create(at: dir)
        let session = try WorkspaceSession.open(paths)
        let file = dir + "/rows.jsonl"
        try """
            {"id": "a", "prompt": "Can I get a refund?", "response": "Yes, within 90 days."}
            {"id": "b", "prompt": "Hello", "response": "Hi there."}
            {"id": "c", "prompt": "Refund please", "response": "Refunds are prorated."}

            """.write(toFile: file, atomically: true, encoding: .utf8)
        _ = try session.importFile(file, options: ImportOptions(), progress: nil)
        _ = try GateRunner(paths: paths, index: session.index, log: session.log, suite: flagRefunds).run()
        let run = try #require(try LogReader.tail(1, path: paths.log).last)
        return (session, dir, run)
    }

    @Test func oneEntryPinsAReadOnlyCanonicalFile() throws {
        let (session, dir, entry) = try gatedWorkspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(entry.knownKind == .gateRun)
        let run = try entry.payload(GateRunPayload.self)
        #expect(run.count == 2 && run.scope == .all && run.rows == 3 && run.through == "c" && run.config == "test-refund")
        let path = session.paths.verdictFile(run.verdicts)
        let bytes = [UInt8](try #require(FileManager.default.contents(atPath: path)))
        #expect(bytes.withUnsafeBufferPointer { ContentHash.hex($0) } == run.verdicts)
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        #expect(mode & 0o222 == 0, "verdict files are never written again (mode \(String(mode, radix: 8)))")
        let lines = bytes.split(separator: 0x0A).map(Array.init)
        #expect(lines.count == 2)
        for line in lines { #expect(try JSONValue.parse(line).canonicalBytes == line) }
        #expect(try GateVerdictFile.verdicts(of: run, seq: entry.seq, paths: session.paths).map(\.row) == ["a", "c"])
        #expect(try WorkspaceSession.verifyVerdictFiles(session.paths) == 1)
        #expect(try session.index.gatedThrough()?.config == "test-refund")
    }

    /// Asserts that `body` fails with a message naming the verdict file and saying `what`.
    func expectFailure(_ what: String, file: String, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("a damaged verdict file was accepted")
        } catch {
            let message = (error as? UserFacingError)?.message ?? "\(error)"
            #expect(message.contains(file) && message.contains(what), "\(message)")
        }
    }

    @Test func alteredOrMissingFileFailsClosed() throws {
        let (session, dir, entry) = try gatedWorkspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let run = try entry.payload(GateRunPayload.self)
        let path = session.paths.verdictFile(run.verdicts), name = "gates/\(run.verdicts).jsonl"

        // One verdict quietly dropped: the bytes no longer hash to what the log pinned.
        var bytes = [UInt8](try #require(FileManager.default.contents(atPath: path)))
        bytes = Array(bytes[..<(bytes.firstIndex(of: 0x0A)! + 1)])
        chmod(path, 0o640)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        expectFailure("was altered", file: name) { _ = try WorkspaceSession.verifyVerdictFiles(session.paths) }
        expectFailure("was altered", file: name) { try session.reindex() }

        try FileManager.default.removeItem(atPath: path)
        expectFailure("is missing", file: name) { _ = try WorkspaceSession.verifyVerdictFiles(session.paths) }
        try? FileManager.default.removeItem(atPath: session.paths.index)
        expectFailure("is missing", file: name) { _ = try WorkspaceSession.open(session.paths) }
    }

    @Test func malformedLineIsNamedEvenWhenTheHashMatches() throws {
        let (session, dir, _) = try gatedWorkspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // A file written by something else (the hash is right, the content is not a verdict).
        let bytes = Array("{\"action\":\"flag\",\"gate\":\"pii\",\"reason\":\"x\",\"row\":\"a\"}\n{\"action\":\"flag\",\"gate\":\"pii\",\"reason\":\"x\"}\n".utf8)
        let sha = bytes.withUnsafeBufferPointer { ContentHash.hex($0) }
        try Data(bytes).write(to: URL(fileURLWithPath: session.paths.verdictFile(sha)))
        let run = GateRunPayload(verdicts: sha, count: 2, config: "x", scope: .all, rows: 3, through: "c")
        expectFailure("\"row\" is missing", file: "gates/\(sha).jsonl:2") { try session.record([run]) }
        expectFailure("\"row\" is missing", file: "gates/\(sha).jsonl:2") { _ = try WorkspaceSession.verifyVerdictFiles(session.paths) }
    }

    @Test func perVerdictEntriesOfOlderLogsStillReplay() throws {
        let (session, dir, _) = try gatedWorkspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try session.record([GatePayload(gate: "pii", action: .flag, row: "b", reason: "email", config: "old")])
        try session.record([GatePayload(gate: "blocklist", action: .clear, row: "a", reason: "invented-policy", config: "old")])
        let before = try session.index.flags()
        #expect(before["b"]?["pii"] != nil && before["a"] == nil && before["c"]?["blocklist"] != nil)
        try session.reindex()
        #expect(try session.index.flags() == before)
    }

    /// A run over new rows that finds nothing is logged all the same (an empty verdict file), so
    /// the log says the gates saw those rows; a rerun with nothing new logs nothing; the next
    /// run after an import still gates only the new rows.
    @Test func aRunThatFindsNothingIsLoggedOnceAndStillIncremental() throws {
        let dir = NSTemporaryDirectory() + "/winnow-verdicts-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let paths = try WorkspaceCreator.create(at: dir)
        let session = try WorkspaceSession.open(paths)
        let quiet = GateSuite(perRow: { _ in [] }, corpus: nil, configHash: "test-quiet")
        try #"{"id": "a", "prompt": "Hi", "response": "Hello."}"#.appending("\n").write(toFile: dir + "/a.jsonl", atomically: true, encoding: .utf8)
        try #"{"id": "b", "prompt": "Bye", "response": "Goodbye."}"#.appending("\n").write(toFile: dir + "/b.jsonl", atomically: true, encoding: .utf8)
        _ = try session.importFile(dir + "/a.jsonl", options: ImportOptions(), progress: nil)
        let head = try session.log.head().seq
        let first = try GateRunner(paths: paths, index: session.index, log: session.log, suite: quiet).run()
        #expect(first.rows == 1 && !first.incremental)
        let logged = try LogReader.tail(1, path: paths.log)
        #expect(logged.first?.seq == head + 1 && logged.first?.knownKind == .gateRun, "one gate-run entry")
        let run = try #require(try logged.first?.payload(GateRunPayload.self))
        #expect(run.count == 0 && run.through == "a")
        _ = try GateRunner(paths: paths, index: session.index, log: session.log, suite: quiet).run()
        #expect(try session.log.head().seq == head + 1, "a rerun that sees nothing new logs nothing")
        _ = try session.importFile(dir + "/b.jsonl", options: ImportOptions(), progress: nil)
        let second = try GateRunner(paths: paths, index: session.index, log: session.log, suite: quiet).run()
        #expect(second.incremental && second.rows == 1, "only b is new")
        // The log alone says how far the gates have seen: a reindex leaves nothing pending.
        try session.reindex()
        #expect(try session.index.pendingGateRows() == 0)
        #expect(try session.index.gatedThrough()?.n == 2)
    }

    /// The verdict file is parsed in parts on all cores; the first bad line in file order is the
    /// one named, wherever the parts fall.
    @Test func theFirstBadLineIsNamedWhenTheFileIsParsedInParts() throws {
        let (session, dir, _) = try gatedWorkspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let good = #"{"action":"flag","gate":"pii","reason":"x","row":"a"}"#
        var lines = Array(repeating: good, count: 5000)
        lines[2999] = #"{"action":"flag","gate":"pii","reason":"x"}"#
        lines[4499] = #"{"action":"nonsense","gate":"pii","reason":"x","row":"a"}"#
        let bytes = Array((lines.joined(separator: "\n") + "\n").utf8)
        let sha = bytes.withUnsafeBufferPointer { ContentHash.hex($0) }
        try Data(bytes).write(to: URL(fileURLWithPath: session.paths.verdictFile(sha)))
        let run = GateRunPayload(verdicts: sha, count: 5000, config: "x", scope: .all, rows: 3, through: "c")
        expectFailure("\"row\" is missing", file: "gates/\(sha).jsonl:3000") { try session.record([run]) }
    }
}
