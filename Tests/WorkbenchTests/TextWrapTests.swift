import PropertyBased
import WinnowCore
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

/// The edit document reads back to exactly the row it came from, whatever the text holds.
@Suite struct EditableRowTests {
    static let texts = Gen.element(of: ["abc", "abc\n", "\n", "", "x\r\ny", "=== History ===", "=== messages[1].content ===",
                                         "# not a comment inside text", "last\n\n", "中文 😀", "trailing space "]).map { $0 ?? "" }

    @Test func anUntouchedDocumentReadsBackToTheSameRow() async {
        await propertyCheck(count: 300, input: Self.texts.array(of: 1...4)) { texts in
            let messages: [JSONValue] = texts.enumerated().map { i, text in
                .object([("role", .string(i % 2 == 0 ? "user" : "assistant")), ("content", .string(text))])
            }
            let row = JSONValue.object([("id", .string("r1")), ("messages", .array(messages)), ("meta", .object([("origin", .string("synthetic"))]))])
            let editable = EditableRow(row)
            #expect(editable.pieces.count == texts.count)
            #expect((try? editable.read(editable.document(id: "r1"))) == row)
        }
    }

    @Test func aChangedPieceChangesOnlyThatString() throws {
        let row = JSONValue.object([("instruction", .string("Say hi")), ("input", .string("")), ("output", .string("Hello")),
                                    ("meta", .object([("generator", .string("g1"))]))])
        let editable = EditableRow(row)
        let edited = editable.document(id: "a").replacingOccurrences(of: "\nHello\n", with: "\nHello there.\n")
        let back = try editable.read(edited)
        #expect(back["output"] == .string("Hello there.") && back["meta"] == row["meta"] && back["instruction"] == row["instruction"])
    }

    /// Issue 10: a history row's earlier turns are shown in review, so they can be edited too.
    @Test func historyTurnsAreEditablePieces() throws {
        let row = try JSONValue.parse(#"{"history": [["Weather in Rome?", "24 degrees."]], "instruction": "And Paris?", "output": "18."}"#)
        let editable = EditableRow(row)
        #expect(editable.pieces.map(\.pathText) == ["history[0][0]", "history[0][1]", "instruction", "output"])
        let edited = editable.document(id: "h").replacingOccurrences(of: "\n24 degrees.\n", with: "\n25 degrees.\n")
        #expect(try editable.read(edited)["history"] == (try JSONValue.parse(#"[["Weather in Rome?", "25 degrees."]]"#)))
    }

    @Test func aDeletedHeaderIsNamed() {
        let editable = EditableRow(.object([("prompt", .string("p")), ("response", .string("r"))]))
        let broken = editable.document(id: "a").replacingOccurrences(of: "=== response ===", with: "")
        #expect(throws: EditableRow.Problem.self) { try editable.read(broken) }
    }
}
