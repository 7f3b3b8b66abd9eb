import Foundation
import Testing
@testable import Workspace

/// The splitter cuts records correctly whatever the chunk boundaries, and every byte reaches the
/// sink exactly once (that is what the stored source and its hash are made of).
struct RecordSplitterTests {
    func split(_ bytes: [UInt8], max: Int = 1 << 20) throws -> (records: [(Int, String?, String)], sunk: [UInt8], array: Bool) {
        let path = NSTemporaryDirectory() + "/splitter-\(UUID().uuidString)"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { unlink(path) }
        let input = try InputFile(path: path)
        nonisolated(unsafe) var sunk: [UInt8] = []
        let splitter = RecordSplitter(input: input, maxRecordBytes: max) { sunk.append(contentsOf: $0) }
        var records: [(Int, String?, String)] = []
        while let batch = try splitter.nextBatch() {
            batch.bytes.withUnsafeBytes { try? splitter.sink(UnsafeRawBufferPointer(rebasing: $0[batch.fresh])) }
            for span in batch.spans {
                let text = String(decoding: batch.bytes[span.start..<span.end], as: UTF8.self)
                records.append((span.line, span.problem, text))
            }
        }
        return (records, sunk, splitter.arrayMode)
    }

    @Test func jsonLinesWithBOMCRLFBlankLinesAndNoFinalNewline() throws {
        let text: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("{\"a\":1}\r\n\n{\"b\":2}\n{\"c\":3}".utf8)
        let result = try split(text)
        #expect(result.records.map(\.0) == [1, 2, 3, 4])
        #expect(result.records.map(\.2) == ["{\"a\":1}\r", "", "{\"b\":2}", "{\"c\":3}"])
        #expect(result.sunk == text)
        #expect(!result.array)
    }

    @Test func aTopLevelArrayYieldsItsElementsWithTheirLines() throws {
        let text = Array("[\n  {\"a\": [1, {\"x\": \"],}\"}]},\n  {\"b\": 2}\n]\n".utf8)
        let result = try split(text)
        #expect(result.array)
        #expect(result.records.map(\.0) == [2, 3])
        #expect(result.records.map { $0.2.trimmingCharacters(in: .whitespacesAndNewlines) } == ["{\"a\": [1, {\"x\": \"],}\"}]}", "{\"b\": 2}"])
        #expect(result.sunk == text)
    }

    @Test func anUnclosedArrayAndTrailingContentAreReported() throws {
        let unclosed = try split(Array("[{\"a\":1},\n{\"b\":2}".utf8))
        #expect(unclosed.records.last?.1?.contains("not closed") == true)
        let trailing = try split(Array("[{\"a\":1}] junk".utf8))
        #expect(trailing.records.contains { $0.1?.contains("after the closing ']'") == true })
    }

    @Test func recordsLongerThanTheLimitAreReportedNotKept() throws {
        let long = String(repeating: "x", count: 9 << 20)
        let text = Array("{\"a\":1}\n\"\(long)\"\n{\"b\":2}\n".utf8)
        let result = try split(text, max: 1 << 20)
        #expect(result.records.count == 3)
        #expect(result.records[1].0 == 2)
        #expect(result.records[1].1?.contains("over the limit of 1048576") == true)
        #expect(result.records[2].2 == "{\"b\":2}")
        #expect(result.sunk == text, "every byte still reaches the stored source")
    }

    @Test func recordsSpanningChunkBoundariesArriveWhole() throws {
        // Lines of varying length so that some straddle the 4 MB chunk boundary.
        var text: [UInt8] = []
        var expected: [String] = []
        var i = 0
        while text.count < 9 << 20 {
            let line = "{\"n\":\(i),\"pad\":\"\(String(repeating: "y", count: (i * 7919) % 5000))\"}"
            expected.append(line)
            text += Array(line.utf8) + [0x0A]
            i += 1
        }
        let result = try split(text)
        #expect(result.records.map(\.2) == expected)
        #expect(result.sunk == text)
    }

    @Test func aRecordLongerThanSeveralChunksArrivesWhole() throws {
        // 13 MB in one line: the buffer grows in place over four reads, between ordinary lines
        // that go out in batches before and after it; the same in a JSON array.
        let long = "{\"pad\":\"" + String(repeating: "z", count: 13 << 20) + "\"}"
        let lines = (0..<2000).map { "{\"n\":\($0)}" }
        let text = Array((lines.joined(separator: "\n") + "\n" + long + "\n" + lines.joined(separator: "\n") + "\n").utf8)
        let result = try split(text, max: 32 << 20)
        #expect(result.records.count == 4001)
        #expect(result.records[2000].0 == 2001)
        #expect(result.records[2000].2 == long)
        #expect(result.records.last?.2 == lines.last)
        #expect(result.sunk == text)
        let array = Array(("[" + lines.joined(separator: ",") + "," + long + "," + lines.joined(separator: ",") + "]\n").utf8)
        let elements = try split(array, max: 32 << 20)
        #expect(elements.array && elements.records.count == 4001)
        #expect(elements.records[2000].2 == long)
        #expect(elements.sunk == array)
    }
}
