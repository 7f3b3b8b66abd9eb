import Foundation
@testable import ProvenanceLog
import TestSupport
import Testing
import WinnowCore

/// The log as commands that only read open it (`LogFile.openReadOnly`): nothing created, nothing
/// repaired, nothing appended, and a bad complete line still fails closed.
@Suite struct ReadOnlyLogTests {
    @Test func aTornTailIsKeptAndReportedAtEveryByte() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("provenance.jsonl")
        let lines = try LogFixture.write(count: 5, to: path)
        let bytes = FileManager.default.bytes(at: path)
        let lastStart = bytes.count - lines[4].count - 1
        for offset in lastStart..<bytes.count {
            try writeBytes(Array(bytes[0..<offset]), to: path)
            let log = try LogFile.openReadOnly(at: path, displayPath: "log/provenance.jsonl")
            #expect(try log.head().seq == 4, "offset \(offset)")
            #expect(FileManager.default.bytes(at: path) == Array(bytes[0..<offset]), "not truncated at \(offset)")
            #expect(!FileManager.default.fileExists(atPath: path + ".broken"))
            let torn = offset - lastStart
            #expect(log.tornTailKept == (torn == 0 ? nil : LogTornTail(file: "log/provenance.jsonl", bytes: torn)), "offset \(offset)")
            #expect(log.repairs.isEmpty)
        }
    }

    @Test func nothingIsCreatedAndAppendsAreRefused() throws {
        let dir = try TemporaryDirectory()
        let missing = dir.file("log/provenance.jsonl")
        #expect(throws: LogError.self) { try LogFile.openReadOnly(at: missing) }
        #expect(!FileManager.default.fileExists(atPath: dir.file("log")), "no folder made")
        let path = dir.file("provenance.jsonl")
        _ = try LogFixture.write(count: 2, to: path)
        let log = try LogFile.openReadOnly(at: path, displayPath: "log/provenance.jsonl")
        #expect(!FileManager.default.fileExists(atPath: path + ".lock"), "no lock file made")
        #expect(throws: LogError.readOnly(file: "log/provenance.jsonl")) { try log.append(RetractPayload(generator: "g", reason: "r")) }
        #expect(try log.head().seq == 2)
    }

    @Test func aChangedCompleteLastLineFailsClosed() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("provenance.jsonl")
        _ = try LogFixture.write(count: 3, to: path)
        var bytes = FileManager.default.bytes(at: path)
        bytes[bytes.count - 10] ^= 0x01
        try writeBytes(bytes, to: path)
        #expect(throws: LogError.self) { try LogFile.openReadOnly(at: path) }
        #expect(FileManager.default.bytes(at: path) == bytes)
    }
}
