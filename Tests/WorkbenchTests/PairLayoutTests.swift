import Foundation
import TestSupport
import Testing
@testable import Workbench
import WinnowCore

/// Where a pair's sides part, and that the layout drops nothing but the second copy of what
/// both sides hold: checked on every hh-rlhf pair and on hand-made shapes.
struct PairLayoutTests {
    @Test(.enabled(if: RealData.isPresent, "../shared/realdata is not present"))
    func everyRealPairIsShownWholeWithTheSharedTurnsOnce() throws {
        var rows = 0, sharedTurns = 0
        for record in try RealData.objects("hh-rlhf/harmless-base/test.jsonl.gz") {
            let chosen = try #require(record["chosen"] as? String), rejected = try #require(record["rejected"] as? String)
            let text = RowText(segments: RowRecognizer.transcript(chosen, side: "chosen") + RowRecognizer.transcript(rejected, side: "rejected"))
            let layout = try #require(PairLayout(text))
            // Every byte of every segment is in a piece, or the segment is the rejected copy of
            // a turn the context already holds.
            var covered: [Int: [Range<Int>]] = [:]
            for piece in layout.context + layout.chosen + layout.rejected { covered[piece.segment, default: []].append(piece.range) }
            let contextTexts = layout.context.map { (text.segments[$0.segment].label, PairLayout.text(of: $0, in: text)) }
            for (index, segment) in text.segments.enumerated() {
                if let ranges = covered[index] {
                    let total = ranges.sorted { $0.lowerBound < $1.lowerBound }
                    #expect(total.first?.lowerBound == 0 && total.last?.upperBound == segment.text.utf8.count)
                    #expect(zip(total, total.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
                } else {
                    #expect(segment.side == "rejected" && contextTexts.contains { $0.0 == segment.label && $0.1 == segment.text },
                            "segment \(index) (\(segment.label)) is shown nowhere")
                }
            }
            #expect(!layout.identical, "no hh-rlhf row has chosen == rejected")
            rows += 1
            sharedTurns += layout.sharedTurns
        }
        #expect(rows == 2312)
        #expect(sharedTurns > rows, "most pairs share more than one turn")
    }

    @Test func aPromptAndTwoAnswersShareThePrompt() {
        let text = RowText(segments: [.init(label: "prompt", text: "q"), .init(label: "chosen", text: "a", side: "chosen"),
                                      .init(label: "rejected", text: "b", side: "rejected")])
        let layout = PairLayout(text)
        #expect(layout?.context.map(\.segment) == [0] && layout?.sharedTurns == 0)
        #expect(layout?.chosen.map(\.segment) == [1] && layout?.rejected.map(\.segment) == [2])
        #expect(PairLayout(RowText(segments: [.init(label: "user", text: "hi")])) == nil, "not a pair")
    }

    /// Unmarked sides (one block each) share their opening words when there are enough of them.
    @Test func unmarkedSidesSplitByWords() {
        let opening = (0..<40).map { "word\($0)" }.joined(separator: " ")
        let text = RowText(segments: [.init(label: "chosen", text: opening + " good ending", side: "chosen"),
                                      .init(label: "rejected", text: opening + " bad ending", side: "rejected")])
        let layout = PairLayout(text)!
        #expect(layout.splitInsideTurn)
        #expect(PairLayout.text(of: layout.context[0], in: text) == opening + " ")
        #expect(PairLayout.text(of: layout.chosen[0], in: text) == "good ending")
        #expect(PairLayout.text(of: layout.rejected[0], in: text) == "bad ending")
        let short = RowText(segments: [.init(label: "chosen", text: "I can't help with that.", side: "chosen"),
                                       .init(label: "rejected", text: "I can't say.", side: "rejected")])
        #expect(PairLayout(short)?.context.isEmpty == true, "a few shared words are not a context")
    }
}
