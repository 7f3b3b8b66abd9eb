import Foundation
import Gates
import ProvenanceLog
import Testing
import WinnowCore
@testable import Workspace

/// The gate run's bookkeeping, with a stand-in gate: verdicts are logged only when they change,
/// a rerun that no longer finds something clears it, and the index rebuilt from the log holds
/// the same flags.
@Suite(.serialized) struct GateRunnerTests {
    func workspace() throws -> (WorkspaceSession, String) {
        let dir = NSTemporaryDirectory() + "/winnow-gates-\(UUID().uuidString)"
        let paths = try WorkspaceCreator.create(at: dir)
        let session = try WorkspaceSession.open(paths)
        let file = dir + "/rows.jsonl"
        try """
            {"id": "a", "prompt": "Can I get a refund?", "response": "Yes, within 90 days, no questions asked."}
            {"id": "b", "prompt": "Hello", "response": "Hi there."}
            {"id": "c", "prompt": "Refund please", "response": "Refunds are prorated within 30 days."}

            """.write(toFile: file, atomically: true, encoding: .utf8)
        _ = try session.importFile(file, options: ImportOptions(), progress: nil)
        return (session, dir)
    }

    func suite(_ word: String?) -> GateSuite {
        GateSuite(
            perRow: { row in
                guard let word, let segment = row.text.segments.firstIndex(where: { $0.text.lowercased().contains(word) }) else { return [] }
                return [GateFinding(gate: "blocklist", reason: "invented-policy", segment: segment, matched: word)]
            },
            corpus: nil, configHash: "test-\(word ?? "none")")
    }

    @Test func verdictsAreLoggedOnceClearedWhenGoneAndReplayed() throws {
        let (session, dir) = try workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let runner = { (word: String?) in GateRunner(paths: session.paths, index: session.index, log: session.log, suite: self.suite(word)) }

        let first = try runner("refund").run()
        #expect(first.flagged == 2)
        #expect(try session.index.flags().keys.sorted() == ["a", "c"])
        let headAfterFirst = try session.log.head().seq

        let again = try runner("refund").run()
        #expect(again.flagged == 0 && again.cleared == 0)
        #expect(try session.log.head().seq == headAfterFirst, "an unchanged rerun writes nothing")

        let narrower = try runner("90 days").run()
        #expect(narrower.flagged == 1, "row a's flag changed its match")
        #expect(narrower.cleared == 1, "row c no longer matches")
        #expect(try session.index.flags().keys.sorted() == ["a"])

        let entries = try LogReader.tail(10, path: session.paths.log)
        #expect(!entries.contains { $0.knownKind == .gate }, "verdicts live in the run's file, not one entry each")
        let runs = try entries.filter { $0.knownKind == .gateRun }
        #expect(runs.count == 2, "one entry per run that changed something")
        let gates = try runs.flatMap { try GateVerdictFile.verdicts(of: $0.payload(GateRunPayload.self), seq: $0.seq, paths: session.paths) }
        #expect(gates.allSatisfy { $0.config?.hasPrefix("test-") == true })
        #expect(gates.contains { $0.action == .clear && $0.row == "c" })

        let before = try session.index.flags()
        try session.reindex()
        #expect(try session.index.flags() == before)
    }

    /// The stores a run keeps from chunk to chunk hold no source open between parts: kept open,
    /// four stores a core would each hold every large source for the whole run, and a
    /// workspace of a few big files ran out of descriptors ("source missing").
    @Test func keptStoresHoldNoSourceOpenBetweenParts() throws {
        let dir = NSTemporaryDirectory() + "/winnow-gates-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let session = try WorkspaceSession.open(try WorkspaceCreator.create(at: dir))
        for file in 0..<3 {
            let lines = (0..<400).map { #"{"id": "f\#(file)-\#($0)", "prompt": "Question \#($0)", "response": "A refund, file \#(file)."}"# }
            try (lines.joined(separator: "\n") + "\n").write(toFile: dir + "/rows\(file).jsonl", atomically: true, encoding: .utf8)
            var options = ImportOptions()
            options.gates = false
            _ = try session.importFile(dir + "/rows\(file).jsonl", options: options, progress: nil)
        }
        let stores = StorePool(paths: session.paths, index: session.index)
        let chunk = try session.index.scanRows(after: 0, limit: GateRunner.chunkSize)
        #expect(chunk.count == 1200)
        for _ in 0..<2 {
            let rows = try GateRunner.gate(chunk, suite("refund"), stores: stores)
            #expect(rows.count == 1200 && rows.allSatisfy { !$0.findings.isEmpty })
            #expect((0..<StorePool.size).allSatisfy { stores.store($0).openFiles == 0 })
        }
    }

    /// Runs with hundreds of verdicts are applied from the stage the run filled as it decided
    /// them; rebuilding the index from the log (the verdict files parsed) gives the same index.
    @Test func largeRunsAppliedFromTheStageMatchAReplay() throws {
        let dir = NSTemporaryDirectory() + "/winnow-gates-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let session = try WorkspaceSession.open(try WorkspaceCreator.create(at: dir))
        let words = ["refund", "invoice", "dosage"]
        let lines = (0..<900).map { i in
            #"{"id": "r\#(i)", "prompt": "Question \#(i)", "response": "About the \#(words[i % 3]) and \#(words[(i / 3) % 3])."}"#
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: dir + "/rows.jsonl", atomically: true, encoding: .utf8)
        _ = try session.importFile(dir + "/rows.jsonl", options: ImportOptions(), progress: nil)
        let runner = { (word: String?) in GateRunner(paths: session.paths, index: session.index, log: session.log, suite: self.suite(word)) }
        #expect(try runner("refund").run().flagged == 500)
        let second = try runner("invoice").run()
        #expect(second.flagged == 500 && second.cleared == 300)
        let flags = try session.index.flags(), rows = try session.index.allRows()
        #expect(flags.count == 500)
        let left = try session.index.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM temp.gate_verdicts") }
        #expect(left == 0, "the stage was used and emptied")
        // The verdict files were written as the runs went and named by their hashes. A run
        // that finds nothing clears every flag; "refund" again then writes the first run's
        // lines again: the file there is checked and kept, and the temporary copy removed.
        #expect(try runner(nil).run().cleared == 500)
        #expect(try runner("refund").run().flagged == 500)
        let files = try FileManager.default.contentsOfDirectory(atPath: session.paths.gates)
        #expect(files.count == 3 && files.allSatisfy { $0.hasSuffix(".jsonl") && !$0.hasPrefix(".") }, "\(files)")
        for file in files {
            let bytes = try #require(FileManager.default.contents(atPath: session.paths.gates + "/" + file))
            #expect(ContentHash.hex(bytes) + ".jsonl" == file)
        }
        let now = (try session.index.flags(), try session.index.allRows())
        #expect(now.0.count == 500 && now.0 != flags)
        try session.reindex()
        #expect(try session.index.flags() == now.0)
        #expect(try session.index.allRows() == now.1)
    }

    /// A gate run killed while it wrote its verdict file leaves `gates/.writing-PID-N`: the next
    /// session that opens the workspace removes it (its process is gone) and says so; a file
    /// of a running process stays.
    @Test func aKilledRunsVerdictFileIsRemovedByTheNextSession() throws {
        let (session, dir) = try workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: session.paths.gates, withIntermediateDirectories: true)
        let dead = session.paths.gates + "/.writing-999999-17", alive = session.paths.gates + "/.writing-\(getpid())-18"
        for path in [dead, alive] { try "partial".write(toFile: path, atomically: false, encoding: .utf8) }
        let again = try WorkspaceSession.open(session.paths)
        #expect(!FileManager.default.fileExists(atPath: dead))
        #expect(FileManager.default.fileExists(atPath: alive))
        #expect(again.notices.contains { $0.contains(".writing-999999-17") && $0.contains("gate run") }, "\(again.notices)")
    }
}
