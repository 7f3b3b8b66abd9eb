import Foundation
@testable import ProvenanceLog
import TestSupport
import Testing
import WinnowCore

/// Any change before the tail makes verify fail, naming the line where the change is, whether
/// the file is checked in one part or split across threads and small chunks.
@Suite struct TamperTests {
    static let count = 20
    /// (parts, chunk size): one pass; two and three parts per chunk; chunks smaller than a line.
    static let layouts = [(1, 16 << 20), (2, 16 << 20), (3, 4096), (2, 100)]

    func verify(_ bytes: [UInt8], in dir: TemporaryDirectory) throws -> [LogVerification] {
        let path = dir.file("tampered.jsonl")
        try writeBytes(bytes, to: path)
        return try TamperTests.layouts.map { parts, chunk in
            try LogVerifier.verify(path: path, displayPath: "log/provenance.jsonl", parts: parts, chunkSize: chunk)
        }
    }

    func fixture(_ dir: TemporaryDirectory) throws -> [[UInt8]] {
        try LogFixture.write(count: TamperTests.count, to: dir.file("log.jsonl"))
    }

    @Test func untouchedLogVerifiesInEveryLayout() throws {
        let dir = try TemporaryDirectory()
        let lines = try fixture(dir)
        let head = try LogEntry(parsing: lines.last!).hash
        for verdict in try verify(LogFixture.join(lines), in: dir) {
            #expect(verdict == .ok(count: TamperTests.count, headSeq: TamperTests.count, headHash: head))
        }
        let empty = try verify([], in: dir)
        #expect(empty.allSatisfy { $0 == .ok(count: 0, headSeq: 0, headHash: LogEntry.genesisHash) })
    }

    @Test func flippedBitIsFoundAtItsLine() throws {
        let dir = try TemporaryDirectory()
        let lines = try fixture(dir)
        let bytes = LogFixture.join(lines)
        var rng = SplitMix64(7)
        var lineStart = 0
        for (index, line) in lines.enumerated().dropLast() {
            // Every bit of the first line; a sample of bytes (its newline included) elsewhere.
            let offsets = index == 0 ? Array(0...line.count) : (0..<25).map { _ in Int.random(in: 0...line.count, using: &rng) }
            for offset in offsets {
                for bit in index == 0 ? Array(0..<8) : [Int.random(in: 0..<8, using: &rng)] {
                    var copy = bytes
                    copy[lineStart + offset] ^= UInt8(1 << bit)
                    for verdict in try verify(copy, in: dir) {
                        #expect(verdict.failedLine == index + 1, "line \(index + 1) byte \(offset) bit \(bit): \(verdict)")
                    }
                }
            }
            lineStart += line.count + 1
        }
    }

    @Test func deletedDuplicatedAndSwappedLinesAreFound() throws {
        let dir = try TemporaryDirectory()
        let lines = try fixture(dir)
        for k in 1..<TamperTests.count {
            var deleted = lines
            deleted.remove(at: k - 1)
            for verdict in try verify(LogFixture.join(deleted), in: dir) {
                #expect(verdict.failure?.line == k)
                #expect(verdict.failure?.problem == .wrongSeq(expected: k, found: k + 1))
            }
            var duplicated = lines
            duplicated.insert(lines[k - 1], at: k)
            for verdict in try verify(LogFixture.join(duplicated), in: dir) {
                #expect(verdict.failure?.problem == .wrongSeq(expected: k + 1, found: k))
                #expect(verdict.failedLine == k + 1)
            }
            var swapped = lines
            swapped.swapAt(k - 1, k)
            for verdict in try verify(LogFixture.join(swapped), in: dir) {
                #expect(verdict.failedLine == k)
            }
        }
    }

    @Test func editedFieldIsFoundAtItsLine() throws {
        let dir = try TemporaryDirectory()
        let lines = try fixture(dir)
        for k in 1..<TamperTests.count {
            let entry = try JSONValue.parse(lines[k - 1])
            // Edited and re-serialised canonically, hash left alone: bad hash at that line.
            var edited = lines
            edited[k - 1] = entry.setting("row", to: .string("someone else's row")).canonicalBytes
            for verdict in try verify(LogFixture.join(edited), in: dir) {
                #expect(verdict.failedLine == k)
                if case .badHash = verdict.failure?.problem {} else { Issue.record("line \(k): \(verdict)") }
            }
            // Edited by hand (a space after a comma): not canonical.
            var spaced = lines
            spaced[k - 1] = Array(String(decoding: lines[k - 1], as: UTF8.self).replacingOccurrences(of: ",\"kind\"", with: ", \"kind\"").utf8)
            for verdict in try verify(LogFixture.join(spaced), in: dir) {
                #expect(verdict.failure == LogFailure(file: "log/provenance.jsonl", line: k, problem: .notCanonical))
            }
            // Edited with the hash recomputed: the next line's prev no longer matches.
            let rehashed = entry.setting("row", to: .string("forged")).removing("hash")
            var forged = lines
            forged[k - 1] = rehashed.setting("hash", to: .string(ContentHash.of(rehashed))).canonicalBytes
            for verdict in try verify(LogFixture.join(forged), in: dir) {
                #expect(verdict.failedLine == k + 1)
                if case .brokenChain = verdict.failure?.problem {} else { Issue.record("line \(k + 1): \(verdict)") }
            }
        }
    }

    @Test func tornTailIsReportedAsSuch() throws {
        let dir = try TemporaryDirectory()
        let lines = try fixture(dir)
        let bytes = LogFixture.join(lines)
        for verdict in try verify(Array(bytes.dropLast(7)), in: dir) {
            #expect(verdict.failure == LogFailure(
                file: "log/provenance.jsonl", line: TamperTests.count, problem: .tornTail(bytes: lines.last!.count - 6)))
        }
        for verdict in try verify(Array(bytes.dropLast()), in: dir) {
            #expect(verdict.failure?.problem == .tornTail(bytes: lines.last!.count))
        }
    }

    @Test func envelopeProblemsAreNamed() throws {
        let dir = try TemporaryDirectory()
        let lines = try fixture(dir)
        let entry = try JSONValue.parse(lines[0])
        let cases: [(JSONValue, LogProblem)] = [
            (entry.setting("v", to: .int(2)), .wrongVersion(found: "2")),
            (entry.removing("actor"), .missingField("actor")),
            (entry.setting("ts", to: .string("yesterday")), .wrongField("ts", expected: "an RFC 3339 UTC time like 2025-06-01T09:30:00.125Z")),
            (entry.setting("prev", to: .string("ABC")), .wrongField("prev", expected: "64 lowercase hex digits")),
            (entry.setting("actor", to: .object([("user", .string("x"))])), .wrongField("actor", expected: "an object with uid (integer), user and host (strings)")),
        ]
        for (value, problem) in cases {
            var copy = lines
            copy[0] = value.canonicalBytes
            for verdict in try verify(LogFixture.join(copy), in: dir) {
                #expect(verdict.failure == LogFailure(file: "log/provenance.jsonl", line: 1, problem: problem))
            }
        }
        var notJSON = lines
        notJSON[1] = Array("{\"v\":1,".utf8)
        for verdict in try verify(LogFixture.join(notJSON), in: dir) {
            #expect(verdict.failure?.line == 2)
            if case .badJSON = verdict.failure?.problem {} else { Issue.record("\(verdict)") }
        }
        #expect(LogFailure(file: "log/provenance.jsonl", line: 4, problem: .wrongSeq(expected: 4, found: 5)).description
            == "log/provenance.jsonl:4: wrong seq: expected 4, found 5 (a line was deleted, duplicated or moved)")
    }
}
