import Foundation
@testable import ProvenanceLog
import TestSupport
import Testing
import WinnowCore

/// Reading the log back in order, and its tail.
@Suite struct LogReaderTests {
    @Test func readsEveryEntryInOrderAcrossBlocks() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("provenance.jsonl")
        // Entry 3 is larger than the reader's 1 MiB block and verify's smallest chunk.
        let big = JSONValue.object([("text", .string(String(repeating: "ab\"c\u{1F642}\n", count: 300_000)))])
        let lines = try LogFixture.write(count: 9, to: path) { number in
            number == 2 ? DecisionPayload(row: "big", action: .edit, newRow: big) : LogFixture.payload(number)
        }
        var read: [LogEntry] = []
        try LogReader(path: path, displayPath: "log/provenance.jsonl").forEach { read.append($0) }
        #expect(read.map(\.line) == lines.map { $0 + [0x0A] })
        #expect(read.map(\.seq) == Array(1...9))
        #expect(read[2].location == SourceLocation(file: "log/provenance.jsonl", line: 3))
        #expect(try read[2].payload(DecisionPayload.self).newRow?.canonicalString == big.canonicalString)
        #expect(try LogVerifier.verify(path: path, displayPath: nil, parts: 2, chunkSize: 4096).isOK)
        #expect(try LogReader.tail(3, path: path).map(\.seq) == [7, 8, 9])
        #expect(try LogReader.tail(20, path: path).map(\.seq) == Array(1...9))
        #expect(try LogReader.tail(0, path: path).isEmpty)
        #expect(try LogReader.tail(1, path: path).first?.location?.line == 9)
    }

    @Test func stopsBeforeATornTailAndNamesABadLine() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("provenance.jsonl")
        var lines = try LogFixture.write(count: 5, to: path)
        try writeBytes(LogFixture.join(lines) + Array("{\"v\":1,\"seq\"".utf8), to: path)
        var count = 0
        try LogReader(path: path).forEach { _ in count += 1 }
        #expect(count == 5)
        #expect(try LogReader.tail(2, path: path).map(\.seq) == [4, 5])
        lines.swapAt(1, 2)
        try writeBytes(LogFixture.join(lines), to: path)
        #expect(throws: LogError.corrupt(LogFailure(file: "L", line: 2, problem: .wrongSeq(expected: 2, found: 3)))) {
            try LogReader(path: path, displayPath: "L").forEach { _ in }
        }
        #expect(throws: LogError.self) { try LogReader.tail(5, path: path) }
    }

    @Test func missingLogIsAnError() throws {
        let dir = try TemporaryDirectory()
        #expect(throws: LogError.io(file: "log/provenance.jsonl", operation: "open", errno: ENOENT)) {
            try LogReader(path: dir.file("nothing.jsonl"), displayPath: "log/provenance.jsonl")
        }
        #expect(throws: LogError.self) { try LogVerifier.verify(path: dir.file("nothing.jsonl")) }
    }
}
