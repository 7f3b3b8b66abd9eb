import PropertyBased
import Testing
import TerminalCore

/// The canvas is the last line of defence before a terminal: whatever text a screen puts on it,
/// no cell may hold a control character, nothing may spill past the edge, and a wide character
/// is never left half drawn.
@Suite struct CanvasPropertyTests {
    /// Pieces of every kind a row can hold: ASCII, C0 and C1 controls, escape sequences, CJK,
    /// emoji, combining marks, zero-width and bidi characters.
    static let pieces = ["a", "refund ", "\u{1B}[2J", "\u{1B}]52;c;aGk=\u{07}", "\u{00}", "\n", "\t", "\u{7F}", "\u{9B}31m",
                         "中", "文字", "😀", "❤️", "e\u{301}", "\u{301}", "\u{200B}", "\u{202E}", "ｶ", "\r\n"]
    static let anyText = Gen.element(of: pieces).map { $0 ?? "" }.array(of: 0...30).map { $0.joined() }

    @Test func noControlCharacterEverReachesACell() async {
        await propertyCheck(count: 500, input: Self.anyText, Gen.int(in: -3...30)) { text, x in
            var canvas = Canvas(size: Size(columns: 24, rows: 2))
            canvas.put(text, x: x, y: 0)
            canvas.put(text, x: 24 - x, y: 1, limit: 7)
            for cell in canvas.cells {
                #expect(!cell.text.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
            }
        }
    }

    @Test func wideCharactersAreWholeAndRowsKeepTheirWidth() async {
        await propertyCheck(count: 500, input: Self.anyText, Self.anyText, Gen.int(in: 0...23)) { first, second, x in
            var canvas = Canvas(size: Size(columns: 24, rows: 1))
            canvas.put(first, x: 0, y: 0)
            canvas.put(second, x: x, y: 0)  // overwrite part of it, maybe half a wide character
            var column = 0
            while column < 24 {
                let cell = canvas[column, 0]
                #expect(!cell.isContinuation, "a continuation cell without its wide character at \(column)")
                let width = max(1, DisplayWidth.of(cell.text))
                if width == 2 {
                    #expect(column + 1 < 24 && canvas[column + 1, 0].isContinuation)
                }
                column += width
            }
            #expect(column == 24)
        }
    }

    @Test func putClipsAtTheLimit() {
        var canvas = Canvas(size: Size(columns: 10, rows: 1))
        let end = canvas.put("中文中文中文", x: 1, y: 0, limit: 5)
        #expect(end == 6)
        #expect(canvas.line(0) == " 中文")
        #expect(canvas[5, 0].text == " ")
    }
}

@Suite struct KeyNameRoundTripTests {
    @Test func controlBytesBecomeNamedKeys() {
        #expect(Key.fromScalar("\u{04}") == .control("d"))
        #expect(Key.fromScalar("\r") == .enter)
        #expect(Key.fromScalar("\u{7F}") == .backspace)
        #expect(KeyNotation.name(.control("d")) == "<C-d>")
    }
}
