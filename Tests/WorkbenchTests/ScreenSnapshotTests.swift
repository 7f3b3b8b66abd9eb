import Foundation
import TerminalCore
import Testing
@testable import Workbench

/// Every screen, drawn on the virtual terminal at 80x24 and 160x48 and compared with its
/// `.screen` file: layout, wrapping, wide characters and hostile text are all visible in review.
@Suite(.serialized) struct ScreenSnapshotTests {
    static let sizes = [Size(columns: 80, rows: 24), Size(columns: 160, rows: 48)]
    /// Rows with wide and combining characters, for layout by display width.
    static let wideRows = [
        #"{"id": "wide-0001", "messages": [{"role": "user", "content": "請問退款政策是什麼？ 我在 2026 年 3 月買的。"}, {"role": "assistant", "content": "您可以在購買後 30 天內申請退款 😀 — café, naïve, e\u0301te\u0301. 日本語のテキストも折り返します。"}], "meta": {"origin": "synthetic", "slice": "billing", "generator": "acme-teacher-7b-v2"}}"#,
    ]

    func fixture(_ size: Size, reviewing: Bool = true, extra: [String] = []) throws -> WorkbenchFixture {
        try WorkbenchFixture(size: size, extraRows: extra, reviewing: reviewing)
    }

    func show(_ id: String, in fixture: WorkbenchFixture) throws {
        let screen = try #require(fixture.workbench.top as? ReviewScreen)
        if let current = screen.item { try fixture.queue.release(current.row.id) }
        try screen.advance(workbench: fixture.workbench, to: try #require(try fixture.queue.claim(id: id)))
        fixture.workbench.draw()
    }

    @Test(arguments: sizes) func home(size: Size) throws {
        let f = try fixture(size, reviewing: false)
        expectSnapshot(f.screen, named: "home-\(size)")
    }

    @Test(arguments: sizes) func reviewFirstRowByPriority(size: Size) throws {
        let f = try fixture(size)
        expectSnapshot(f.screen, named: "review-first-\(size)")
    }

    @Test(arguments: sizes) func reviewHostileRowShowsEscapesVisibly(size: Size) throws {
        let f = try fixture(size)
        try show("chat-0025", in: f)
        expectSnapshot(f.screen, named: "review-hostile-chat-0025-\(size)")
        try show("chat-0029", in: f)
        expectSnapshot(f.screen, named: "review-hostile-chat-0029-\(size)")
        #expect(!f.screen.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" || (0x7F...0x9F).contains($0.value) || $0 == "\u{202E}" })
    }

    @Test(arguments: sizes) func reviewWideCharacters(size: Size) throws {
        let f = try fixture(size, extra: Self.wideRows)
        try show("wide-0001", in: f)
        expectSnapshot(f.screen, named: "review-wide-\(size)")
    }

    @Test(arguments: sizes) func preferencePair(size: Size) throws {
        let f = try fixture(size)
        try show("pref-0002", in: f)
        expectSnapshot(f.screen, named: "review-preference-\(size)")
    }

    @Test(arguments: sizes) func flaggedRowHighlightsTheMatch(size: Size) throws {
        let f = try fixture(size)
        try show("chat-0027", in: f)
        expectSnapshot(f.screen, named: "review-pii-\(size)")
    }

    @Test(arguments: sizes) func nearDuplicateNeighbourBeside(size: Size) throws {
        let f = try fixture(size)
        try show("chat-0098", in: f)
        try f.type("o")
        expectSnapshot(f.screen, named: "review-neighbour-\(size)")
    }

    @Test(arguments: sizes) func reasonPicker(size: Size) throws {
        let f = try fixture(size)
        try f.type("x")
        expectSnapshot(f.screen, named: "reasons-\(size)")
    }

    @Test(arguments: sizes) func help(size: Size) throws {
        let f = try fixture(size)
        try f.type("?")
        expectSnapshot(f.screen, named: "help-review-\(size)")
    }

    @Test(arguments: sizes) func stats(size: Size) throws {
        let f = try fixture(size)
        try f.type("a")
        try f.type("S")
        expectSnapshot(f.screen, named: "stats-\(size)")
    }

    @Test(arguments: sizes) func search(size: Size) throws {
        let f = try fixture(size)
        try f.type("/antibiotic<Enter>")
        expectSnapshot(f.screen, named: "search-\(size)")
    }

    @Test func tooSmallAndBack() throws {
        let f = try fixture(Size(columns: 80, rows: 24))
        let before = f.screen
        f.resize(Size(columns: 40, rows: 10))
        expectSnapshot(f.screen, named: "too-small-40x10")
        f.resize(Size(columns: 80, rows: 24))
        #expect(f.screen == before)
    }
}

/// What text snapshots cannot show: styles. Matches are highlighted in place, without colour
/// being the only signal.
@Suite(.serialized) struct HighlightTests {
    /// Cells of the screen whose text run spells `text` on some row, or nil.
    func cells(of text: String, in canvas: Canvas) -> [Cell]? {
        for y in 0..<canvas.size.rows {
            let row = (0..<canvas.size.columns).map { canvas[$0, y] }
            let joined = row.map(\.text).joined()
            guard let range = joined.range(of: text) else { continue }
            let start = joined.distance(from: joined.startIndex, to: range.lowerBound)
            var offset = 0, index = 0
            while offset < start { offset += row[index].text.count; index += 1 }
            return Array(row[index..<(index + text.count)])
        }
        return nil
    }

    @Test func everyPIIMatchIsHighlightedWithReverseVideo() throws {
        let f = try WorkbenchFixture()
        let screen = try #require(f.workbench.top as? ReviewScreen)
        if let item = screen.item { try f.queue.release(item.row.id) }
        try screen.advance(workbench: f.workbench, to: try #require(try f.queue.claim(id: "chat-0027")))
        f.workbench.draw()
        for match in ["07700 900461", "4111 1111 1111 1111"] {
            let found = try #require(cells(of: match, in: f.terminal.screen), "\(match) on screen")
            #expect(found.allSatisfy { $0.style.reverse && $0.style.underline }, "\(match) highlighted")
        }
        // The address is in the reserved example.org domain: no one's, so not a match.
        let address = try #require(cells(of: "priya.raman71@example.org", in: f.terminal.screen))
        #expect(address.allSatisfy { !$0.style.reverse })
        let plain = try #require(cells(of: "Need my lisinopril", in: f.terminal.screen))
        #expect(plain.allSatisfy { !$0.style.reverse })
    }

    @Test func searchMovesOnThroughTheQueue() throws {
        let f = try WorkbenchFixture()
        let first = try #require((f.workbench.top as? ReviewScreen)?.item).row.id
        try f.type("/refund<Enter>")
        let found = try #require((f.workbench.top as? ReviewScreen)?.item).row.id
        #expect(found != first)
        #expect(f.screen.contains("'refund' found in \(found)"))
        let hit = try #require(cells(of: "refund", in: f.terminal.screen))
        #expect(hit.allSatisfy { $0.style.reverse })
        try f.type("n")
        #expect(f.screen.contains("match 2 of") || f.screen.contains("found in"))
        try f.type("/no-such-words-anywhere<Enter>")
        #expect(f.screen.contains("'no-such-words-anywhere' is in no other queued row"))
        #expect(try f.reviewEntries().isEmpty, "searching writes nothing")
    }
}

/// The edit confirmation: the diff of what the reviewer changed, at both sizes.
@Suite(.serialized) struct EditSnapshotTests {
    @Test(arguments: ScreenSnapshotTests.sizes) func diffBeforeSaving(size: Size) throws {
        let f = try WorkbenchFixture(size: size)
        try f.useEditor("sed -i 's/often selling fake/sometimes selling fake/' \"$1\"")
        try f.type("e")
        let screen = f.screen.replacingOccurrences(of: #"winnow-edit-[^ ]*\.txt"#, with: "winnow-edit-DRAFT.txt", options: .regularExpression)
        expectSnapshot(screen, named: "edit-diff-\(size)")
    }
}
