import Foundation
import TestSupport
import Testing
import WinnowCore
@testable import Workspace

/// The pipeline parses batches on several threads but must hand them back exactly as one thread
/// would: every record once, in input order, every byte sunk once and in order, an input error
/// after everything read before it, and no thread left behind when the caller stops early.
@Suite(.serialized) struct ParsePipelineTests {
    /// About 13 MB of rows (several 4 MB batches), with bad lines and blank lines among them.
    static let input: [UInt8] = {
        var text = ""
        for i in 0..<30_000 {
            switch i % 997 {
            case 5: text += "not json \(i)\n"
            case 11: text += "\n"
            default:
                let words = String(repeating: "word\(i % 13) ", count: 20 + i % 50)
                text += "{\"id\": \"r\(i)\", \"prompt\": \"q\(i)\", \"response\": \"\(words)\", \"meta\": {\"slice\": \"s\(i % 5)\"}}\n"
            }
        }
        return Array(text.utf8)
    }()

    struct Outcome: Equatable {
        var rows: [Int] = []
        var quarantined: [Int] = []
        var sunk: [UInt8] = []
        var counted = 0
    }

    func run(_ bytes: [UInt8], workers: Int, depth: Int, stopAfter: Int? = nil) throws -> (Outcome, Error?) {
        let path = NSTemporaryDirectory() + "/pipeline-\(UUID().uuidString)"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { unlink(path) }
        return try run(path: path, workers: workers, depth: depth, stopAfter: stopAfter)
    }

    func run(path: String, workers: Int, depth: Int, stopAfter: Int? = nil) throws -> (Outcome, Error?) {
        let sunk = SunkBytes()
        let splitter = RecordSplitter(input: try InputFile(path: path), maxRecordBytes: 1 << 20) { sunk.append($0) }
        let pipeline = ParsePipeline(splitter: splitter, recognizer: RowRecognizer(), workers: workers,
                                     countingFor: WorkspaceConfig(), depth: depth)
        defer { pipeline.drain() }
        var outcome = Outcome()
        var batches = 0
        do {
            while let batch = try pipeline.next() {
                outcome.rows += batch.rows.map(\.line)
                outcome.quarantined += batch.quarantined.map(\.line)
                outcome.counted += batch.tally?.rows ?? 0
                batches += 1
                if let stopAfter, batches == stopAfter { break }
            }
        } catch {
            outcome.sunk = sunk.bytes
            return (outcome, error)
        }
        outcome.sunk = sunk.bytes
        return (outcome, nil)
    }

    @Test func everyRecordOnceInInputOrderWhateverTheThreads() throws {
        let (alone, error) = try run(Self.input, workers: 1, depth: 1)
        #expect(error == nil)
        #expect(alone.rows.count + alone.quarantined.count == 30_000 - 31, "blank lines are neither")
        #expect(alone.rows == alone.rows.sorted() && Set(alone.rows).count == alone.rows.count)
        #expect(alone.quarantined.count == 31)
        #expect(alone.counted == alone.rows.count)
        #expect(alone.sunk == Self.input, "every byte reaches the hash and the copy once, in order")
        for (workers, depth) in [(2, 1), (2, 3), (4, 2), (8, 1)] {
            let (threaded, error) = try run(Self.input, workers: workers, depth: depth)
            #expect(error == nil)
            #expect(threaded == alone, "workers \(workers), depth \(depth)")
        }
    }

    @Test func stoppingEarlyLeavesNoThreadWaiting() throws {
        for workers in [1, 2, 4] {
            let (outcome, error) = try run(Self.input, workers: workers, depth: 2, stopAfter: 1)
            #expect(error == nil)
            #expect(!outcome.rows.isEmpty)
            #expect(outcome.rows.count < 29_000, "stopped after the first batch")
        }
    }

    @Test func aCorruptGzipStreamFailsAfterEverythingReadBeforeIt() throws {
        let dir = NSTemporaryDirectory() + "/pipeline-gz-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let plain = dir + "/rows.jsonl", gz = dir + "/rows.jsonl.gz"
        try Data(Self.input).write(to: URL(fileURLWithPath: plain))
        try runShell("gzip -c \"$0\" > \"$1\"", plain, gz)
        // Cut the stream at 70 %: several batches decode, then the stream ends early.
        let whole = try Data(contentsOf: URL(fileURLWithPath: gz))
        try whole.prefix(whole.count * 7 / 10).write(to: URL(fileURLWithPath: gz))
        for workers in [1, 3] {
            let (outcome, error) = try run(path: gz, workers: workers, depth: 2)
            #expect(error != nil, "the truncated stream is reported")
            #expect(outcome.rows.count > 10_000, "the batches before it arrive first (\(outcome.rows.count))")
            #expect(outcome.rows == outcome.rows.sorted())
            #expect(Array(Self.input.prefix(outcome.sunk.count)) == outcome.sunk)
        }
    }
}

/// What the sink received, from whichever thread called it.
final class SunkBytes: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [UInt8] = []
    func append(_ bytes: UnsafeRawBufferPointer) { lock.withLock { stored.append(contentsOf: bytes) } }
    var bytes: [UInt8] { lock.withLock { stored } }
}
