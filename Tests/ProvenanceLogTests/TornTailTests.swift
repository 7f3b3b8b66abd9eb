import Foundation
@testable import ProvenanceLog
import TestSupport
import Testing
import WinnowCore

/// What an interrupted write leaves at the end of the log is moved aside, never lost; anything
/// bad before the tail makes open fail closed without touching the file.
@Suite struct TornTailTests {
    @Test func truncationAtEveryByteOfTheLastThreeEntriesRepairs() throws {
        let dir = try TemporaryDirectory()
        let source = dir.file("complete.jsonl")
        let lines = try LogFixture.write(count: 10, to: source)
        let bytes = FileManager.default.bytes(at: source)
        // Offsets where each line ends (after its newline).
        var ends: [Int] = []
        for line in lines { ends.append((ends.last ?? 0) + line.count + 1) }
        let first = ends[lines.count - 4]
        let path = dir.file("log/provenance.jsonl")
        try FilePermissions.createDirectory(dir.file("log"))
        for offset in first...bytes.count {
            try? FileManager.default.removeItem(atPath: path + ".broken")
            try writeBytes(Array(bytes[0..<offset]), to: path)
            let complete = ends.filter { $0 <= offset }
            let keep = complete.last ?? 0
            let log = try LogFile.open(at: path, displayPath: "log/provenance.jsonl")
            #expect(FileManager.default.bytes(at: path) == Array(bytes[0..<keep]), "offset \(offset)")
            let removed = Array(bytes[keep..<offset])
            if removed.isEmpty {
                #expect(log.repairs.isEmpty)
                #expect(!FileManager.default.fileExists(atPath: path + ".broken"))
            } else {
                #expect(FileManager.default.bytes(at: path + ".broken") == removed + [0x0A], "offset \(offset)")
                #expect(log.repairs == [LogRepair(file: "log/provenance.jsonl", brokenFile: "log/provenance.jsonl.broken", bytes: removed.count, lines: 1)])
            }
            #expect(try log.head().seq == complete.count)
            #expect(try LogVerifier.verify(path: path).isOK, "offset \(offset)")
        }
    }

    @Test func repairNoticeReadsAsTheCommandLinePrintsIt() {
        let repair = LogRepair(file: "log/provenance.jsonl", brokenFile: "log/provenance.jsonl.broken", bytes: 17, lines: 1)
        #expect(repair.message == "log/provenance.jsonl: the last line (17 bytes) was incomplete, probably from an interrupted write; kept it in log/provenance.jsonl.broken and truncated")
    }

    @Test func brokenFileKeepsEveryRepairAndAppendsContinueTheChain() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("provenance.jsonl")
        let lines = try LogFixture.write(count: 4, to: path)
        var torn: [[UInt8]] = []
        for round in 0..<3 {
            let fragment = Array(lines[round].prefix(40 + round))
            torn.append(fragment)
            let handle = try #require(FileHandle(forWritingAtPath: path))
            handle.seekToEndOfFile()
            handle.write(Data(fragment))
            try handle.close()
            let log = try LogFile.open(at: path)
            #expect(log.repairs.count == 1)
            let entry = try log.append(RevertPayload(reverts: 1))
            #expect(entry.seq == 5 + round)
        }
        #expect(FileManager.default.bytes(at: path + ".broken") == torn.flatMap { $0 + [0x0A] })
        #expect(try LogVerifier.verify(path: path).isOK)
    }

    /// Only bytes after the last newline are a torn write. A last line that ends in its
    /// newline but does not check out (an edited entry, a half line that a power loss closed
    /// with a newline) was not torn by winnow: moving it aside could silently drop an
    /// acknowledged decision, so the log fails closed naming the line, and nothing is moved.
    @Test func invalidCompleteLastLineFailsClosed() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("provenance.jsonl")
        let lines = try LogFixture.write(count: 5, to: path)
        var edited = lines
        edited[4] = try JSONValue.parse(lines[4]).setting("note", to: .string("changed")).canonicalBytes
        let halfLine = Array(lines[2].prefix(30)) + [0x0A]
        for (bytes, line) in [(LogFixture.join(edited), 5), (LogFixture.join(lines) + halfLine, 6)] {
            try writeBytes(bytes, to: path)
            let failed = Self.failedLine { _ = try LogFile.open(at: path) }
            #expect(failed == line, "a bad complete last line fails closed naming it")
            #expect(FileManager.default.bytes(at: path) == bytes, "nothing was cut")
            #expect(!FileManager.default.fileExists(atPath: path + ".broken"))
        }
        // Zeros without a newline after the last complete line are still a torn tail.
        try writeBytes(LogFixture.join(lines) + [UInt8](repeating: 0, count: 50), to: path)
        let log = try LogFile.open(at: path)
        #expect(log.repairs.map(\.lines) == [1])
        #expect(FileManager.default.bytes(at: path) == LogFixture.join(lines))
    }

    /// The line a `.corrupt` error names, or nil when `body` did not fail that way.
    static func failedLine(_ body: () throws -> Void) -> Int? {
        do { try body() } catch { if case .corrupt(let failure) = error as? LogError { return failure.line } }
        return nil
    }

    @Test func badLineBeforeTheTailFailsClosed() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("provenance.jsonl")
        var lines = try LogFixture.write(count: 6, to: path)
        lines[4] = Array("{\"not\":\"an entry\"}".utf8)
        let tampered = LogFixture.join(lines) + Array(lines[5].prefix(10))
        try writeBytes(tampered, to: path)
        do {
            _ = try LogFile.open(at: path, displayPath: "log/provenance.jsonl")
            Issue.record("open should fail")
        } catch {
            guard case .corrupt(let failure) = error else { Issue.record("\(error)"); return }
            #expect(failure.line == 5)
            #expect(error.message.hasPrefix("log/provenance.jsonl:5: missing field \"v\""))
        }
        #expect(FileManager.default.bytes(at: path) == tampered)
        #expect(!FileManager.default.fileExists(atPath: path + ".broken"))
    }

    @Test func lastLineThatDoesNotChainFailsClosed() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("provenance.jsonl")
        var lines = try LogFixture.write(count: 4, to: path)
        lines.remove(at: 2)  // line 3 is now entry 4: valid by itself, but seq and prev are off
        try writeBytes(LogFixture.join(lines), to: path)
        #expect(throws: LogError.corrupt(LogFailure(file: path, line: 3, problem: .wrongSeq(expected: 3, found: 4)))) {
            try LogFile.open(at: path)
        }
    }
}
