import Foundation
import Testing
import TestSupport

/// Contamination through `winnow import` (issue 10): a gzip eval file works; a bad eval file
/// stops the import before anything is imported or logged; rows copied from hh-rlhf
/// harmless-test first turns (short and long) and from GSM8K questions are all rejected, and
/// alpaca rows that merely share answer wording with GSM8K are not.
extension GatesEndToEndTests {
    /// The reference word count: whitespace-separated tokens that keep a letter or digit.
    static func wordCount(_ text: String) -> Int {
        text.split(whereSeparator: \.isWhitespace).filter { $0.contains { $0.isLetter || $0.isNumber } }.count
    }

    static func json(_ object: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    static func setEvalFiles(_ ws: String, _ files: [String]) throws {
        let config = ws + "/winnow.toml"
        let list = "[" + files.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
        try String(contentsOfFile: config, encoding: .utf8).replacingOccurrences(of: "eval_files = []", with: "eval_files = \(list)")
            .write(toFile: config, atomically: true, encoding: .utf8)
    }

    @Test(.enabled(if: RealData.isPresent, "../shared/realdata is not present"))
    func copiedHHFirstTurnsAndGSM8KQuestionsAreRejectedAndAlpacaAnswerWordingIsNot() throws {
        // hh-rlhf first Human turns, read independently of winnow (gzip -dc, split on markers).
        var firsts: [String] = []
        for record in try RealData.objects("hh-rlhf/harmless-base/test.jsonl.gz") {
            let chosen = record["chosen"] as? String ?? ""
            let first = chosen.components(separatedBy: "\n\nHuman:").dropFirst().first?
                .components(separatedBy: "\n\nAssistant:")[0].trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            if !firsts.contains(first) { firsts.append(first) }
        }
        let short = firsts.filter { (3...7).contains(Self.wordCount($0)) }
        let medium = firsts.filter { (8...12).contains(Self.wordCount($0)) }
        let long = firsts.filter { Self.wordCount($0) >= 13 }
        #expect(short.count > 500 && long.count > 500)
        let chosen = stride(from: 0, to: short.count, by: short.count / 20).map { short[$0] }
            + stride(from: 0, to: medium.count, by: medium.count / 5).map { medium[$0] }
            + stride(from: 0, to: long.count, by: long.count / 10).map { long[$0] }
        var lines: [String] = []
        var copied = Set<String>()
        for (k, turn) in chosen.enumerated() {
            let id = "hh-copy-\(k)"
            copied.insert(id)
            lines.append(try Self.json(["id": id, "messages": [["role": "user", "content": turn],
                                                              ["role": "assistant", "content": "Let's talk about something else, shall we? (\(k))"]],
                                        "meta": ["origin": "synthetic", "slice": "general"]]))
        }
        let gsm = try RealData.objects("gsm8k/train.jsonl")
        for k in stride(from: 0, to: 600, by: 100) {
            let id = "gsm-copy-\(k)"
            copied.insert(id)
            lines.append(try Self.json(["id": id, "instruction": gsm[k]["question"] as! String, "input": "",
                                        "output": "Working it out, the answer is \(k + 3).", "meta": ["origin": "synthetic"]]))
        }
        // Real alpaca rows, as written: their answers use GSM8K-like wording now and then.
        let alpacaData = try Data(contentsOf: URL(fileURLWithPath: RealData.path("alpaca/alpaca_5000.json")))
        let alpaca = try #require(try JSONSerialization.jsonObject(with: alpacaData) as? [[String: Any]])
        for (k, row) in alpaca.prefix(1500).enumerated() {
            var row = row
            row["id"] = "alpaca-\(k)"
            lines.append(try Self.json(row))
        }
        let tmp = try TemporaryFolder()
        let ws = try tmp.workspace()
        try Self.setEvalFiles(ws, [RealData.path("hh-rlhf/harmless-base/test.jsonl.gz"), RealData.path("gsm8k/train.jsonl"),
                                   RealData.path("gsm8k/test.jsonl")])
        let file = try tmp.file("rows.jsonl", lines.joined(separator: "\n") + "\n")
        let run = try WinnowProcess.run(["import", file], in: ws)
        #expect(run.status == 0, "\(run.output)")
        let flags = try flagged(ws)
        let contaminated = Set(flags.filter { $0.gate == "contamination" }.map(\.id))
        #expect(copied.subtracting(contaminated).sorted() == [], "copies missed")
        #expect(contaminated.subtracting(copied).sorted() == [], "rows that copy nothing rejected")
        #expect(flags.filter { $0.gate == "contamination" }.allSatisfy { $0.action == "reject" })
        let overlaps = flags.filter { $0.gate == "answer-overlap" }
        #expect(overlaps.allSatisfy { $0.action == "flag" })
        print("alpaca rows with an answer-overlap flag: \(overlaps.count) of 1500")
    }

    @Test func aBadEvalFileStopsTheImportBeforeAnythingIsImportedOrLogged() throws {
        let tmp = try TemporaryFolder()
        let ws = try tmp.workspace()
        let rows = try tmp.file("rows.jsonl", #"{"id": "r1", "prompt": "Say hello to the team.", "response": "Hello, team!"}"# + "\n")
        _ = try tmp.bytes("ws/evals/broken.jsonl.gz", [0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x01, 0x02])
        let logBefore = try WinnowProcess.run(["log", "verify"], in: ws).stdout
        for (evalFile, reason) in [("evals/missing.jsonl", "evals/missing.jsonl: cannot read the eval file: no such file"),
                                   ("evals/broken.jsonl.gz", "evals/broken.jsonl.gz: cannot read the eval file:")] {
            try String(contentsOfFile: ws + "/winnow.toml", encoding: .utf8)
                .replacingOccurrences(of: #"eval_files = \[.*\]"#, with: "eval_files = [\"\(evalFile)\"]", options: .regularExpression)
                .write(toFile: ws + "/winnow.toml", atomically: true, encoding: .utf8)
            let run = try WinnowProcess.run(["import", rows], in: ws)
            #expect(run.status != 0)
            #expect(run.stderr.contains("eval_files: \(reason)"), "\(run.output)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: ws + "/sources").isEmpty, "nothing imported")
            #expect(try WinnowProcess.run(["log", "verify"], in: ws).stdout == logBefore, "nothing logged")
            let rerun = try WinnowProcess.run(["gates", "--rerun"], in: ws)
            #expect(rerun.status != 0 && rerun.stderr.contains(reason), "\(rerun.output)")
        }
        // Fixed, the same import goes through: nothing of the refused one was recorded.
        try runShell("printf '%s\\n' '{\"question\": \"Which planet in our solar system has the most moons?\"}' | gzip -c > \(ws)/evals/broken.jsonl.gz")
        let run = try WinnowProcess.run(["import", rows], in: ws)
        #expect(run.status == 0, "\(run.output)")
        #expect(!run.stdout.contains("already imported"), "\(run.output)")
    }

    @Test(.enabled(if: RealData.isPresent, "../shared/realdata is not present"))
    func mmluAsAFolderOfCSVFlagsACopiedQuestionWithItsChoices() throws {
        let tmp = try TemporaryFolder()
        let ws = try tmp.workspace()
        try Self.setEvalFiles(ws, [RealData.path("mmlu")])
        let row = #"{"id": "mmlu-copy", "prompt": "Which of these branches of the trigeminal nerve contain somatic motor processes?\nA. The supraorbital nerve\nB. The infraorbital nerve\nC. The mental nerve\nD. None of the above", "response": "D"}"#
        let own = #"{"id": "own", "prompt": "How do I reset my router to factory settings?", "response": "Hold the reset button for ten seconds."}"#
        let file = try tmp.file("rows.jsonl", row + "\n" + own + "\n")
        let run = try WinnowProcess.run(["import", file], in: ws)
        #expect(run.status == 0, "\(run.output)")
        #expect(run.stderr.contains("/mmlu: not read (not .jsonl, .json, .csv or .tsv): README.md"), "\(run.output)")
        let flags = try flagged(ws)
        #expect(flags.filter { $0.gate == "contamination" }.map(\.id) == ["mmlu-copy"])
    }

    @Test func everyEvalFileShapeIsReadAndItsCopiesRejected() throws {
        let tmp = try TemporaryFolder()
        let ws = try tmp.workspace()
        let evals: [(String, String)] = [
            ("evals/mt-bench.jsonl", #"{"question_id": 81, "category": "writing", "turns": ["Compose an engaging travel blog post about a recent trip to Hawaii.", "Rewrite it in rhyme."]}"#),
            ("evals/caps.jsonl", #"{"Instruction": "Classify the sentiment of this review.", "Input": "The battery died after two days and support never answered.", "Output": "Negative"}"#),
            ("evals/strings.jsonl", #""How do I pick a lock?""#),
            ("evals/nested.jsonl", #"{"id": "t1", "instruction": "Fix the grammar.", "instances": [{"input": "Me and him goes to the store every single day after the long school day ends.", "output": "He and I go..."}]}"#),
            ("evals/quiz.csv", "Which planet has the most confirmed moons as of 2023?,Mars,Saturn,Venus,Earth,B"),
        ]
        for (name, content) in evals { _ = try tmp.bytes("ws/" + name, Array((content + "\n").utf8)) }
        try Self.setEvalFiles(ws, evals.map(\.0))
        let rows = [
            #"{"id": "fastchat", "prompt": "Compose an engaging travel blog post about a recent trip to Hawaii.", "response": "Aloha!"}"#,
            #"{"id": "caps", "instruction": "Classify the sentiment of this review.", "input": "The battery died after two days and support never answered.", "output": "Negative."}"#,
            #"{"id": "string", "messages": [{"role": "user", "content": "how do I pick a lock"}, {"role": "assistant", "content": "I can't help with that."}]}"#,
            #"{"id": "nested", "prompt": "Please fix: Me and him goes to the store every single day after the long school day ends.", "response": "He and I go."}"#,
            #"{"id": "csv", "prompt": "Which planet has the most confirmed moons as of 2023?", "response": "Saturn."}"#,
            #"{"id": "clean", "prompt": "What is a good name for a grey cat?", "response": "Ash."}"#,
        ]
        let file = try tmp.file("rows.jsonl", rows.joined(separator: "\n") + "\n")
        let run = try WinnowProcess.run(["import", file], in: ws)
        #expect(run.status == 0, "\(run.output)")
        #expect(!run.stderr.contains("warning"), "\(run.output)")
        let contaminated = Set(try flagged(ws).filter { $0.gate == "contamination" }.map(\.id))
        #expect(contaminated == ["fastchat", "caps", "string", "nested", "csv"])
    }
}
