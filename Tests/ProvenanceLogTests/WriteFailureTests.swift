import Foundation
@testable import ProvenanceLog
import TestSupport
import Testing
import WinnowCore

/// Failing writes and syncs, simulated through the log's replaceable system calls.
@Suite struct WriteFailureTests {
    /// A switchable fault: when set, the next call fails with the errno.
    final class Fault: @unchecked Sendable {
        private let lock = NSLock()
        private var code: Int32 = 0
        var errno: Int32 {
            get { lock.lock(); defer { lock.unlock() }; return code }
            set { lock.lock(); code = newValue; lock.unlock() }
        }
    }

    @Test func failedSyncStopsAllLaterWrites() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("provenance.jsonl")
        let fault = Fault()
        let io = LogIO(write: LogIO.system.write, sync: { fd in
            fault.errno != 0 ? -fault.errno : LogIO.system.sync(fd)
        })
        let log = try LogFile.open(at: path, displayPath: "log/provenance.jsonl", tool: "t", io: io)
        try log.append(LogFixture.filler)
        fault.errno = EIO
        let expected = LogError.writesStopped(
            file: "log/provenance.jsonl", detail: "fdatasync: Input/output error", sinceSeq: 2)
        #expect(throws: expected) { try log.append(DecisionPayload(row: "r", action: .accept)) }
        #expect(expected.message == "writes stopped after an I/O error on log/provenance.jsonl: fdatasync: Input/output error (entries since seq 2 may not be on disk)")
        // The device recovers; this process still writes nothing more, through any LogFile.
        fault.errno = 0
        #expect(throws: expected) { try log.append(DecisionPayload(row: "r", action: .accept)) }
        let again = try LogFile.open(at: dir.path + "/./provenance.jsonl", displayPath: "log/provenance.jsonl")
        #expect(throws: expected) { try again.append([LogFixture.filler, LogFixture.filler]) }
    }

    @Test func failedWriteIsTruncatedBackAndLaterAppendsWork() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("provenance.jsonl")
        let fault = Fault(), failNext = Fault()
        // Writes half, then fails: what a full disk does to a large write.
        let io = LogIO(
            write: { fd, bytes in
                if failNext.errno != 0 {
                    defer { failNext.errno = 0 }
                    return -Int(failNext.errno)
                }
                guard fault.errno != 0 else { return LogIO.system.write(fd, bytes) }
                failNext.errno = fault.errno
                fault.errno = 0
                return LogIO.system.write(fd, UnsafeRawBufferPointer(rebasing: bytes[0..<(bytes.count / 2)]))
            },
            sync: LogIO.system.sync)
        let log = try LogFile.open(at: path, displayPath: nil, tool: "t", io: io)
        try log.append((0..<3).map { _ in LogFixture.filler })
        let before = FileManager.default.bytes(at: path)
        fault.errno = ENOSPC
        #expect(throws: LogError.io(file: path, operation: "append", errno: ENOSPC)) {
            try log.append((0..<5).map { _ in DecisionPayload(row: "r", action: .accept, note: String(repeating: "x", count: 500)) })
        }
        #expect(FileManager.default.bytes(at: path) == before)
        #expect(fault.errno == 0 && failNext.errno == 0)
        // Not an I/O error: the next append goes through and continues the chain.
        #expect(try log.append(LogFixture.filler).seq == 4)
        #expect(try LogVerifier.verify(path: path).isOK)
    }

    @Test func failedWriteWithEIOAlsoStopsWrites() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("provenance.jsonl")
        let io = LogIO(write: { _, _ in -Int(EIO) }, sync: LogIO.system.sync)
        let log = try LogFile.open(at: path, displayPath: nil, tool: "t", io: io)
        #expect(throws: LogError.writesStopped(file: path, detail: "write: Input/output error", sinceSeq: 1)) {
            try log.append(LogFixture.filler)
        }
        #expect(FileManager.default.bytes(at: path).isEmpty)
    }

    @Test func logReplacedWhileOpenIsRefused() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("provenance.jsonl")
        let log = try LogFile.open(at: path)
        try log.append(LogFixture.filler)
        try FileManager.default.moveItem(atPath: path, toPath: path + ".old")
        try LogFixture.write(count: 2, to: path)
        #expect(throws: LogError.replaced(file: path)) { try log.append(LogFixture.filler) }
    }

    @Test func twoInstancesInOneProcessShareTheChain() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("provenance.jsonl")
        let first = try LogFile.open(at: path)
        let second = try LogFile.open(at: path)
        let entries = [try first.append(LogFixture.filler), try second.append(LogFixture.filler),
                       try first.append(LogFixture.filler)]
        #expect(entries.map(\.seq) == [1, 2, 3])
        #expect(entries[1].prev == entries[0].hash && entries[2].prev == entries[1].hash)
        // Threads of one process appending through one instance.
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            for _ in 0..<25 { _ = try? first.append(LogFixture.filler) }
        }
        #expect(try LogVerifier.verify(path: path) == .ok(count: 103, headSeq: 103, headHash: try second.head().hash))
    }
}
