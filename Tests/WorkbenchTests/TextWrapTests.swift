import PropertyBased
import TerminalCore
import Testing
@testable import Workbench

/// Word wrapping by display width: no line wider than asked, nothing but break spaces lost,
/// words split only when a word alone is wider than the line.
@Suite struct TextWrapTests {
    static let words = Gen.element(of: ["refund", "30", "days", "中文字", "naïve", "e\u{301}te\u{301}", "😀", "a",
                                         "supercalifragilisticexpialidocious", "\n", "  "]).map { $0 ?? "x" }

    @Test func linesFitAndKeepEveryVisibleCharacter() async {
        await propertyCheck(count: 400, input: Self.words.array(of: 0...30), Gen.int(in: 3...40)) { words, width in
            let text = words.joined(separator: " ")
            let lines = TextWrap.wrap(text, width: width)
            for line in lines { #expect(line.width <= width, "\(line.text) is wider than \(width)") }
            let kept = lines.map(\.text).joined().filter { $0 != " " && $0 != "\n" }
            #expect(kept == text.filter { $0 != " " && $0 != "\n" })
        }
    }

    @Test func breaksAtSpacesAndIndentsContinuations() {
        let lines = TextWrap.wrap("the refund window is thirty days", width: 12, indent: 2).map(\.text)
        #expect(lines == ["the refund", "  window is", "  thirty", "  days"])
    }

    @Test func keepsStylesAcrossBreaks() {
        let lines = TextWrap.wrap([Span("plain "), Span("marked words here", .highlight)], width: 12)
        #expect(lines.count == 2)
        #expect(lines[1].spans.allSatisfy { $0.style == .highlight })
    }
}
