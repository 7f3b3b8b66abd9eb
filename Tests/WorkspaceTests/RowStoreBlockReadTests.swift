import Foundation
import Testing
import TestSupport
import WinnowCore
@testable import Workspace

/// `RowStore.texts(of:)` reads neighbouring rows with one pread; it must give exactly the texts
/// `text(of:)` gives row by row, whatever the rows' layout: rows of one file back to back, rows
/// of several sources interleaved, several rows cut from one line (an OpenAssistant tree is one
/// row per path), rows in any order and with gaps.
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
}
