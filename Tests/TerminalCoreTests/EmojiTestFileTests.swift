import Testing
import TerminalCore
import VirtualTerminal
import WinnowCore

/// Unicode's emoji-test.txt, every fully-qualified emoji: one cluster, two columns, and the
/// same bytes after the sanitiser, the canvas and the virtual terminal as went in. Before issue
/// 12 the sanitiser turned every ZWJ into `<U+200D>` and every subdivision flag's tags into
/// `<U+E00xx>`, and the width rules missed keycaps and text-default emoji with VS16.
@Suite struct EmojiTestFileTests {
    static let entries = Result { try UnicodeTestFiles.emoji() }

    @Test func theFileIsEmoji17AndWhole() throws {
        let lines = try UnicodeTestFiles.lines(of: "emoji-test.txt")
        #expect(lines.contains { $0.text == "# Version: 17.0" })
        let entries = try Self.entries.get()
        // The file's own "Status Counts" block.
        #expect(entries.filter { $0.status == "fully-qualified" }.count == 3944)
        #expect(entries.filter { $0.status == "component" }.count == 9)
    }

    @Test func everyFullyQualifiedEmojiIsOneClusterOfTwoColumns() throws {
        var wrong: [String] = []
        for emoji in try Self.entries.get() where emoji.status == "fully-qualified" || emoji.status == "component" {
            let width = DisplayWidth.of(emoji.text)
            if emoji.text.count != 1 || width != 2 {
                wrong.append("line \(emoji.line) \(emoji.text) (\(emoji.name)): \(emoji.text.count) clusters, \(width) columns")
            }
        }
        #expect(wrong.isEmpty, "\(wrong.count) emoji measured wrongly:\n\(wrong.prefix(20).joined(separator: "\n"))")
    }

    /// Between two letters, through everything row text goes through on its way to a screen.
    @Test func everyFullyQualifiedEmojiSurvivesTheRoundTripByteForByte() throws {
        var wrong: [String] = []
        let terminal = VirtualTerminal(size: Size(columns: 6, rows: 1))
        for emoji in try Self.entries.get() where emoji.status == "fully-qualified" {
            let row = "a" + emoji.text + "b"
            let single = Sanitiser.clean(row), multi = Sanitiser.clean(row, mode: .multiLine)
            var canvas = Canvas(size: terminal.size)
            let end = canvas.put(single, x: 0, y: 0)
            terminal.present(canvas)
            let shown = terminal.text
            let cellsRight = canvas[1, 0].text == emoji.text && canvas[2, 0].isContinuation && canvas[3, 0].text == "b"
            if !single.utf8.elementsEqual(row.utf8) || !multi.utf8.elementsEqual(row.utf8) || !Sanitiser.isClean(row)
                || end != 4 || !cellsRight || !shown.utf8.elementsEqual(row.utf8) {
                wrong.append("line \(emoji.line) \(emoji.text) (\(emoji.name)): sanitised \(single.debugDescription), shown \(shown.debugDescription)")
            }
        }
        #expect(wrong.isEmpty, "\(wrong.count) emoji changed on the way:\n\(wrong.prefix(20).joined(separator: "\n"))")
    }

    /// Clipping keeps an emoji whole or leaves it out, never half of it.
    @Test func clippingNeverKeepsPartOfAnEmoji() throws {
        for emoji in try Self.entries.get() where emoji.status == "fully-qualified" {
            #expect(DisplayWidth.truncate(emoji.text, to: 1, ellipsis: false) == "")
            #expect(DisplayWidth.truncate(emoji.text + "x", to: 2, ellipsis: false) == emoji.text)
            var canvas = Canvas(size: Size(columns: 4, rows: 1))
            canvas.put("ab" + emoji.text, x: 0, y: 0, limit: 3)
            #expect(canvas.line(0) == "ab", "\(emoji.text) at the limit")
        }
    }
}
