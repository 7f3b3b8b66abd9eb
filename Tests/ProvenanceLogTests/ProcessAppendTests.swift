import Foundation
@testable import ProvenanceLog
import TestSupport
import Testing
import WinnowCore

/// Appends from real processes: the lock is per process, a kill is a real kill, and the actor
/// comes from the process's own uid whatever its environment says.
@Suite(.serialized) struct ProcessAppendTests {
    /// "seq hash" lines a writer printed after each acknowledged append.
    static func acks(_ output: String) -> [(seq: Int, hash: String)] {
        output.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ")
            guard parts.count == 2, let seq = Int(parts[0]), parts[1].count == 64 else { return nil }
            return (seq, String(parts[1]))
        }
    }

    static func entries(_ path: String) throws -> [LogEntry] {
        var all: [LogEntry] = []
        try LogReader(path: path).forEach { all.append($0) }
        return all
    }

    @Test func eightProcessesAppendingAtOnceMakeOneChain() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("log/provenance.jsonl")
        let writers = 8, each = 2000
        let children = try (0..<writers).map { n in
            try ChildProcess(LogFixture.bench, ["log-append", "--log", path, "--count", String(each), "--label", "w\(n)", "--ack"])
        }
        let results = children.map { $0.wait() }
        for result in results {
            #expect(result.status == 0 && !result.signalled, "\(result.stderr)")
            #expect(ProcessAppendTests.acks(result.stdout).count == each)
        }
        let verdict = try LogVerifier.verify(path: path)
        #expect(verdict.isOK, "\(verdict)")
        let all = try ProcessAppendTests.entries(path)
        #expect(all.map(\.seq) == Array(1...(writers * each)))
        // Each writer's rows appear once each, in the order it wrote them.
        for n in 0..<writers {
            let rows = all.compactMap { $0["row"]?.stringValue }.filter { $0.hasPrefix("w\(n)-") }
            #expect(rows == (0..<each).map { "w\(n)-\($0)" })
        }
        let bySeq = Dictionary(uniqueKeysWithValues: all.map { ($0.seq, $0.hash) })
        for result in results {
            for ack in ProcessAppendTests.acks(result.stdout) { #expect(bySeq[ack.seq] == ack.hash) }
        }
    }

    @Test func writerKilledAtRandomMomentsNeverLosesAnAcknowledgedEntry() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("log/provenance.jsonl")
        var rng = SplitMix64(20_251_121)
        var acknowledged: [Int: String] = [:]
        var repairs = 0
        let rounds = 200
        for round in 1...rounds {
            // Batches up to 400 entries (~180 KB), so a kill can land inside a multi-page write.
            let batch = [1, 1, 4, 16, 64, 400].randomElement(using: &rng)!
            let child = try ChildProcess(
                LogFixture.bench,
                ["log-append", "--log", path, "--count", "400", "--batch", String(batch), "--label", "k\(round)", "--ack"])
            usleep(UInt32.random(in: 0...30_000, using: &rng))
            child.kill(SIGKILL)
            let result = child.wait()
            for ack in ProcessAppendTests.acks(result.stdout) {
                #expect(acknowledged[ack.seq] == nil, "seq \(ack.seq) acknowledged twice")
                acknowledged[ack.seq] = ack.hash
            }
            // The log opens (repairing a torn tail), and its head is at or past every ack.
            let log = try LogFile.open(at: path)
            repairs += log.repairs.count
            #expect(try log.head().seq >= (acknowledged.keys.max() ?? 0))
            if round % 25 == 0 {
                let verdict = try LogVerifier.verify(path: path)
                #expect(verdict.isOK, "round \(round): \(verdict)")
            }
        }
        let bySeq = Dictionary(uniqueKeysWithValues: try ProcessAppendTests.entries(path).map { ($0.seq, $0.hash) })
        for (seq, hash) in acknowledged { #expect(bySeq[seq] == hash, "acknowledged seq \(seq) changed or lost") }
        #expect(!acknowledged.isEmpty)
        print("kill test: \(rounds) kills, \(acknowledged.count) acknowledged entries, \(bySeq.count) in the log, \(repairs) torn tails repaired")
    }

    @Test func actorComesFromTheOperatingSystemNotTheEnvironment() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("provenance.jsonl")
        let result = try ChildProcess.run(
            LogFixture.bench, ["log-append", "--log", path, "--count", "1"],
            environment: ["USER": "evil", "LOGNAME": "evil", "HOSTNAME": "evil-host"])
        #expect(result.status == 0, "\(result.stderr)")
        let entry = try #require(try ProcessAppendTests.entries(path).first)
        #expect(entry.actor.uid == Int(getuid()))
        #expect(entry.actor.user == LogActor.userName(uid: getuid()))
        #expect(entry.actor.user != "evil")
        #expect(entry.actor.host == LogActor.hostName())
        #expect(LogActor.current == LogActor(uid: Int(getuid()), user: entry.actor.user, host: entry.actor.host))
        #expect(LogActor.userName(uid: 4_000_000_123) == "uid-4000000123")
    }

    @Test func appendLatencyIsReported() throws {
        let dir = try TemporaryDirectory()
        let result = try ChildProcess.run(
            LogFixture.bench, ["log-append", "--log", dir.file("provenance.jsonl"), "--count", "50", "--stats"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("p50"), "\(result.stdout)")
        #expect(result.stdout.contains("p99"))
    }
}
