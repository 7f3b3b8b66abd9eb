import Foundation
import Gates
import Testing
import TestSupport
import WinnowCore
@testable import Workspace

/// Eval files as the workspace reads them: through `InputFile` (gzip as import reads it), folders
/// of files, and every problem that makes a file useless reported with the file's name.
struct EvalFilesTests {
    let settings = GateSettings()

    @Test func aGzipEvalFileIsDecompressedWhateverItsName() throws {
        let tmp = try TemporaryDirectory()
        let text = "{\"question\": \"Which planet in our solar system has the most moons today?\"}\n"
        try writeBytes(Array(text.utf8), to: tmp.file("eval.jsonl"))
        try runShell("gzip -c \(tmp.file("eval.jsonl")) > \(tmp.file("eval.jsonl.gz")) && cp \(tmp.file("eval.jsonl.gz")) \(tmp.file("plain-name.jsonl"))")
        for name in ["eval.jsonl.gz", "plain-name.jsonl"] {
            let (index, warnings, _) = try EvalFiles.load([name], root: tmp.path, settings: settings)
            #expect(warnings == [])
            #expect(index.items.map(\.prompt) == [["Which planet in our solar system has the most moons today?"]])
            #expect(index.items.map(\.file) == [name])
        }
    }

    @Test func uselessFilesThrowNamingTheFileAndWhy() throws {
        let tmp = try TemporaryDirectory()
        try writeBytes([0x1F, 0x8B, 0x08, 0x00, 0x01, 0x02, 0x03], to: tmp.file("broken.jsonl.gz"))
        try writeBytes(Array("a,b\n".utf8), to: tmp.file("table.jsonl"))
        try FileManager.default.createDirectory(atPath: tmp.file("empty"), withIntermediateDirectories: true)
        try writeBytes(Array("notes".utf8), to: tmp.file("empty/README.md"))
        let cases: [(String, String)] = [
            ("missing.jsonl", "missing.jsonl: cannot read the eval file: no such file"),
            ("broken.jsonl.gz", "broken.jsonl.gz: cannot read the eval file: "),
            ("table.jsonl", "table.jsonl: no eval items (first problem: table.jsonl:1: not valid JSON"),
            ("empty", "empty: no eval items (the folder holds no .jsonl, .json, .csv or .tsv file)"),
        ]
        for (file, message) in cases {
            do {
                _ = try EvalFiles.load([file], root: tmp.path, settings: settings)
                Issue.record("\(file) loaded")
            } catch {
                #expect(error.message.hasPrefix(message), "\(error.message)")
            }
        }
    }

    /// A bad eval file's message names the line where `eval_files` is set, not the first line
    /// that mentions it (the generated winnow.toml explains `eval_files` in a comment above).
    @Test func aBadEvalFileNamesTheLineThatSetsIt() throws {
        let tmp = try TemporaryDirectory()
        let paths = try WorkspaceCreator.create(at: tmp.file("ws"))
        var lines = try String(contentsOfFile: paths.config, encoding: .utf8).components(separatedBy: "\n")
        let setting = try #require(lines.firstIndex { $0.hasPrefix("eval_files =") })
        #expect(lines[..<setting].contains { $0.hasPrefix("#") && $0.contains("eval_files") }, "the template's comment mentions it first")
        lines[setting] = #"eval_files = ["missing.jsonl"]"#
        try lines.joined(separator: "\n").write(toFile: paths.config, atomically: true, encoding: .utf8)
        let session = try WorkspaceSession.open(paths)
        do {
            _ = try session.prepareGates()
            Issue.record("a missing eval file was accepted")
        } catch {
            let message = (error as? UserFacingError)?.message ?? "\(error)"
            #expect(message.contains("winnow.toml:\(setting + 1): eval_files: missing.jsonl: cannot read the eval file"), "\(message)")
        }
    }

    @Test func aFolderIsEveryEvalFileInItAndNamesWhatItDidNotRead() throws {
        let tmp = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: tmp.file("set/dev"), withIntermediateDirectories: true)
        try writeBytes(Array("What is the capital city of France and why?,Paris,Lyon,A\n".utf8), to: tmp.file("set/dev/geo.csv"))
        try writeBytes(Array("{\"prompt\": \"Name the largest ocean on planet Earth.\"}\n".utf8), to: tmp.file("set/a.jsonl"))
        try writeBytes(Array("read me".utf8), to: tmp.file("set/README.md"))
        let (index, warnings, _) = try EvalFiles.load(["set"], root: tmp.path, settings: settings)
        #expect(index.items.map(\.file) == ["set/a.jsonl", "set/dev/geo.csv"])
        #expect(warnings == ["set: not read (not .jsonl, .json, .csv or .tsv): README.md"])
    }
}

/// Every eval set under ../shared/realdata loads completely: item counts from each README, no
/// line left out, and (for the shapes where it can be checked) every text field on its side.
@Suite(.enabled(if: RealData.isPresent, "../shared/realdata is not present"))
struct EvalFilesRealDataTests {
    let settings = GateSettings()

    func load(_ files: [String]) throws -> ContaminationIndex {
        let (index, warnings, _) = try EvalFiles.load(files, root: RealData.directory, settings: settings)
        #expect(warnings.filter { !$0.contains("README.md") } == [], "\(warnings.prefix(3))")
        return index
    }

    @Test func hhRlhfShipsGzipAndEveryTranscriptHasItsHumanTurnsAsPrompt() throws {
        let index = try load(["hh-rlhf/harmless-base/test.jsonl.gz"])
        #expect(index.items.count == 2312)
        let reference = try RealData.objects("hh-rlhf/harmless-base/test.jsonl.gz")
        for (item, record) in zip(index.items, reference) {
            let chosen = try #require(record["chosen"] as? String)
            let humans = chosen.components(separatedBy: "\n\nHuman:").dropFirst()
                .map { $0.components(separatedBy: "\n\nAssistant:")[0].trimmingCharacters(in: .whitespacesAndNewlines) }
            #expect(item.firstTurn == humans.first)
            #expect(Set(humans.filter { !$0.isEmpty }).isSubset(of: Set(item.prompt)))
            #expect(!item.answer.isEmpty)
        }
    }

    @Test func mmluIsOneFolderOfHeaderlessCSV() throws {
        let start = Date()
        let index = try load(["mmlu"])
        // The README's record counts: dev 285, val 1,542, test 14,079.
        #expect(index.items.count == 285 + 1542 + 14079)
        #expect(index.items.allSatisfy { $0.prompt.count >= 2 && $0.answer.count == 1 && ["A", "B", "C", "D"].contains($0.answer[0]) })
        let item = try #require(index.items.first { $0.file == "mmlu/dev/anatomy_dev.csv" })
        #expect(item.prompt == ["What is the embryological origin of the hyoid bone?", "The first pharyngeal arch",
                                "The first and second pharyngeal arches", "The second pharyngeal arch",
                                "The second and third pharyngeal arches"])
        let gate = ContaminationGate(index: index)
        let row = GateRow(id: "r", shape: .chat, provenance: Provenance(), text: RowText(segments: [
            .init(label: "user", text: "Quiz: what is the embryological origin of the hyoid bone?"), .init(label: "assistant", text: "Arches.")]))
        #expect(gate.check(row).first?.gate == "contamination")
        print("mmlu: \(index.items.count) items, \(index.count) keys, loaded and indexed in \(Date().timeIntervalSince(start)) s")
    }

    @Test func jsonStringsNestedInstancesArraysAndQuestionAnswerSetsAllLoad() throws {
        #expect(try load(["oasst/en_100_text.jsonl"]).items.count == 100)
        #expect(try load(["oasst/prompt_lottery_en_250_text.jsonl"]).items.count == 250)
        #expect(try load(["alpaca/alpaca_5000.json"]).items.count == 5000)
        #expect(try load(["gsm8k/train.jsonl"]).items.count == 7473)
        // self-instruct: one item per instance, the task's instruction in front of its input.
        for file in ["self-instruct/seed_tasks.jsonl", "self-instruct/user_oriented_instructions.jsonl"] {
            let reference = try RealData.objects(file)
            let instances = reference.flatMap { $0["instances"] as? [[String: Any]] ?? [] }
            let index = try load([file])
            #expect(index.items.count == instances.count)
            for (item, instance) in zip(index.items, instances) {
                let input = (instance["input"] as? String ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                if !input.isEmpty { #expect(item.prompt.last == instance["input"] as? String) }
                #expect(item.answer == [instance["output"] as? String].compactMap { $0 }.filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty })
            }
        }
    }

    @Test func gsm8kAndMMLUIndexWithoutAPathologicalCost() throws {
        let start = Date()
        let index = try load(["gsm8k/train.jsonl", "gsm8k/test.jsonl", "mmlu"])
        let seconds = Date().timeIntervalSince(start)
        print("gsm8k train+test and mmlu: \(index.items.count) items, \(index.count) keys in \(seconds) s (debug build)")
        // Only a guard against a pathological (quadratic) build: this is a debug build sharing
        // the machine with the rest of the suite. The release build reads and indexes gsm8k
        // train and test, MMLU and hh-rlhf in about 1.6 s (`winnow gates --rerun`).
        #expect(seconds < 60)
    }
}
