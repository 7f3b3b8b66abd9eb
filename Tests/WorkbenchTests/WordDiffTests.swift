import TestSupport
import Testing
@testable import Workbench

/// The word diff behind the pair, neighbour and edit highlights: what it marks, that it never
/// loses or invents text, and that a huge input falls back instead of going quadratic.
struct WordDiffTests {
    func marked(_ result: WordDiff.Result, _ kind: WordDiff.Kind) -> [String] {
        result.chunks.filter { $0.kind == kind }.map(\.text)
    }

    @Test func marksOnlyTheWordsThatChanged() {
        let result = WordDiff.diff("let it stand for 5-10 minutes until it thickens", "let it sit for 5-10 minutes until it thickens")
        #expect(result.level == .words)
        #expect(marked(result, .removed) == ["stand"])
        #expect(marked(result, .added) == ["sit"])
        #expect(result.removedRanges == [7..<12])
        #expect(result.addedRanges == [7..<10])
    }

    @Test func neighbouringChangedWordsAreOneMark() {
        let result = WordDiff.diff("the quick brown fox jumps", "the slow red fox jumps")
        #expect(marked(result, .removed) == ["quick brown"])
        #expect(marked(result, .added) == ["slow red"])
    }

    @Test func identicalTextsHaveNoMarks() {
        for text in ["", "one", "a b  c\n\nd", "नमस्ते हिन्दी 👍🏽 🇬🇧"] {
            let result = WordDiff.diff(text, text)
            #expect(result.isEmpty && result.removedRanges.isEmpty && result.addedRanges.isEmpty)
            #expect(result.commonShare == 1)
        }
    }

    @Test func marksNeverSplitAGraphemeCluster() {
        let result = WordDiff.diff("flag 🇬🇧 here", "flag 🇫🇷 here")
        #expect(marked(result, .removed) == ["🇬🇧"])
        #expect(marked(result, .added) == ["🇫🇷"])
        let conjunct = WordDiff.diff("नमस्ते दुनिया", "नमस्ते हिन्दी")
        #expect(marked(conjunct, .removed) == ["दुनिया"] && marked(conjunct, .added) == ["हिन्दी"])
    }

    @Test func unrelatedTextsShareLittle() {
        let result = WordDiff.diff("I can't help with harming someone.", "Well, there are subtle things people do.")
        #expect(result.commonShare < 0.25)
        let close = WordDiff.diff("Use lemon juice and milk.", "Use lemon juice and warm milk.")
        #expect(close.commonShare > 0.75)
    }

    /// Over the cap, words give way to lines, and lines to the shared head and tail; the result
    /// says so and still puts both texts back together.
    @Test func aHugeInputFallsBackAndSaysSo() {
        let old = (0..<300).map { "line \($0) word" }.joined(separator: "\n")
        let new = (0..<300).map { $0 % 7 == 0 ? "line \($0) changed" : "line \($0) word" }.joined(separator: "\n")
        let byLines = WordDiff.diff(old, new, cap: 100_000)
        #expect(byLines.level == .lines)
        #expect(byLines.old == old && byLines.new == new)
        #expect(marked(byLines, .removed).first == "line 0 word\n")
        let whole = WordDiff.diff("same start " + old + " same end", "same start " + new + " same end", cap: 10)
        #expect(whole.level == .whole)
        #expect(whole.old.hasPrefix("same start") && whole.old == "same start " + old + " same end")
        #expect(whole.chunks.first == WordDiff.Chunk(kind: .same, text: "same start line 0 "))
        #expect(whole.chunks.last?.kind == .same && whole.chunks.last?.text.hasSuffix("line 299 word same end") == true)
        // Under the default cap (some 500 differing words a side), word by word.
        let shorter = { (text: String) in text.split(separator: "\n").prefix(100).joined(separator: "\n") }
        let words = WordDiff.diff(shorter(old), shorter(new))
        #expect(words.level == .words)
        #expect(WordDiff.diff(old, new).level == .lines, "1800 tokens a side is over it")
    }

    /// Property: for any two texts, the unchanged and removed chunks are the first text, the
    /// unchanged and added chunks the second; the ranges point at exactly the marked text.
    @Test func anyDiffPutsBothSidesBackTogether() {
        var random = SplitMix64(12)
        let vocabulary = ["the", "cat", "sat", " ", "  ", "\n", ",", ".", "don't", "5-10", "café", "e\u{301}", "👍🏽", "🇬🇧",
                          "1️⃣", "👨‍👩‍👧", "नमस्ते", "日本語", "\t", "\r\n", "—", "x"]
        func text() -> String {
            (0..<Int.random(in: 0...30, using: &random)).map { _ in vocabulary.randomElement(using: &random)! }.joined()
        }
        for _ in 0..<500 {
            let a = text()
            let b = Bool.random(using: &random) ? text() : a + text()
            for cap in [WordDiff.defaultCap, 50, 1] {
                let result = WordDiff.diff(a, b, cap: cap)
                #expect(result.old == a, "old from \(a.debugDescription) / \(b.debugDescription)")
                #expect(result.new == b, "new from \(a.debugDescription) / \(b.debugDescription)")
                let oldBytes = Array(a.utf8), newBytes = Array(b.utf8)
                #expect(result.removedRanges.map { String(decoding: oldBytes[$0], as: UTF8.self) } == marked(result, .removed))
                #expect(result.addedRanges.map { String(decoding: newBytes[$0], as: UTF8.self) } == marked(result, .added))
                if a == b { #expect(result.isEmpty) }
            }
        }
    }
}
