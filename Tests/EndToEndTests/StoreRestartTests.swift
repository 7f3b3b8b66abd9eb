import Foundation
import ProvenanceLog
import Synchronization
import Testing
import TestSupport

/// Issue 13's fault through the built binary: reviewers' `winnow decide` processes, 1,000
/// decisions from four at a time, and the server stopped the hard way (`pg_ctl restart -m
/// immediate`) when a third of them are in. A decision `winnow decide` acknowledged (exit 0, or
/// a message that says it was recorded) is in the store's log; one it refused is not, and its
/// message names the store and says what happened (no crash, no stack trace); one whose
/// connection broke mid-way says it may or may not be in. The chain verifies on the box after.
/// (PostgresStoreTests.ServerRestartTests does the same under the client library.)
@Suite(.serialized) struct StoreRestartTests {
    enum Outcome: Equatable { case acknowledged, refused, unknown }

    static func outcome(of run: WinnowRun) -> Outcome {
        if run.status == 0 || run.stderr.contains("saved in the store") || run.stderr.contains("recorded in the log as") {
            return .acknowledged
        }
        return run.stderr.contains("may or may not have been done") ? .unknown : .refused
    }

    @Test func aRestartAmidDecideProcessesLosesNoAcknowledgedDecision() throws {
        let cluster = try PostgresCluster()
        try cluster.prepare(database: "labels", owner: "lead", reviewers: ["ana"])
        let tmp = try TemporaryFolder()
        let lead = tmp.path + "/lead", box = tmp.path + "/ana"
        func url(_ role: String) -> String { cluster.url(database: "labels", role: role) }
        @Sendable func winnow(_ arguments: [String]) throws -> WinnowRun { try WinnowProcess.run(arguments) }
        for step in [["store", "init", url("lead")], ["init", lead, "--store", url("lead")]] {
            let result = try winnow(step)
            try #require(result.status == 0, "\(step): \(result.output)")
        }
        try cluster.grantReviewers(["ana"], database: "labels", as: "lead")
        let count = 1000
        let ids = (0..<count).map { String(format: "r%04d", $0) }
        let rows = ids.map { #"{"id": "\#($0)", "prompt": "Question \#($0)?", "response": "Answer \#($0)."}"# }
        let file = try tmp.file("rows.jsonl", rows.joined(separator: "\n") + "\n")
        for step in [["import", "--no-gates", file, "--workspace", lead], ["init", box, "--store", url("ana")]] {
            let result = try winnow(step)
            try #require(result.status == 0, "\(step): \(result.output)")
        }

        let shared = Shared()
        let restarted = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            while shared.outcomes.withLock({ $0.values.filter { $0.0 == .acknowledged }.count }) < count / 3 { usleep(5000) }
            do { try cluster.restartImmediately() } catch { shared.restartError.withLock { $0 = "\(error)" } }
            restarted.signal()
        }
        let scratch = tmp.path
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            for id in stride(from: worker, to: count, by: 4).map({ ids[$0] }) {
                // posix_spawn, not Foundation's Process: four threads starting processes at once
                // once left a finished `winnow` unreaped and the test waiting for ever.
                let result = WinnowProcess.spawn(["decide", id, "--accept", "--force", "--workspace", box], scratch: scratch)
                let outcome = Self.outcome(of: result)
                shared.outcomes.withLock { $0[id] = (outcome, result.stderr) }
                if outcome != .acknowledged { usleep(20_000) }  // a reviewer's next keystroke, not a busy loop
            }
        }
        restarted.wait()
        #expect(shared.restartError.withLock { $0 } == nil, "\(shared.restartError.withLock { $0 } ?? "")")
        let seen = shared.outcomes.withLock { $0 }
        let refused = seen.filter { $0.value.0 == .refused }
        let unknown = seen.filter { $0.value.0 == .unknown }
        print("store restart: \(seen.count - refused.count - unknown.count) acknowledged, \(refused.count) refused,"
              + " \(unknown.count) unknown; a refusal: \(refused.first?.value.1 ?? "-")")
        #expect(!refused.isEmpty, "the restart was never noticed")
        #expect(seen.count == count && seen.values.filter { $0.0 == .acknowledged }.count > count / 3)
        for (id, (_, stderr)) in seen where !stderr.isEmpty {
            #expect(!stderr.contains("Fatal error") && !stderr.contains("Backtrace") && !stderr.contains("Stack dump"), "\(id): \(stderr)")
        }
        for (id, (_, stderr)) in refused {
            #expect(stderr.contains("postgresql:///labels"), "\(id): the message does not name the store: \(stderr)")
        }

        // What the store's log holds, as the box sees it once the server is back.
        let verify = try winnow(["log", "verify", "--workspace", box])
        #expect(verify.status == 0 && verify.stdout.contains("holds the same entries"), "\(verify.output)")
        let export = tmp.path + "/export.jsonl"
        let exported = try winnow(["log", "export", "--out", export, "--workspace", box])
        try #require(exported.status == 0, "\(exported.output)")
        guard case .ok = try LogVerifier.verify(path: export) else { Issue.record("the exported chain does not verify"); return }
        var decided: [String: Int] = [:]
        try LogReader(path: export).forEach { entry in
            guard entry.kind == "decision" else { return }
            decided[try entry.payload(DecisionPayload.self).row, default: 0] += 1
        }
        for (id, (outcome, stderr)) in seen {
            switch outcome {
            case .acknowledged: #expect(decided[id] == 1, "acknowledged \(id) is not in the log once: \(decided[id] ?? 0)")
            case .refused: #expect(decided[id] == nil, "refused \(id) is in the log: \(stderr)")
            case .unknown: #expect((decided[id] ?? 0) <= 1)
            }
        }
        // The box goes on: its queue and stats read the same log.
        let queue = try winnow(["queue", "--json", "--workspace", box])
        #expect(queue.status == 0, "\(queue.output)")
    }
}

/// What the restarting thread and the deciding workers share.
private final class Shared: Sendable {
    let outcomes = Mutex([String: (StoreRestartTests.Outcome, String)]())
    let restartError = Mutex<String?>(nil)
}
