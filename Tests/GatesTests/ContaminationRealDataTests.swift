import Foundation
import Gates
import Testing
import WinnowCore

/// Contamination against GSM8K (../shared/realdata, skipped when absent): rows that copy an
/// eval question are flagged, and only those, whichever GSM8K split the eval list holds.
///
/// GSM8K has a few train/test near-duplicates of its own ("Bella bought stamps at the post
/// office..." in train, "Max bought stamps at the post office..." in test share 13 words), and
/// the gate rightly flags those. So the rows meant to be clean are chosen with a naive reference
/// (sets of 13-word strings, written independently of the gate) as having no 13-gram in common
/// with the other split; the near-duplicates the reference finds are checked separately.
@Suite(.enabled(if: TestRows.realDataPresent, "../shared/realdata is not present"))
struct ContaminationRealDataTests {
    static let directory = TestRows.realData.appendingPathComponent("gsm8k").path

    struct Item {
        var question: String
        var text: String
    }

    static func items(_ file: String) throws -> [Item] {
        let data = try Data(contentsOf: URL(fileURLWithPath: directory).appendingPathComponent(file))
        return try data.split(separator: 0x0A).map { line in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
            let question = try #require(object["question"] as? String)
            _ = try #require(object["answer"] as? String)
            // Only prompts are compared for contamination (answers give the weaker answer-overlap flag).
            return Item(question: question, text: question)
        }
    }

    /// The reference: lowercase, keep letters and digits of each whitespace-separated token,
    /// every run of 13 words as one string.
    static func grams(_ text: String) -> Set<String> {
        let words = text.lowercased().split(whereSeparator: \.isWhitespace)
            .map { String($0.filter { $0.isLetter || $0.isNumber }) }.filter { !$0.isEmpty }
        guard words.count >= 13 else { return [] }
        return Set((0...(words.count - 13)).map { words[$0..<$0 + 13].joined(separator: " ") })
    }

    struct Sample {
        var rows: [GateRow] = []
        var fromTest = Set<String>(), fromTrain = Set<String>()
        /// Train questions (not test questions) that the reference says share 13 words with test.
        var trainNearTest: [GateRow] = []
    }

    /// 30 rows copying test questions, 200 copying train questions (none of them a test
    /// question), each with its own made-up answer, and 50 SampleData chats.
    static func sample() throws -> Sample {
        let test = try items("test.jsonl")
        let train = try items("train.jsonl")
        #expect(test.count == 1319 && train.count == 7473)
        let testQuestions = Set(test.map(\.question))
        let testGrams = test.reduce(into: Set<String>()) { $0.formUnion(grams($1.text)) }
        var sample = Sample()
        for (k, item) in train.enumerated() where !testQuestions.contains(item.question) {
            let id = "train-copy-\(k)"
            let row = TestRows.chat(item.question, "Step by step: the total comes to \(k + 11).", id: id)
            if grams(item.question).isDisjoint(with: testGrams) {
                if sample.fromTrain.count < 200 {
                    sample.rows.append(row)
                    sample.fromTrain.insert(id)
                }
            } else if sample.trainNearTest.count < 5 {
                sample.trainNearTest.append(row)
            }
            if sample.fromTrain.count == 200 && sample.trainNearTest.count == 5 { break }
        }
        // Test questions spread over the file, skipping the few that share 13 words with train.
        var candidates: [(index: Int, grams: Set<String>)] = []
        for k in stride(from: 0, to: test.count, by: 41) { candidates.append((k, grams(test[k].question))) }
        var nearTrain = Set<Int>()
        for item in train {
            for gram in grams(item.text) {
                for candidate in candidates where candidate.grams.contains(gram) { nearTrain.insert(candidate.index) }
            }
        }
        for candidate in candidates where !nearTrain.contains(candidate.index) && sample.fromTest.count < 30 {
            let id = "test-copy-\(candidate.index)"
            sample.rows.append(TestRows.chat(test[candidate.index].question,
                                             "Working it through, the answer is \(candidate.index * 7 + 3).", id: id))
            sample.fromTest.insert(id)
        }
        #expect(sample.fromTrain.count == 200 && sample.fromTest.count == 30)
        sample.rows += try TestRows.sampleData("support-chat.jsonl").prefix(50)
        return sample
    }

    static func flagged(_ rows: [GateRow], eval file: String) throws -> Set<String> {
        let index = ContaminationIndex(items: try TestRows.evalItems(URL(fileURLWithPath: directory + "/" + file)))
        let gate = ContaminationGate(index: index)
        var flagged = Set<String>()
        for row in rows {
            let findings = gate.check(row).filter { $0.gate == "contamination" }
            guard let finding = findings.first else { continue }
            #expect(findings.count == 1)
            #expect(finding.action == .reject)
            #expect(finding.segment == 0)
            #expect(finding.detailValue("eval_file") == .string(file))
            #expect(TestRows.spanText(finding, in: row) == finding.matched)
            flagged.insert(row.id)
        }
        return flagged
    }

    @Test func evalListHoldingTheTestSplitFlagsExactlyTheRowsCopiedFromIt() throws {
        let sample = try Self.sample()
        #expect(sample.rows.count == 280)
        let flagged = try Self.flagged(sample.rows, eval: "test.jsonl")
        #expect(flagged.subtracting(sample.fromTest) == [])
        #expect(sample.fromTest.subtracting(flagged) == [])
        // GSM8K's own train/test near-duplicates are contamination too, and are found.
        #expect(!sample.trainNearTest.isEmpty)
        #expect(try Self.flagged(sample.trainNearTest, eval: "test.jsonl") == Set(sample.trainNearTest.map(\.id)))
    }

    @Test func evalListHoldingTheTrainSplitFlagsExactlyTheRowsCopiedFromIt() throws {
        let sample = try Self.sample()
        let flagged = try Self.flagged(sample.rows, eval: "train.jsonl")
        #expect(flagged.subtracting(sample.fromTrain) == [])
        #expect(sample.fromTrain.subtracting(flagged) == [])
    }

    @Test func theFindingNamesTheEvalItemTheRowCopied() throws {
        let index = ContaminationIndex(items: try TestRows.evalItems(URL(fileURLWithPath: Self.directory + "/test.jsonl")))
        #expect(index.items.count == 1319)
        let question = try Self.items("test.jsonl")[0].question
        let finding = try #require(ContaminationGate(index: index).check(TestRows.chat("Q: " + question)).first)
        #expect(finding.detailValue("eval_item") == .string("test.jsonl:1"))
        #expect(finding.detailValue("eval_line") == .int(1))
        #expect(finding.detailValue("ngram") == .string("janets ducks lay 16 eggs per day she eats three for breakfast every"))
    }
}
