import Foundation
import Testing

/// A big import into a young workspace writes the index with a rollback journal instead of the
/// WAL (`RowIndex.beginBulkLoad`). Killed while it writes, it must leave no trace either: the
/// next command rolls the hot journal back, the log has no entry, the partial copy goes, and the
/// workspace imports as if nothing had happened.
@Suite(.serialized) struct InterruptedBulkImportTests {
    @Test func aKilledBulkImportLeavesNoTrace() throws {
        let tmp = try TemporaryFolder()
        let ws = try tmp.workspace()
        // Over the 64 MB bulk-load threshold.
        let row = #"{"prompt": "question", "response": "an answer long enough to make this file take a moment to import, \#(String(repeating: "and then some more words ", count: 6))"}"#
        let big = try tmp.file("big.jsonl", String(repeating: row + "\n", count: 64 << 20 / row.utf8.count + 1000))
        let process = try WinnowProcess.start(["import", "--no-gates", "--workspace", ws, big])
        // Wait until the index is being written under its rollback journal, then kill the import.
        let journal = ws + "/index.sqlite-journal"
        let deadline = Date().addingTimeInterval(30)
        var sawJournal = false
        while Date() < deadline && process.isRunning {
            if FileManager.default.fileExists(atPath: journal) { sawJournal = true; break }
            usleep(1000)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(sawJournal, "the bulk load wrote under a rollback journal")

        let verify = try WinnowProcess.run(["log", "verify"], in: ws)
        #expect(verify.status == 0, "\(verify.output)")
        let show = try WinnowProcess.run(["log", "show"], in: ws)
        #expect(show.stdout.split(separator: "\n").isEmpty, "nothing was logged: \(show.output)")
        // A journal is hot, and rolled back and removed by the next command, when its first byte
        // is not zero. One killed before its header was written is empty, and one killed before
        // its first sync still has its header's magic zeroed (SQLite writes it at the sync, and
        // writes no page of the database before): neither is hot, nothing was changed, and SQLite
        // leaves them; each was seen under load.
        let left = FileManager.default.contents(atPath: journal).map { [UInt8]($0) } ?? []
        #expect((left.first ?? 0) == 0, "the hot journal was rolled back (\(left.count) bytes left, first \(left.first ?? 0))")
        let names = try FileManager.default.contentsOfDirectory(atPath: ws + "/sources")
        #expect(names.isEmpty, "no partial copy and no source without its import entry: \(names)")

        // The index holds nothing of the killed import: a small file imports all its rows.
        let small = try tmp.file("small.jsonl", """
            {"id": "a", "prompt": "one", "response": "first"}
            {"id": "b", "prompt": "two", "response": "second"}

            """)
        let run = try WinnowProcess.run(["import", "--no-gates", "--json", "--workspace", ws, small], in: ws)
        #expect(run.status == 0, "\(run.output)")
        #expect(run.stdout.contains(#""rows":2"#), "\(run.output)")
    }
}

extension WinnowProcess {
    /// Starts winnow without waiting for it (output discarded), for tests that kill it mid-way.
    static func start(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }
}
