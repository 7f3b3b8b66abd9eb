import Foundation
import ProvenanceLog
import Testing
import TestSupport
import WinnowCore

/// A log file kept as a replica (`appendReplicated`): entries written elsewhere land byte for
/// byte; entries it already holds are left out after checking they are the same; anything that
/// does not follow its head is refused and nothing is written.
@Suite struct ReplicaTests {
    /// A chain of `count` decisions written to a file log, as (entry, line) pairs.
    func source(_ count: Int, in folder: TemporaryDirectory) throws -> [(entry: LogEntry, line: String)] {
        let file = try LogFile.open(at: folder.file("source.jsonl"))
        for n in 1...count { try file.append(DecisionPayload(row: "r\(n)", action: .accept)) }
        let text = try String(contentsOfFile: folder.file("source.jsonl"), encoding: .utf8)
        return try text.split(separator: "\n").map { (try LogEntry(parsing: Array($0.utf8)), String($0)) }
    }

    @Test func entriesLandAsTheyAreAndOverlapsAreLeftOut() throws {
        let folder = try TemporaryDirectory(prefix: "winnow-replica")
        let entries = try source(5, in: folder)
        let replica = try LogFile.open(at: folder.file("replica.jsonl"))
        #expect(try replica.appendReplicated(Array(entries[0..<3])) == 3)
        // Two processes bringing the replica up to date: the second one's overlap is skipped.
        #expect(try replica.appendReplicated(Array(entries[1..<5])) == 2)
        #expect(try replica.appendReplicated(entries) == 0)
        #expect(try String(contentsOfFile: folder.file("replica.jsonl"), encoding: .utf8)
                == String(contentsOfFile: folder.file("source.jsonl"), encoding: .utf8))
        #expect(try replica.head() == LogHead(seq: 5, hash: entries[4].entry.hash))
        guard case .ok(5, _, _) = try LogVerifier.verify(path: folder.file("replica.jsonl")) else {
            Issue.record("the replica does not verify"); return
        }
    }

    @Test func aGapOrAnotherHistoryIsRefusedAndNothingWritten() throws {
        let folder = try TemporaryDirectory(prefix: "winnow-replica")
        let entries = try source(4, in: folder)
        let replica = try LogFile.open(at: folder.file("replica.jsonl"))
        try replica.appendReplicated(Array(entries[0..<2]))
        let before = try String(contentsOfFile: folder.file("replica.jsonl"), encoding: .utf8)
        #expect(throws: LogError.self) { try replica.appendReplicated([entries[3]]) }
        // Another log's entry 2 and 3: its entry 2 is not the replica's.
        let other = try TemporaryDirectory(prefix: "winnow-replica-other")
        let otherFile = try LogFile.open(at: other.file("log.jsonl"))
        try otherFile.append(DecisionPayload(row: "r1", action: .accept))
        try otherFile.append(DecisionPayload(row: "x", action: .reject, reason: "unsafe"))
        try otherFile.append(DecisionPayload(row: "y", action: .accept))
        let foreign = try String(contentsOfFile: other.file("log.jsonl"), encoding: .utf8).split(separator: "\n")
            .map { (entry: try LogEntry(parsing: Array($0.utf8)), line: String($0)) }
        #expect(throws: LogError.self) { try replica.appendReplicated(Array(foreign[1...])) }
        #expect(try String(contentsOfFile: folder.file("replica.jsonl"), encoding: .utf8) == before)
        let readOnly = try LogFile.openReadOnly(at: folder.file("replica.jsonl"))
        #expect(throws: LogError.readOnly(file: folder.file("replica.jsonl"))) { try readOnly.appendReplicated([entries[2]]) }
    }
}
