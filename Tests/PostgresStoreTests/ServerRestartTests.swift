import Foundation
import PostgresStore
import ProvenanceLog
import Synchronization
import Testing
import TestSupport
import WinnowCore

/// Issue 13's fault: the server is stopped the hard way (`pg_ctl restart -m immediate`, as a
/// power cut would) in the middle of 1,000 decisions. Every decision the client was told was
/// saved is in the log, at the seq it was given; every other one was refused with a message
/// that names the store and says what is known; the chain verifies; and the same connection
/// object goes on once the server is back (it connects again before its next statement).
@Suite(.serialized) struct ServerRestartTests {
    @Test func aRestartMidwayLosesNoAcknowledgedDecision() throws {
        let cluster = try PostgresCluster()
        try cluster.prepare(database: "labels", reviewers: ["ana"])
        try cluster.log().install()
        let log = try cluster.log(as: "ana")

        let shared = Shared()
        let restarted = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            while shared.acknowledged.withLock({ $0 }) < 300 { usleep(2000) }
            do { try cluster.restartImmediately() } catch { shared.restartError.withLock { $0 = "\(error)" } }
            shared.restarted.withLock { $0 = true }
            restarted.signal()
        }
        var acknowledged: [String: Int] = [:]
        var refused: [String: StoreError] = [:]
        // At least 1,000, and on until the restart is over (one append is one statement: a
        // fast loop could be done before pg_ctl has begun).
        var i = 0
        while i < 1000 || !shared.restarted.withLock({ $0 }) {
            let row = "r\(i)"
            i += 1
            do {
                let entries = try log.append([DecisionPayload(row: row, action: .accept)], tool: "winnow test")
                acknowledged[row] = entries[0].seq
                shared.acknowledged.withLock { $0 = acknowledged.count }
            } catch let error as StoreError {
                refused[row] = error
                usleep(20_000)  // a reviewer's next keystroke, not a busy loop while the server is down
            }
        }
        restarted.wait()
        let failure = shared.restartError.withLock { $0 }
        #expect(failure == nil, "\(failure ?? "")")
        #expect(!refused.isEmpty, "the restart was never noticed")
        #expect(acknowledged.count + refused.count == i && acknowledged.count > 300)
        for (row, error) in refused {
            #expect(error.message.contains(cluster.url(database: "labels", role: "ana")), "\(row): \(error.message)")
            switch error {
            case .lost, .unreachable, .refused: break
            default: Issue.record("\(row): \(error.message)")
            }
        }

        var stored: [String: Int] = [:]
        var text = ""
        try log.forEachEntry(after: .empty) { entry, line in
            stored[try entry.payload(DecisionPayload.self).row] = entry.seq
            text += line + "\n"
        }
        for (row, seq) in acknowledged { #expect(stored[row] == seq, "acknowledged \(row) (#\(seq)) is not in the log") }
        // Only a decision whose connection broke mid-way may have landed without an answer.
        for row in stored.keys where acknowledged[row] == nil {
            guard case .lost = refused[row] else { Issue.record("\(row) is in the log but was refused as \(String(describing: refused[row]))"); continue }
        }
        let file = cluster.folder.file("after-restart.jsonl")
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        guard case let .ok(count, _, _) = try LogVerifier.verify(path: file) else { Issue.record("the chain does not verify"); return }
        #expect(count == stored.count)
    }
}

/// What the restarting thread and the deciding loop share.
private final class Shared: Sendable {
    let acknowledged = Mutex(0)
    let restartError = Mutex<String?>(nil)
    let restarted = Mutex(false)
}
