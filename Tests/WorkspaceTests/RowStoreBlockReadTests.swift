import Foundation
import Testing
import TestSupport
import WinnowCore
@testable import Workspace

/// `RowStore.texts(of:)` reads neighbouring rows with one pread; it must give exactly the texts
/// `text(of:)` gives row by row, whatever the rows' layout: rows of one file back to back, rows
/// of several sources interleaved (an OpenAssistant file's rows come from its derived source),
/// rows in any order and with gaps; and a source cut short must name the row past its end.
@Suite(.serialized, .enabled(if: RealData.isPresent, "../shared/realdata is not present"))
struct RowStoreBlockReadTests {
    @Test func blockReadsGiveTheRowByRowTexts() throws {
        let tmp = try TemporaryDirectory()
        let session = try WorkspaceSession.open(try WorkspaceCreator.create(at: tmp.file("ws")))
        var options = ImportOptions()
        options.defaults.origin = .human
        for file in ["gsm8k/test.jsonl", "oasst/en_100_tree.jsonl", "alpaca/alpaca_5000.json"] {
            _ = try session.importFile(RealData.path(file), options: options, progress: nil)
        }
        let rows = try session.index.scanRows(after: 0, limit: .max).map(\.row)
        #expect(rows.count > 6_000)
        let store = RowStore(paths: session.paths, index: session.index)
        let one = try rows.map { try store.text(of: $0) }
        #expect(try store.texts(of: rows) == one)
        // Every other row (gaps), backwards (no block forms), and a shuffled sample.
        let everyOther = rows.indices.filter { $0 % 2 == 0 }
        #expect(try store.texts(of: everyOther.map { rows[$0] }) == everyOther.map { one[$0] })
        #expect(try store.texts(of: rows.reversed()) == one.reversed())
        var random = SplitMix64(7)
        let sample = (0..<500).map { _ in Int(random.next() % UInt64(rows.count)) }
        #expect(try store.texts(of: sample.map { rows[$0] }) == sample.map { one[$0] })
    }

    @Test func aSourceCutShortNamesTheRowPastItsEnd() throws {
        let tmp = try TemporaryDirectory()
        let session = try WorkspaceSession.open(try WorkspaceCreator.create(at: tmp.file("ws")))
        var options = ImportOptions()
        options.defaults.origin = .human
        let summary = try session.importFile(RealData.path("gsm8k/test.jsonl"), options: options, progress: nil)
        let rows = try session.index.scanRows(after: 0, limit: .max).map(\.row)
        let last = try #require(rows.last)
        // Cut the stored source in the middle of its last row.
        let path = session.paths.source(summary.source)
        chmod(path, 0o644)
        #expect(truncate(path, off_t(last.offset + last.length / 2)) == 0)
        let store = RowStore(paths: session.paths, index: session.index)
        do {
            _ = try store.texts(of: rows.suffix(50))
            Issue.record("a source cut short was read without an error")
        } catch {
            let message = (error as? UserFacingError)?.message ?? "\(error)"
            #expect(message.contains("row \(last.id) points past the end"), "\(message)")
        }
    }
}
