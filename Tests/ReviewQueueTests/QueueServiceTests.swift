import Foundation
import ProvenanceLog
import ReviewQueue
import Testing
import TestSupport
import WinnowCore
@testable import Workspace

/// The queue over a small workspace: order, sampling, leases, decisions, permissions, batches.
@Suite(.serialized) struct QueueServiceTests {
    /// 40 general rows, 6 billing, 4 medical; medical may require a group nobody has.
    func workspace(medicalGroup: String? = nil, generalRate: Double = 0.25) throws -> (TemporaryDirectory, WorkspaceSession) {
        let tmp = try TemporaryDirectory(prefix: "winnow-queue")
        let paths = try WorkspaceCreator.create(at: tmp.file("ws"))
        var toml = WorkspaceConfig.template.replacingOccurrences(of: "review_rate = 0.05", with: "review_rate = \(generalRate)")
        if let medicalGroup { toml = toml.replacingOccurrences(of: "# group = \"winnow-medical\"", with: "group = \"\(medicalGroup)\"") }
        try toml.write(toFile: paths.config, atomically: true, encoding: .utf8)
        var lines: [String] = []
        for i in 0..<40 { lines.append(#"{"id": "g\#(i)", "prompt": "general question \#(i)", "response": "answer \#(i)", "meta": {"slice": "general"}}"#) }
        for i in 0..<6 { lines.append(#"{"id": "b\#(i)", "prompt": "refund \#(i)?", "response": "30 days \#(i)", "meta": {"slice": "billing"}}"#) }
        for i in 0..<4 { lines.append(#"{"id": "m\#(i)", "prompt": "dose \#(i)?", "response": "ask a doctor \#(i)", "meta": {"slice": "medical"}}"#) }
        try (lines.joined(separator: "\n") + "\n").write(toFile: tmp.file("rows.jsonl"), atomically: true, encoding: .utf8)
        let session = try WorkspaceSession.open(paths)
        _ = try session.importFile(tmp.file("rows.jsonl"), options: ImportOptions(), progress: nil)
        return (tmp, session)
    }

    func reviewer(_ uid: Int, groups: Set<String> = []) -> Reviewer { Reviewer(uid: uid, user: "r\(uid)", groups: groups) }

    @Test func criticalSlicesComeFirstByPriorityThenSampledGeneralRows() throws {
        let (tmp, session) = try workspace()
        defer { withExtendedLifetime(tmp) {} }
        let queue = try QueueService(session: session, reviewer: reviewer(1))
        var order: [String] = []
        while let item = try queue.next() {
            order.append(item.row.id)
            _ = try queue.decide(DecisionRequest(id: item.row.id, verdict: .accept))
        }
        let slices = order.map { String($0.prefix(1)) }
        #expect(Array(slices.prefix(10)) == Array(repeating: "m", count: 4) + Array(repeating: "b", count: 6),
                "medical (priority 3) before billing (4): \(order)")
        #expect(slices.dropFirst(10).allSatisfy { $0 == "g" })
        let generalServed = order.count - 10
        #expect(generalServed > 0 && generalServed < 40, "general is sampled at 25 %: \(generalServed) of 40")
        // Not file order: the critical rows come in hash order.
        #expect(Array(order.prefix(4)) != ["m0", "m1", "m2", "m3"] || Array(order[4..<10]) != ["b0", "b1", "b2", "b3", "b4", "b5"])
    }

    @Test func theSampleIsStableAcrossReindexAndSessions() throws {
        let (tmp, session) = try workspace()
        defer { withExtendedLifetime(tmp) {} }
        func sampled() throws -> [String] {
            try session.index.read { db in
                try String.fetchAll(db, sql: "SELECT rows.id FROM queue JOIN rows ON rows.n = queue.n WHERE sampled = 1 ORDER BY rows.id")
            }
        }
        _ = try QueueService(session: session, reviewer: reviewer(1))
        let first = try sampled()
        try session.reindex()
        _ = try QueueService(session: try WorkspaceSession.open(session.paths), reviewer: reviewer(2))
        #expect(try sampled() == first)
    }

    @Test func twoReviewersNeverHoldTheSameRowUntilTheLeaseExpires() throws {
        let (tmp, session) = try workspace()
        defer { withExtendedLifetime(tmp) {} }
        let a = try QueueService(session: session, reviewer: reviewer(1))
        let b = try QueueService(session: session, reviewer: reviewer(2))
        var clock = Date(timeIntervalSince1970: 1_000_000)
        a.now = { clock }
        b.now = { clock }
        let first = try #require(try a.next())
        let second = try #require(try b.next())
        #expect(first.row.id != second.row.id)
        clock += TimeInterval(session.config.review.leaseMinutes * 60 + 1)
        // A's lease ran out; the row goes back to the queue and B gets it first.
        let again = try #require(try b.next())
        #expect(again.row.id == first.row.id || again.row.id == second.row.id)
        try a.release()
        try b.release()
    }

    @Test func decisionsResolveStateAndRevertsUndoThem() throws {
        let (tmp, session) = try workspace()
        defer { withExtendedLifetime(tmp) {} }
        let queue = try QueueService(session: session, reviewer: reviewer(1))
        #expect(throws: QueueError.self) { try queue.decide(DecisionRequest(id: "b1", verdict: .reject)) }
        do {
            _ = try queue.decide(DecisionRequest(id: "b1", verdict: .reject, reason: "invented-polcy"))
            Issue.record("an unknown reason must be refused")
        } catch let error as QueueError {
            #expect(error.message.contains("did you mean 'invented-policy'"))
        }
        let entry = try queue.decide(DecisionRequest(id: "b1", verdict: .reject, reason: "invented-policy", note: "90 days is not our policy"))
        #expect(try session.index.row(id: "b1")?.state == .rejected)
        try session.record([RevertPayload(reverts: entry.seq)])
        #expect(try session.index.row(id: "b1")?.state == .pending)
        #expect(throws: QueueError.self) { try queue.decide(DecisionRequest(id: "nope", verdict: .accept)) }
    }

    @Test func aSliceThatNeedsAGroupIsNeverServedToOutsiders() throws {
        let (tmp, session) = try workspace(medicalGroup: "winnow-test-nobody-has-this")
        defer { withExtendedLifetime(tmp) {} }
        let outsider = try QueueService(session: session, reviewer: reviewer(1))
        var served: [String] = []
        while let item = try outsider.next() {
            served.append(item.row.id)
            _ = try outsider.decide(DecisionRequest(id: item.row.id, verdict: .accept))
        }
        #expect(!served.contains { $0.hasPrefix("m") })
        #expect(throws: QueueError.self) { try outsider.decide(DecisionRequest(id: "m0", verdict: .accept)) }
        let member = try QueueService(session: session, reviewer: reviewer(2, groups: ["winnow-test-nobody-has-this"]))
        #expect(try member.next()?.row.id.hasPrefix("m") == true)
    }

    @Test func aVerdictFileIsAllOrNothingWithLineNumbers() throws {
        let (tmp, session) = try workspace()
        let queue = try QueueService(session: session, reviewer: reviewer(1))
        let bad = tmp.file("bad.jsonl")
        try #"{"id": "g1", "verdict": "accept"}\#n{"id": "g2", "verdict": "maybe"}\#n{"verdict": "accept"}\#n"#
            .write(toFile: bad, atomically: true, encoding: .utf8)
        do {
            _ = try QueueService.readVerdicts(bad)
            Issue.record("a bad verdict file must be refused")
        } catch let error as QueueError {
            #expect(error.message.contains("bad.jsonl:2: \"verdict\" must be"))
            #expect(error.message.contains("bad.jsonl:3: missing \"id\""))
        }
        let good = tmp.file("good.jsonl")
        try #"{"id": "g1", "verdict": "accept"}\#n{"id": "b2", "verdict": "reject", "reason": "pii", "note": "card number"}\#n"#
            .write(toFile: good, atomically: true, encoding: .utf8)
        let (requests, sha) = try QueueService.readVerdicts(good)
        let entries = try queue.decide(requests, extra: .object([("batch_sha256", .string(sha))]))
        #expect(entries.count == 2 && entries[1].seq == entries[0].seq + 1)
        #expect(try session.index.row(id: "b2")?.state == .rejected)
        #expect(entries.allSatisfy { $0["batch_sha256"]?.stringValue == sha })
    }

    /// A verdict file with a byte order mark reads like one without (import, specs and eval
    /// files take one too); broken JSON is named by line and byte in words, not by a Swift
    /// type's dump; an empty file is refused rather than "recorded" as nothing.
    @Test func aVerdictFileWithABOMReadsAndBadOrEmptyOnesSayWhy() throws {
        let (tmp, _) = try workspace()
        let bom = tmp.file("bom.jsonl")
        try Data(ByteOrderMark.utf8 + Array(#"{"id": "g1", "verdict": "accept"}\#n"#.utf8)).write(to: URL(fileURLWithPath: bom))
        #expect(try QueueService.readVerdicts(bom).requests.map(\.id) == ["g1"])
        let broken = tmp.file("broken.jsonl")
        try #"{"id": "g1", "verdict": "accept"}\#n{"id": "g2",\#n"#.write(toFile: broken, atomically: true, encoding: .utf8)
        do {
            _ = try QueueService.readVerdicts(broken)
            Issue.record("broken JSON must be refused")
        } catch let error as QueueError {
            #expect(error.message.contains("broken.jsonl:2: not valid JSON (byte ") && !error.message.contains("JSONSyntaxError"), "\(error.message)")
        }
        let empty = tmp.file("empty.jsonl")
        try "\n".write(toFile: empty, atomically: true, encoding: .utf8)
        #expect(throws: QueueError.self) { try QueueService.readVerdicts(empty) }
    }

    @Test func summaryCountsStatesAndBudgets() throws {
        let (tmp, session) = try workspace()
        defer { withExtendedLifetime(tmp) {} }
        let queue = try QueueService(session: session, reviewer: reviewer(1))
        _ = try queue.decide(DecisionRequest(id: "m0", verdict: .accept))
        _ = try queue.decide(DecisionRequest(id: "m1", verdict: .reject, reason: "factual-error"))
        let summary = try queue.summary()
        let medical = try #require(summary.slices.first { $0.slice == "medical" })
        #expect(medical.total == 4 && medical.accepted == 1 && medical.rejected == 1 && medical.pending == 2)
        #expect(medical.budget == 4 && medical.reviewed == 2 && medical.critical)
        let general = try #require(summary.slices.first { $0.slice == "general" })
        #expect(general.budget > 0 && general.budget < 40)
    }
}

@Suite(.serialized) struct EditDecisionTests {
    @Test func anEditMustStillBeARowOfItsShape() throws {
        let tmp = try TemporaryDirectory(prefix: "winnow-edit")
        let paths = try WorkspaceCreator.create(at: tmp.file("ws"))
        try #"{"id": "p1", "prompt": "Refund?", "response": "Within 90 days, no questions asked.", "meta": {"slice": "billing"}}"#
            .appending("\n").write(toFile: tmp.file("rows.jsonl"), atomically: true, encoding: .utf8)
        let session = try WorkspaceSession.open(paths)
        _ = try session.importFile(tmp.file("rows.jsonl"), options: ImportOptions(), progress: nil)
        let queue = try QueueService(session: session, reviewer: Reviewer(uid: 1, user: "r1", groups: []))
        let broken = try JSONValue.parse(#"{"id": "p1", "prompt": "Refund?", "response": ""}"#)
        do {
            _ = try queue.decide(DecisionRequest(id: "p1", verdict: .edit, newRow: broken))
            Issue.record("an edit with an empty response must be refused")
        } catch let error as QueueError {
            #expect(error.message.contains("not a readable prompt-response row: 'response' is empty"), "\(error.message)")
        }
        #expect(try session.index.row(id: "p1")?.state == .pending, "nothing recorded")
        let fixed = try JSONValue.parse(#"{"id": "p1", "prompt": "Refund?", "response": "Refunds are prorated within 30 days."}"#)
        let entry = try queue.decide(DecisionRequest(id: "p1", verdict: .edit, newRow: fixed))
        #expect(entry["new_hash"]?.stringValue == ContentHash.of(fixed))
        #expect(try session.index.row(id: "p1")?.state == .edited)
    }
}

/// A lease that ran out while a reviewer looked: the row went to someone else, whose claim wins.
@Suite(.serialized) struct ExpiredLeaseTests {
    @Test func aDecisionOnARowAnotherReviewerNowHoldsIsRefused() throws {
        let tmp = try TemporaryDirectory(prefix: "winnow-lease")
        let paths = try WorkspaceCreator.create(at: tmp.file("ws"))
        let rows = (0..<3).map { #"{"id": "s\#($0)", "prompt": "q\#($0)?", "response": "a", "meta": {"slice": "safety"}}"# }
        try (rows.joined(separator: "\n") + "\n").write(toFile: tmp.file("rows.jsonl"), atomically: true, encoding: .utf8)
        let session = try WorkspaceSession.open(paths)
        _ = try session.importFile(tmp.file("rows.jsonl"), options: ImportOptions(), progress: nil)
        var clock = Date(timeIntervalSince1970: 1_800_000_000)
        let ana = try QueueService(session: session, reviewer: Reviewer(uid: Int(getuid()), user: "ana", groups: []))
        let ben = try QueueService(session: session, reviewer: Reviewer(uid: 5002, user: "ben", groups: []))
        ana.now = { clock }
        ben.now = { clock }
        let row = try #require(try ana.next()).row.id
        clock = clock.addingTimeInterval(ana.lease + 1)  // ana's lease runs out
        var served: [String] = []
        while let item = try ben.next() { served.append(item.row.id) }
        #expect(served.contains(row), "the expired row goes back to the queue")
        #expect(throws: QueueError.self) { try ana.decide(DecisionRequest(id: row, verdict: .accept)) }
        #expect(try session.index.row(id: row)?.state == .pending)
        clock = clock.addingTimeInterval(ben.lease + 1)  // and once ben's lease ends too, ana may decide
        _ = try ana.decide(DecisionRequest(id: row, verdict: .accept))
        #expect(try session.index.row(id: row)?.state == .accepted)
    }
}
