import PropertyBased
import Testing
import TerminalCore

/// Clipping at any column never splits a cluster: whatever mix of scripts and emoji a row
/// holds, what the canvas keeps before a limit is a prefix of whole clusters no wider than
/// the limit (and the longest such prefix), and the columns left over are blank.
@Suite struct ClusterClippingPropertyTests {
    static let clusters = [
        "a", "Z", "中", "ｶ", "e\u{301}", "ä", "स्ते", "न्दी", "हि", "क्ष", "ஸ்ரீ", "ক্ষ", "한", "\u{1100}\u{1161}\u{11A8}",
        "🇬🇧", "🇫🇷", "1️⃣", "#️⃣", "❤️", "❤", "👍🏽", "👨‍👩‍👧", "👨‍👩‍👧‍👦", "🏴󠁧󠁢󠁥󠁮󠁧󠁿", "🏳️‍🌈", "😀", "🧑🏽‍💻",
        "\u{1F1EC}", "⌚\u{FE0E}",
    ]
    static let mixed = Gen.element(of: clusters).map { $0 ?? "a" }.array(of: 0...14).map { $0.joined() }

    @Test func clippedTextIsAPrefixOfWholeClusters() async {
        await propertyCheck(count: 300, input: Self.mixed) { text in
            let characters = Array(text)
            let total = DisplayWidth.of(text)
            for limit in 0...(total + 1) {
                var prefix: [Character] = [], used = 0
                for character in characters {
                    let width = DisplayWidth.of(character)
                    if used + width > limit { break }
                    prefix.append(character)
                    used += width
                }
                var canvas = Canvas(size: Size(columns: total + 4, rows: 1))
                let end = canvas.put(text, x: 1, y: 0, limit: limit)
                var kept = ""
                for x in 1..<(1 + used) { kept += canvas[x, 0].text }
                #expect(kept == String(prefix), "limit \(limit): kept \(kept.debugDescription) of \(text.debugDescription)")
                #expect(DisplayWidth.of(kept) == used && used <= limit)
                #expect(end == min(1 + limit, 1 + total))
                for x in (1 + used)..<(1 + limit) where x < canvas.size.columns {
                    #expect(canvas[x, 0].text == " ", "column \(x) after the cut is blank")
                }
                #expect(DisplayWidth.truncate(text, to: limit, ellipsis: false) == String(prefix))
            }
        }
    }

    /// Overwriting any part of a multi-column cluster blanks the rest of it, so a cell never
    /// holds a cluster whose columns are not all its own.
    @Test func overwritingPartOfAClusterBlanksTheRest() async {
        await propertyCheck(count: 300, input: Self.mixed, Self.mixed, Gen.int(in: 0...20)) { first, second, x in
            var canvas = Canvas(size: Size(columns: 24, rows: 1))
            canvas.put(first, x: 0, y: 0)
            canvas.put(second, x: x, y: 0)
            var column = 0
            while column < 24 {
                let cell = canvas[column, 0]
                #expect(!cell.isContinuation, "a continuation without its cluster at \(column)")
                let width = max(1, DisplayWidth.of(cell.text))
                for next in (column + 1)..<min(24, column + width) { #expect(canvas[next, 0].isContinuation) }
                #expect(column + width <= 24)
                column += width
            }
        }
    }
}
