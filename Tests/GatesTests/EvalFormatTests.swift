import Foundation
@testable import Gates
import Testing
import WinnowCore

/// The eval-file shapes contamination reads (issue 10: FastChat `turns`, capitalised keys, CSV
/// and TSV, one JSON string per line, nested `instances[].input` were not read, the last one
/// silently). Each expectation names what was read as prompt and as answer, so a field that is
/// dropped or put on the wrong side fails.
struct EvalFormatTests {
    func items(_ text: String, name: String = "evals/set.jsonl") throws -> [ContaminationIndex.EvalItem] {
        let loaded = try ContaminationIndex.evalItems(in: Array(text.utf8), name: name)
        #expect(loaded.warnings == [], "\(loaded.warnings)")
        return loaded.items
    }

    @Test func fastChatQuestionFilesAreUserTurns() throws {
        let text = #"{"question_id": 81, "category": "writing", "turns": ["Compose an engaging travel blog post about a recent trip to Hawaii.", "Rewrite your previous response. Start every sentence with the letter A."]}"#
        let item = try #require(try items(text).first)
        #expect(item.id == "81")
        #expect(item.prompt == ["Compose an engaging travel blog post about a recent trip to Hawaii.",
                                "Rewrite your previous response. Start every sentence with the letter A."])
        #expect(item.answer == [])
        #expect(item.firstTurn == "Compose an engaging travel blog post about a recent trip to Hawaii.")
    }

    @Test func keysAreCaseInsensitiveAndKeysDifferingOnlyInCaseAreABadLine() throws {
        let item = try #require(try items(#"{"Instruction": "Name three primes.", "Input": "under ten", "Output": "2, 3, 5"}"#).first)
        #expect(item.prompt == ["Name three primes.", "under ten"])
        #expect(item.answer == ["2, 3, 5"])
        let chat = try #require(try items(#"{"Messages": [{"Role": "User", "Content": "Hi there friend"}, {"Role": "Assistant", "Content": "Hello"}]}"#).first)
        #expect(chat.prompt == ["Hi there friend"] && chat.answer == ["Hello"] && chat.firstTurn == "Hi there friend")
        let loaded = try ContaminationIndex.evalItems(
            in: Array("{\"question\": \"fine\"}\n{\"Question\": \"a\", \"question\": \"b\"}\n".utf8), name: "e.jsonl")
        #expect(loaded.items.count == 1)
        #expect(loaded.warnings.map(\.description) == [
            "e.jsonl:2: keys \"Question\" and \"question\" differ only in case: which one is meant is unclear"])
    }

    @Test func oneJSONStringPerLineIsAPrompt() throws {
        let text = "\"How can I find the best 401k plan for my needs?\"\n\"When did the nuclear disaster at Chernobyl happen?\"\n"
        #expect(try items(text).map(\.prompt) == [["How can I find the best 401k plan for my needs?"],
                                                   ["When did the nuclear disaster at Chernobyl happen?"]])
        let loaded = try ContaminationIndex.evalItems(in: Array("\"ok then\"\n\"  \"\n".utf8), name: "s.jsonl")
        #expect(loaded.warnings.map(\.reason) == ["an empty string: no text to compare"])
    }

    @Test func nestedInstancesAreOneItemEachWithTheRecordsInstruction() throws {
        let text = #"{"id": "seed_task_1", "name": "antonym_relation", "instruction": "What is the relation between the given pairs?", "instances": [{"input": "Night : Day :: Right : Left", "output": "The relation is antonym."}, {"input": "Hot : Cold", "output": "Antonyms."}], "is_classification": false}"#
        let loaded = try items(text)
        #expect(loaded.map(\.id) == ["seed_task_1#1", "seed_task_1#2"])
        #expect(loaded.map(\.prompt) == [["What is the relation between the given pairs?", "Night : Day :: Right : Left"],
                                         ["What is the relation between the given pairs?", "Hot : Cold"]])
        #expect(loaded.map(\.answer) == [["The relation is antonym."], ["Antonyms."]])
    }

    @Test func hhTranscriptsSplitIntoHumanPromptsAndAssistantAnswers() throws {
        let chosen = "\n\nHuman: what are some pranks with a pen i can do?\n\nAssistant: Are you looking for practical joke ideas?\n\nHuman: yep\n\nAssistant: Draw on a friend."
        let rejected = "\n\nHuman: what are some pranks with a pen i can do?\n\nAssistant: Are you looking for practical joke ideas?\n\nHuman: yep\n\nAssistant: No."
        let record = JSONValue.object([("chosen", .string(chosen)), ("rejected", .string(rejected))]).canonicalString
        let item = try #require(try items(record).first)
        #expect(item.prompt == ["what are some pranks with a pen i can do?", "yep"], "Human turns once, not per side")
        #expect(item.answer == ["Are you looking for practical joke ideas?", "Draw on a friend.", "No."])
        #expect(item.firstTurn == "what are some pranks with a pen i can do?")
    }

    @Test func multipleChoiceAndMessageTreesAndQuestionAnswerSets() throws {
        let arc = #"{"id": "Mercury_1", "question": {"stem": "Which gas do plants take in?", "choices": [{"text": "oxygen", "label": "A"}, {"text": "carbon dioxide", "label": "B"}]}, "answerKey": "B"}"#
        #expect(try items(arc).first?.prompt == ["Which gas do plants take in?", "oxygen", "carbon dioxide"])
        let mmlu = #"{"question": "What is 2+2?", "choices": ["3", "4"], "answer": 1, "subject": "math"}"#
        #expect(try items(mmlu).first.map { ($0.prompt, $0.answer) }! == (["What is 2+2?", "3", "4"], []))
        let tree = #"{"prompt": {"text": "How do I bake bread?", "role": "prompter", "lang": "en", "replies": [{"text": "Knead and bake.", "role": "assistant", "replies": [{"text": "How long?", "role": "prompter", "replies": []}]}, {"text": "Buy it.", "role": "assistant", "replies": []}]}}"#
        let paths = try items(tree)
        #expect(paths.map(\.prompt) == [["How do I bake bread?", "How long?"], ["How do I bake bread?"]])
        #expect(paths.map(\.answer) == [["Knead and bake."], ["Buy it."]])
        let gsm = #"{"question": "Natalia sold clips to 48 of her friends in April.", "answer": "Natalia sold 48 clips.\n#### 72"}"#
        #expect(try items(gsm).first.map { ($0.prompt, $0.answer) }! == (["Natalia sold clips to 48 of her friends in April."], ["Natalia sold 48 clips.\n#### 72"]))
    }

    // MARK: Tables

    @Test func headerlessCSVIsQuestionChoicesThenAnswerWithQuotedFieldsAcrossLines() throws {
        let csv = "\u{FEFF}What is the embryological origin of the hyoid bone?,The first pharyngeal arch,The second arch,Both,None,D\r\n"
            + "\"Which of these, if any, is \"\"true\"\"?\",\"one\ntwo\",b,c,d,A\n\n"
            + "The pleura,have no sensory innervation.,are separated by a 2 mm space.,extend into the neck.,are composed of respiratory epithelium.,C"
        let loaded = try items(csv, name: "mmlu/anatomy_dev.csv")
        #expect(loaded.map(\.line) == [1, 2, 5])
        #expect(loaded[0].prompt == ["What is the embryological origin of the hyoid bone?", "The first pharyngeal arch",
                                     "The second arch", "Both", "None"])
        #expect(loaded[0].answer == ["D"])
        #expect(loaded[1].prompt == ["Which of these, if any, is \"true\"?", "one\ntwo", "b", "c", "d"])
        #expect(loaded[2].id == "mmlu/anatomy_dev.csv:5")
    }

    @Test func aHeaderIsReadByColumnNameAndTSVWorksToo() throws {
        let csv = "ID,Subject,Question,A,B,C,D,Answer\nq-1,geo,What is the capital of France?,Paris,Lyon,Nice,Lille,A\n"
        let item = try #require(try items(csv, name: "x.csv").first)
        #expect(item.id == "q-1")
        #expect(item.prompt == ["What is the capital of France?", "Paris", "Lyon", "Nice", "Lille"])
        #expect(item.answer == ["A"])
        let tsv = "prompt\tresponse\nTell me a joke about cats please\tNo.\n"
        #expect(try items(tsv, name: "x.tsv.gz").first.map { ($0.prompt, $0.answer) }! == (["Tell me a joke about cats please"], ["No."]))
    }

    @Test func badRecordsAreWarningsWithTheirLineAndAUselessHeaderIsAnError() throws {
        let csv = "q one,a,b,c,d,A\nonly,three,fields\n\"never closed,a,b\nc,d,A\n"
        let loaded = try ContaminationIndex.evalItems(in: Array(csv.utf8), name: "t.csv")
        #expect(loaded.items.count == 1)
        #expect(loaded.warnings.map(\.description) == ["t.csv:2: 3 fields where the first record has 6",
                                                        "t.csv:3: a quoted field is never closed"])
        #expect(throws: ContaminationError.self) {
            try ContaminationIndex.evalItems(in: Array(csv.utf8), name: "t.csv", strict: true)
        }
        do {
            _ = try ContaminationIndex.evalItems(in: Array("id,answer,subject\n1,A,x\n".utf8), name: "h.csv")
            Issue.record("a header with no prompt column loaded")
        } catch {
            #expect(error.message.hasPrefix("h.csv: no eval items (the header names no prompt column"))
        }
    }
}
