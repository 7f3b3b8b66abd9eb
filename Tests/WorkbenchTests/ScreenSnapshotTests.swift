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
