import Foundation
@testable import Gates
import Testing
import WinnowCore

struct ContaminationIndexTests {
    static let question = "Janet’s ducks lay 16 eggs per day. She eats three for breakfast every morning and bakes muffins."
    static let items = [
        ContaminationIndex.EvalItem(id: "gsm-1", file: "eval.jsonl", line: 1, text: question),
        ContaminationIndex.EvalItem(id: "short", file: "eval.jsonl", line: 2, text: "Which number reaches the crisis lifeline in the US?"),
        ContaminationIndex.EvalItem(id: "tiny", file: "eval.jsonl", line: 3, text: "988."),
    ]
    let index = ContaminationIndex(items: items)

    @Test func aCopiedQuestionIsFoundAfterNormalisation() throws {
        let text = "Quick one: JANET'S ducks lay 16 eggs per day;  she eats THREE for breakfast every morning! Thanks"
        let hit = try #require(index.firstMatch(in: text))
        #expect(hit.item == 0)
        #expect(hit.words == 13)
        let matched = String(decoding: Array(text.utf8)[hit.range], as: UTF8.self)
        #expect(matched == "JANET'S ducks lay 16 eggs per day;  she eats THREE for breakfast every")
    }

    @Test func twelveWordsAreNotEnough() {
        #expect(index.firstMatch(in: "ducks lay 16 eggs per day. She eats three for breakfast every") == nil)
        #expect(index.firstMatch(in: "Janet’s ducks lay 16 eggs per day. She eats three for lunch every morning") == nil)
        #expect(index.firstMatch(in: "") == nil)
    }

    @Test func shortItemsMatchWholeAndTinyOnesNever() throws {
        let hit = try #require(index.firstMatch(in: "Quiz: which NUMBER reaches the crisis lifeline in the U.S.?"))
        #expect(index.items[hit.item].id == "short")
        #expect(hit.words == 9)
        #expect(index.firstMatch(in: "Call 988. Now.") == nil)
    }

    @Test func theGateReportsItemFileNgramAndSpanOfAPromptCopy() throws {
        let gate = ContaminationGate(index: index)
        let row = TestRows.row(.chat, [("system", "Be brief."), ("user", "Sure! " + Self.question), ("assistant", "48")])
        let finding = try #require(gate.check(row).first)
        #expect(finding.gate == "contamination" && finding.reason == "contamination" && finding.action == .reject)
        #expect(finding.segment == 1)
        #expect(finding.detailValue("eval_item") == .string("gsm-1"))
        #expect(finding.detailValue("eval_file") == .string("eval.jsonl"))
        #expect(finding.detailValue("eval_line") == .int(1))
        #expect(finding.detailValue("eval_side") == .string("prompt"))
        #expect(finding.detailValue("match") == .string("ngram"))
        #expect(finding.detailValue("ngram") == .string("janets ducks lay 16 eggs per day she eats three for breakfast every"))
        #expect(TestRows.spanText(finding, in: row) == finding.matched)
        #expect(gate.check(TestRows.chat("Nothing to see here.")).isEmpty)
        #expect(ContaminationGate(index: ContaminationIndex(items: [])).check(row).isEmpty)
    }

    @Test func anEvalQuestionInARowsAnswerIsOnlyAnAnswerOverlapFlag() throws {
        let gate = ContaminationGate(index: index)
        let row = TestRows.row(.chat, [("user", "Write a maths word problem."), ("assistant", "Here: " + Self.question)])
        let finding = try #require(gate.check(row).first)
        #expect(finding.gate == "answer-overlap" && finding.reason == "answer-overlap" && finding.action == .flag)
        #expect(finding.segment == 1)
        #expect(finding.detailValue("eval_side") == .string("prompt"))
        #expect(TestRows.spanText(finding, in: row) == finding.matched)
    }

    @Test func ngramSizeIsConfigurable() {
        let index = ContaminationIndex(items: Self.items, n: 5, minimumWords: 5)
        #expect(index.firstMatch(in: "she eats three for breakfast")?.words == 5)
        #expect(index.firstMatch(in: "she eats three for lunch") == nil)
    }

    @Test func aPropertyEveryWindowOfAnItemIsFound() {
        // Every 13-word window of an eval item, embedded in other words, is found and its
        // range covers exactly those words.
        let words = (0..<40).map { "w\($0)" }
        let index = ContaminationIndex(items: [.init(id: "x", file: "f", text: words.joined(separator: " "))])
        for start in 0...(words.count - 13) {
            let window = words[start..<start + 13].joined(separator: " ")
            let text = "alpha beta " + window + " gamma"
            let hit = index.firstMatch(in: text)
            #expect(hit.map { String(decoding: Array(text.utf8)[$0.range], as: UTF8.self) } == window)
        }
    }

    // MARK: Loading

    func load(_ text: String, strict: Bool = false) throws(ContaminationError) -> ContaminationIndex.Loaded {
        try ContaminationIndex.parseEvalItems(Array(text.utf8), name: "evals/set.jsonl", strict: strict)
    }

    @Test func evalFilesInTheShapesWinnowKnowsAndBareFields() throws {
        let text = """
        \u{FEFF}{"id": "q1", "question": "What is two plus two?", "answer": "4"}
        {"id": 7, "instruction": "Translate to French", "input": "good morning"}\r
        {"prompt": "Name a prime number"}

        {"messages": [{"role": "user", "content": "Hi there"}, {"role": "assistant", "content": "Hello"}]}
        """
        let loaded = try load(text)
        #expect(loaded.warnings == [])
        #expect(loaded.items.map(\.id) == ["q1", "7", "evals/set.jsonl:3", "evals/set.jsonl:5"])
        #expect(loaded.items.map(\.line) == [1, 2, 3, 5])
        #expect(loaded.items[0].text == "What is two plus two?\n\n4")
        #expect(loaded.items[1].text == "Translate to French\n\ngood morning")
        #expect(loaded.items[3].text == "Hi there\n\nHello")
    }

    @Test func badLinesComeBackAsWarningsWithFileAndLine() throws {
        let text = """
        {"question": "fine"}
        {"question": "truncated
        [1, 2]
        {"label": 3}
        """
        let loaded = try load(text)
        #expect(loaded.items.count == 1)
        #expect(loaded.warnings.map(\.location.line) == [2, 3, 4])
        #expect(loaded.warnings.allSatisfy { $0.location.file == "evals/set.jsonl" })
        #expect(loaded.warnings[0].description.hasPrefix("evals/set.jsonl:2: not valid JSON"))
        #expect(loaded.warnings[1].reason == "expected a JSON object or a JSON string, found an array")
        #expect(loaded.warnings[2].reason.hasPrefix("no text to compare"))
        #expect(throws: ContaminationError.self) { try load(text, strict: true) }
        do {
            _ = try load(text, strict: true)
        } catch {
            #expect(error.message.hasPrefix("evals/set.jsonl:2: not valid JSON"))
        }
    }

    @Test func aJSONArrayFileIsReadElementByElement() throws {
        let text = "[\n {\"instruction\": \"Say hi\", \"output\": \"hi\"},\n\n {\"question\": \"Why?\"},\n 5\n]"
        let loaded = try load(text)
        #expect(loaded.items.map(\.text) == ["Say hi\n\nhi", "Why?"])
        #expect(loaded.items.map(\.line) == [2, 4])
        #expect(loaded.warnings.map(\.location.line) == [5])
    }

    @Test func aFileWithNoUsableItemIsAnErrorNamingTheFirstProblem() throws {
        do {
            _ = try ContaminationIndex.evalItems(in: Array("{\"x\": 1}\n".utf8), name: "bad.jsonl")
            Issue.record("loaded a file with no items")
        } catch {
            #expect(error.message.hasPrefix("bad.jsonl: no eval items (first problem: bad.jsonl:1: no text"))
        }
        #expect(throws: ContaminationError.noItems(file: "empty.jsonl", reason: "the file is empty")) {
            try ContaminationIndex.evalItems(in: Array(" \n\n".utf8), name: "empty.jsonl")
        }
        #expect(throws: ContaminationError.unreadable(file: "x.jsonl.gz", reason: "gzip data that was not decompressed")) {
            try ContaminationIndex.evalItems(in: [0x1F, 0x8B, 8, 0], name: "x.jsonl.gz")
        }
    }

    @Test func sampleDataEvalSetFlagsExactlyThePlantedRows() throws {
        let items = try TestRows.evalItems(
            TestRows.packageRoot.appendingPathComponent("SampleData/eval/heldout-eval.jsonl"), name: "heldout")
        #expect(items.count == 25)
        let gate = ContaminationGate(index: ContaminationIndex(items: items))
        var flagged: [String: String] = [:]
        for row in try TestRows.allSampleData() {
            if let finding = gate.check(row).first(where: { $0.gate == "contamination" }) { flagged[row.id] = finding.detailValue("eval_item")?.stringValue }
        }
        #expect(flagged == ["alp-0042": "eval-012", "chat-0093": "eval-007", "pref-0024": "eval-019"])
    }
}
