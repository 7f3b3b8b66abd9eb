import Foundation
import Gates
import ProvenanceLog
import TestSupport
import Testing
import WinnowCore
@testable import Workspace

/// Gates after an import read only the new rows, yet a row's verdicts do not depend on how its
/// file was cut: a file imported whole and the same file imported in three pieces (gates
/// running after each) end with the same flags, a whole rerun then finds nothing to change,
/// and a rebuilt index holds them too.
@Suite(.serialized) struct GateIncrementTests {
    /// Rows with what every corpus gate looks for: exact copies (same bytes under a new id, or
    /// the same words in other case and punctuation), near copies (one word changed in a long
    /// answer), a template batch (one generator and template, one opening), rows without words.
    static func plantedRows(count: Int, seed: UInt64) -> [String] {
        var rng = SplitMix64(seed)
        let words = "account refund policy patient dosage contract clause billing invoice privacy record review schedule symptom therapy warranty tax transfer update usage limit license notice order payment".split(separator: " ").map(String.init)
        func sentence(_ n: Int) -> String { (0..<n).map { _ in words.randomElement(using: &rng)! }.joined(separator: " ") }
        var rows: [[String: Any]] = []
        for i in 0..<count {
            let id = String(format: "r%05d", i)
            let roll = Int.random(in: 0..<100, using: &rng)
            if roll < 6, let source = rows.randomElement(using: &rng) {
                var copy = source
                copy["id"] = id
                if roll < 3, var messages = copy["messages"] as? [[String: String]] {
                    messages[1]["content"] = (messages[1]["content"] ?? "").uppercased() + "!"
                    copy["messages"] = messages
                }
                rows.append(copy)
            } else if roll < 16, let source = rows.randomElement(using: &rng), var messages = source["messages"] as? [[String: String]] {
                var answer = (messages[1]["content"] ?? "").split(separator: " ").map(String.init)
                if answer.count > 40 { answer[Int.random(in: 0..<answer.count, using: &rng)] = "changed" }
                messages[1]["content"] = answer.joined(separator: " ")
                rows.append(["id": id, "messages": messages, "meta": source["meta"] ?? [:]])
            } else {
                let batch = Int.random(in: 0..<4, using: &rng)
                var answer = sentence(Int.random(in: 30...70, using: &rng))
                if batch == 0 { answer = "As an AI assistant I can help with that. " + answer }
                if roll == 99 { answer = "!!! ???" }
                let meta: [String: Any] = ["origin": "synthetic", "generator": "gen-\(batch % 2)", "template": "tpl-\(batch)"]
                rows.append(["id": id, "messages": [["role": "user", "content": sentence(8)], ["role": "assistant", "content": answer]],
                             "meta": meta])
            }
        }
        return rows.map { String(decoding: try! JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]), as: UTF8.self) }
    }

    func workspace(_ tmp: TemporaryDirectory, _ name: String) throws -> WorkspaceSession {
        try WorkspaceSession.open(try WorkspaceCreator.create(at: tmp.file(name)))
    }

    func write(_ lines: ArraySlice<String>, to path: String) throws {
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// Imports `lines` whole into one workspace and in three pieces into another, gating after
    /// every import, and checks the two agree.
    func checkPiecesAgree(_ lines: [String], options: ImportOptions = ImportOptions(), tmp: TemporaryDirectory) throws {
        let whole = try workspace(tmp, "whole"), pieces = try workspace(tmp, "pieces")
        try write(lines[...], to: tmp.file("all.jsonl"))
        _ = try whole.importFile(tmp.file("all.jsonl"), options: options, progress: nil)
        let first = try whole.runGates()
        #expect(!first.incremental && first.rows == lines.count)

        let cuts = [0, lines.count / 3, lines.count * 2 / 3 + 7, lines.count]
        for part in 0..<3 {
            let file = tmp.file("part\(part).jsonl")
            try write(lines[cuts[part]..<cuts[part + 1]], to: file)
            _ = try pieces.importFile(file, options: options, progress: nil)
            let run = try pieces.runGates()
            #expect(run.incremental == (part > 0), "part \(part) gates only its own rows")
            #expect(run.rows == cuts[part + 1] - cuts[part])
        }
        let expected = try whole.index.flags()
        #expect(expected.values.contains { $0["exact-duplicate"] != nil }, "the rows hold exact copies")
        let got = try pieces.index.flags()
        for id in Set(expected.keys).union(got.keys).sorted() where expected[id] != got[id] {
            Issue.record("\(id): whole \(String(describing: expected[id])) pieces \(String(describing: got[id]))")
        }
        // A whole rerun over the pieces' workspace finds nothing to change.
        let head = try pieces.log.head().seq
        let rerun = try pieces.runGates(everything: true)
        #expect(rerun.flagged + rerun.rejected + rerun.cleared + rerun.tagged == 0, "\(rerun)")
        #expect(try pieces.log.head().seq == head)
        // The log rebuilds the same flags; the kept keys are gone, so the next run is whole.
        try pieces.reindex()
        #expect(try pieces.index.flags() == got)
        #expect(try pieces.index.gateKeysThrough() == nil)
    }

    @Test func wholeAndPiecesAgreeOnPlantedRows() throws {
        let tmp = try TemporaryDirectory()
        let lines = Self.plantedRows(count: 900, seed: 7)
        try checkPiecesAgree(lines, tmp: tmp)
        let whole = try WorkspaceSession.open(WorkspacePaths(root: tmp.file("whole")))
        let flags = try whole.index.flags()
        #expect(flags.values.contains { $0["template"] != nil }, "the batch with one opening is flagged")
        #expect(flags.values.contains { $0["near-duplicate"] != nil }, "the near copies are found")
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: Self.realData), "../shared/realdata is not present"))
    func wholeAndPiecesAgreeOnGSM8K() throws {
        let tmp = try TemporaryDirectory()
        // GSM8K's own questions, plus a few of them again as synthetic near and exact copies.
        let text = try String(contentsOfFile: Self.realData + "/gsm8k/train.jsonl", encoding: .utf8)
        var lines = text.split(separator: "\n").prefix(1500).map(String.init)
        #expect(lines.count == 1500)
        for i in stride(from: 0, to: 300, by: 10) {
            lines.append(lines[i])
            lines.append(lines[i + 1].replacingOccurrences(of: " the ", with: " a "))
        }
        var options = ImportOptions()
        options.defaults.origin = .synthetic
        options.defaults.generator = "gsm8k-writer"
        try checkPiecesAgree(lines, options: options, tmp: tmp)
    }

    static var realData: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/realdata").path
    }

    @Test func anImportAfterTheGatesGatesOnlyTheNewRows() throws {
        let tmp = try TemporaryDirectory()
        let session = try workspace(tmp, "ws")
        let lines = Self.plantedRows(count: 400, seed: 11)
        try write(lines[..<300], to: tmp.file("a.jsonl"))
        try write(lines[300...], to: tmp.file("b.jsonl"))
        _ = try session.importFile(tmp.file("a.jsonl"), options: ImportOptions(), progress: nil)
        _ = try session.runGates()
        let keptKeys = try #require(try session.index.gateKeysThrough())
        _ = try session.importFile(tmp.file("b.jsonl"), options: ImportOptions(), progress: nil)
        let run = try session.runGates()
        #expect(run.incremental && run.rows == 100 && run.existing == 300)
        #expect(try session.index.gateKeysThrough()?.n == keptKeys.n + 100)
        let entry = try #require(try LogReader.tail(1, path: session.paths.log).last)
        let payload = try entry.payload(GateRunPayload.self)
        #expect(payload.scope == .new && payload.rows == 100)
    }

    /// A lineage (`[generators]`) says what models were trained on and changes every round:
    /// declaring one leaves the gates' state standing (no rerun of every row), unlike a gate
    /// setting.
    @Test func declaringALineageRerunsNoGate() throws {
        let tmp = try TemporaryDirectory()
        var session = try workspace(tmp, "ws")
        try write(Self.plantedRows(count: 50, seed: 5)[...], to: tmp.file("a.jsonl"))
        _ = try session.importFile(tmp.file("a.jsonl"), options: ImportOptions(), progress: nil)
        _ = try session.runGates()
        let entries = try LogReader.tail(1, path: session.paths.log).last?.seq
        let handle = try #require(FileHandle(forWritingAtPath: session.paths.config))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("\n[generators.next]\ntrained_on = [\"mixes/m\"]\n".utf8))
        try handle.close()
        session = try WorkspaceSession.open(session.paths)
        #expect(session.config.generators.map(\.name) == ["next"])
        let run = try session.runGates()
        #expect(run.rows == 0 && run.incremental, "\(run)")
        #expect(try LogReader.tail(1, path: session.paths.log).last?.seq == entries, "nothing logged")
    }

    /// The gates' fast row scan reads what the ordinary listing reads, field for field.
    @Test func theGatesRowScanReadsWhatTheListingReads() throws {
        let tmp = try TemporaryDirectory()
        let session = try workspace(tmp, "ws")
        try write(Self.plantedRows(count: 120, seed: 3)[...], to: tmp.file("a.jsonl"))
        var options = ImportOptions()
        options.defaults.seed = "s-1"
        _ = try session.importFile(tmp.file("a.jsonl"), options: options, progress: nil)
        _ = try session.runGates()
        for after in [0, 17] as [Int64] {
            let slow = try session.index.rows(after: after, limit: 50), fast = try session.index.scanRows(after: after, limit: 50)
            #expect(fast.map(\.n) == slow.map(\.n))
            #expect(fast.map(\.row) == slow.map(\.row))
            let byNumber = try session.index.rows(numbers: slow.map(\.n).reversed())
            #expect(slow.allSatisfy { byNumber[$0.n] == $0.row })
        }
        #expect(try session.index.allRows().contains { $0.sliceTagged }, "a classifier-tagged row is among them")
    }
}
