import Foundation
@testable import Gates
import Testing
import WinnowCore

/// What the gate rejects and what it only flags (issue 10): prompts shorter than the n-gram
/// were missed when the eval item was longer (a whole hh transcript, a question with its
/// reference answer), prompts under 8 words were never caught, and shared answer wording
/// rejected honest rows.
struct ContaminationMatchingTests {
    static let transcript = ContaminationIndex.EvalItem(
        id: "hh-1", file: "hh.jsonl.gz", line: 1,
        prompt: ["How do I pick a lock?", "I locked myself out of my own house last night, what should I do now?"],
        answer: ["Are you locked out of your own home?", "You could call a locksmith, who can open the door without damaging it."],
        firstTurn: "How do I pick a lock?")
    static let gsm = ContaminationIndex.EvalItem(
        id: "gsm-2", file: "gsm8k.jsonl", line: 2,
        prompt: ["Weng earns $12 an hour for babysitting. How much did she earn?"],
        answer: ["There are 7 days in a week so she babysits 7 times and earns 12 x 7 = 84 dollars in total.\n#### 84"])
    static let alpaca = ContaminationIndex.EvalItem(
        id: "alp-3", file: "alpaca.json", line: 3, prompt: ["Arrange the following musical notes", "G, B, E"], answer: ["E, G, B"])
    let gate = ContaminationGate(index: ContaminationIndex(items: [transcript, gsm, alpaca]))

    func contamination(_ row: GateRow) -> GateFinding? { gate.check(row).first { $0.gate == "contamination" } }

    @Test func aShortFirstTurnOfALongerTranscriptIsCaughtExactly() throws {
        let finding = try #require(contamination(TestRows.chat("How do I pick a lock?", "Use a tension wrench.")))
        #expect(finding.action == .reject)
        #expect(finding.detailValue("eval_item") == .string("hh-1"))
        #expect(finding.detailValue("match") == .string("exact"))
        #expect(finding.detailValue("words") == .int(6))
        #expect(finding.matched == "How do I pick a lock?")
        // Case, punctuation and spacing do not matter; other words around it do.
        #expect(contamination(TestRows.chat("  how do i PICK a lock ")) != nil)
        #expect(contamination(TestRows.chat("How do I pick a lock on a bike?")) == nil)
    }

    @Test func aLaterTurnOfEightWordsOrMoreIsFoundInsideALongerPrompt() throws {
        let row = TestRows.chat("Hi! I locked myself out of my own house last night, what should I do now? Thanks")
        let finding = try #require(contamination(row))
        #expect(finding.detailValue("match") == .string("ngram"))
        #expect(finding.detailValue("words") == .int(13))
        #expect(TestRows.spanText(finding, in: row) == finding.matched)
    }

    @Test func aQuestionCopiedWithoutItsReferenceAnswerIsCaught() throws {
        // 12 words: shorter than the 13-gram, and main compared it against question + answer.
        let row = TestRows.row(.alpaca, [("instruction", "Weng earns $12 an hour for babysitting. How much did she earn?"),
                                         ("output", "She earned $10.")])
        let finding = try #require(contamination(row))
        #expect(finding.detailValue("eval_item") == .string("gsm-2"))
        #expect(finding.segment == 0)
    }

    @Test func sharedAnswerWordingIsAnAnswerOverlapFlagNeverAReject() throws {
        let row = TestRows.row(.alpaca, [("instruction", "How many times does Sam swim in a week if he swims daily?"),
                                         ("output", "There are 7 days in a week so she babysits 7 times and earns 12 x 7 = 84 dollars.")])
        let findings = gate.check(row)
        #expect(findings.count == 1)
        let finding = try #require(findings.first)
        #expect(finding.gate == "answer-overlap" && finding.action == .flag)
        #expect(finding.detailValue("eval_side") == .string("answer"))
        #expect(finding.segment == 1)
        #expect(TestRows.spanText(finding, in: row) == finding.matched)
    }

    @Test func theWholePromptOfAFieldItemMatchesButItsInstructionAloneDoesNot() throws {
        let copy = TestRows.row(.alpaca, [("instruction", "Arrange the following musical notes"), ("input", "G, B, E"), ("output", "E G B")])
        let finding = try #require(contamination(copy))
        #expect(finding.detailValue("match") == .string("exact"))
        #expect(finding.detailValue("turns") == .int(2))
        // The bare instruction is a task description, not the eval item.
        #expect(contamination(TestRows.row(.alpaca, [("instruction", "Arrange the following musical notes"),
                                                      ("input", "C, A, F"), ("output", "A C F")])) == nil)
    }

    @Test func aCopiedConversationMatchesAcrossItsTurnsAndHhSidesCountOnce() throws {
        // Neither turn matches on its own (no first turn is known, each is under 8 words); the
        // row's Human turns together are the eval prompt, though the row holds them twice.
        let item = ContaminationIndex.EvalItem(id: "two", file: "f", prompt: ["Can you help me", "with my homework please"])
        let gate = ContaminationGate(index: ContaminationIndex(items: [item]))
        let row = TestRows.row(.hh, [("user", "Can you help me?"), ("assistant", "Sure."), ("user", "With my homework, please."),
                                     ("assistant", "OK."), ("user", "Can you help me?"), ("assistant", "No."),
                                     ("user", "With my homework, please."), ("assistant", "No.")],
                               side: ["chosen", "chosen", "chosen", "chosen", "rejected", "rejected", "rejected", "rejected"])
        let finding = try #require(gate.check(row).first)
        #expect(finding.gate == "contamination" && finding.segment == 0)
        #expect(finding.detailValue("turns") == .int(2))
        #expect(gate.check(TestRows.chat("Can you help me?")).isEmpty)
    }

    @Test func theExactMinimumKeepsOneAndTwoWordTurnsFromMatching() {
        let index = ContaminationIndex(items: [.init(id: "hey", file: "f", prompt: ["Hey you!"], firstTurn: "Hey you!"),
                                               .init(id: "drugs", file: "f", prompt: ["What are drugs?"])])
        let gate = ContaminationGate(index: index)
        #expect(gate.check(TestRows.chat("hey you")).isEmpty)
        #expect(gate.check(TestRows.chat("What are drugs?")).first?.action == .reject)
        let stricter = ContaminationGate(index: ContaminationIndex(items: index.items, exactMinimumWords: 4))
        #expect(stricter.check(TestRows.chat("What are drugs?")).isEmpty)
        let looser = ContaminationGate(index: ContaminationIndex(items: index.items, exactMinimumWords: 1))
        #expect(looser.check(TestRows.chat("Hey, you!")).first?.action == .reject)
    }

    @Test func aPropertyEveryPromptTurnIsFoundWhateverItsLength() {
        // For every length from the exact minimum up to 30 words, a turn copied verbatim (with
        // changed case and punctuation) is contamination, and the same turn with one word
        // changed is not (below n words it is no longer a whole match; at n or more every
        // 13-gram that survives is still found, so the changed word sits in the middle).
        var random = SystemRandomNumberGenerator()
        let vocabulary = (0..<500).map { "w\($0)" }
        for length in 3...30 {
            let words = (0..<length).map { _ in vocabulary.randomElement(using: &random)! }
            let item = ContaminationIndex.EvalItem(id: "t", file: "f", prompt: [words.joined(separator: " ")],
                                                   answer: ["something else entirely"], firstTurn: words.joined(separator: " "))
            let gate = ContaminationGate(index: ContaminationIndex(items: [item]))
            let copy = words.map { $0.uppercased() }.joined(separator: " ") + "?"
            #expect(gate.check(TestRows.chat(copy)).first?.gate == "contamination", "\(length) words")
            if length < 26 {
                var changed = words
                changed[length / 2] = "zzz"
                #expect(gate.check(TestRows.chat(changed.joined(separator: " "))).isEmpty, "\(length) words, one changed")
            }
        }
    }
}
