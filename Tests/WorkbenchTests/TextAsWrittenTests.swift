import Foundation
import TerminalCore
import Testing
import WinnowCore
@testable import Workbench

/// Issue 12, item 5: a row is shown as written. Devanagari conjuncts, flags, keycaps, VS16
/// emoji, skin tones and ZWJ families reach the screen whole (they lost halves, tones and
/// joiners before), wrapping never splits one, and under a locale that is not UTF-8 winnow's
/// own frames and marks are ASCII while the row stays as written.
@Suite(.serialized) struct TextAsWrittenTests {
    static let clusters = ["नमस्ते", "हिन्दी", "🇬🇧", "1️⃣", "❤️", "👍🏽", "👨‍👩‍👧", "می\u{200C}خواهم", "🏴󠁧󠁢󠁥󠁮󠁧󠁿"]
    /// The issue's texts, the ZWJ and ZWNJ written as JSON escapes as a generator would.
    static let row = #"{"id": "script-0001", "messages": [{"role": "user", "content": "नमस्ते हिन्दी! Flags 🇬🇧 keycap 1️⃣ heart ❤️ thumbs 👍🏽 family 👨\u200d👩\u200d👧 Persian می\u200cخواهم England 🏴\udb40\udc67\udb40\udc62\udb40\udc65\udb40\udc6e\udb40\udc67\udb40\udc7f"}, {"role": "assistant", "content": "नमस्ते! 👨\u200d👩\u200d👧 🇬🇧 1️⃣ ❤️ 👍🏽 नमस्ते हिन्दी नमस्ते हिन्दी नमस्ते हिन्दी नमस्ते हिन्दी नमस्ते हिन्दी 👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽 🇬🇧🇬🇧🇬🇧🇬🇧🇬🇧🇬🇧🇬🇧🇬🇧🇬🇧🇬🇧🇬🇧🇬🇧🇬🇧🇬🇧🇬🇧🇬🇧 end."}], "meta": {"origin": "synthetic", "slice": "general", "generator": "g1"}}"#

    static func show(_ id: String, in fixture: WorkbenchFixture) throws {
        let screen = try #require(fixture.workbench.top as? ReviewScreen)
        if let current = screen.item { try fixture.queue.release(current.row.id) }
        try screen.advance(workbench: fixture.workbench, to: try #require(try fixture.queue.claim(id: id)))
        fixture.workbench.draw()
    }

    @Test(arguments: ScreenSnapshotTests.sizes) func theRowIsShownWhole(size: Size) throws {
        let f = try WorkbenchFixture(size: size, extraRows: [Self.row])
        try Self.show("script-0001", in: f)
        let screen = f.screen
        for cluster in Self.clusters {
            #expect(screen.contains(cluster), "\(cluster) whole on screen")
        }
        #expect(!screen.contains("<U+200D>") && !screen.contains("<U+200C>") && !screen.contains("<U+E00"))
        #expect(!screen.contains("\u{FFFD}"))
        // Every line is whole clusters laid out in at most the screen's width.
        for line in screen.split(separator: "\n") { #expect(DisplayWidth.of(line) <= size.columns, "\(line)") }
        expectSnapshot(screen, named: "review-text-as-written-\(size)")
    }

    /// Wrapping at every width from 4 to 60 puts each cluster on one line, never half on each.
    @Test func wrappingNeverSplitsACluster() {
        let text = "नमस्ते हिन्दी 🇬🇧1️⃣❤️👍🏽👨‍👩‍👧 क्षत्रिय स्त्री 🏳️‍🌈🧑🏽‍💻"
        let expected = Array(text).filter { $0 != " " }
        for width in 4...60 {
            let lines = TextWrap.wrap(text, width: width)
            let got = lines.flatMap { Array($0.text) }.filter { $0 != " " }
            #expect(got == expected, "width \(width)")
            #expect(lines.allSatisfy { $0.width <= width }, "width \(width)")
        }
    }

    /// A cluster wider than the whole line (a chain of conjuncts is one cluster) is cut into the
    /// code-point runs a terminal draws, not left out.
    @Test func aClusterWiderThanTheLineIsCutNotLost() {
        let chain = String(repeating: "क्", count: 12) + "ष"
        #expect(chain.count == 1 && DisplayWidth.of(chain) == 13)
        let lines = TextWrap.wrap(chain, width: 5)
        #expect(lines.map(\.text).joined() == chain)
        #expect(lines.allSatisfy { $0.width <= 5 })
    }

    /// A search hit inside a ZWJ family highlights the whole family: the mark is widened to
    /// cluster boundaries instead of cutting the sequence into two spans.
    @Test func aMarkInsideAClusterCoversTheWholeCluster() throws {
        let family = "👨\u{200D}👩\u{200D}👧"
        let text = RowText(segments: [RowText.Segment(label: "user", text: "see " + family + " here", side: nil)])
        let start = "see 👨\u{200D}".utf8.count
        let renderer = RowRenderer(text: text, marks: [RowRenderer.Mark(segment: 0, range: start..<(start + 4), style: .highlight)])
        let lines = renderer.render(width: 40).lines
        let spans = lines.flatMap(\.spans)
        #expect(spans.contains { $0.text == family && $0.style == .highlight })
        #expect(lines.map(\.text).joined(separator: "\n").contains("see " + family + " here"))
    }

    /// LANG=C: winnow's frames and marks are ASCII (they were box-drawing characters in any
    /// locale), the row itself is untouched.
    @Test func asciiFramesWhenTheLocaleIsNotUTF8() throws {
        let home = try WorkbenchFixture(reviewing: false, glyphs: Glyphs.forLocale(["LANG": "C"]))
        #expect(home.screen.unicodeScalars.allSatisfy { $0.isASCII }, "home has no row text: all ASCII")
        expectSnapshot(home.screen, named: "home-ascii-80x24")

        let review = try WorkbenchFixture(size: Size(columns: 160, rows: 48), extraRows: [Self.row], glyphs: .ascii)
        try Self.show("script-0001", in: review)
        let screen = review.screen
        for glyph in ["│", "─", "·", "…", "▸", "✗", "⚑", "█", "░"] { #expect(!screen.contains(glyph), "\(glyph) under LANG=C") }
        for cluster in Self.clusters { #expect(screen.contains(cluster), "the row is still as written: \(cluster)") }
        expectSnapshot(screen, named: "review-ascii-160x48")
    }
}
