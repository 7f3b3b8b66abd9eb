import Foundation
import ReviewQueue
import Testing
import TestSupport
import WinnowCore
@testable import Workspace

/// A queue plan built as needed (the review screen's way: a batch at a time, the first row as
/// soon as no unplaced row can come before it) serves exactly the rows a finished plan serves,
/// in exactly its order, and leaves exactly its queue behind.
@Suite(.serialized) struct QueuePlanBuildTests {
    /// Rows in every kind of place: critical slices (some overlap rows), sampled slices, no
    /// slice, a slice the config does not know, rows the gates flag (personal data, exact
    /// duplicates), and rows another reviewer decided before the plan was forgotten.
    func workspace(rows count: Int, seed: UInt64) throws -> (TemporaryDirectory, WorkspaceSession) {
        let tmp = try TemporaryDirectory(prefix: "winnow-plan-build")
        let paths = try WorkspaceCreator.create(at: tmp.file("ws"))
        let toml = WorkspaceConfig.template.replacingOccurrences(of: "review_rate = 0.05", with: "review_rate = 0.3")
        try toml.write(toFile: paths.config, atomically: true, encoding: .utf8)
        var random = SplitMix64(seed)
        let slices = ["general", "billing", "medical", "safety", "legal", nil, "not-configured"]
        var lines: [String] = []
        for i in 0..<count {
            var prompt = "question \(i) about item \(random.next() % 1000)"
            switch random.next() % 10 {
            case 0: prompt += " write to jane.doe.\(i)@gmail.com"  // personal data: a flag
            case 1: prompt = "the same question every time"  // exact duplicates: flags
            default: break
            }
            let slice = slices[Int(random.next() % UInt64(slices.count))]
            let meta = slice.map { #", "meta": {"slice": "\#($0)"}"# } ?? ""
            lines.append(#"{"id": "r\#(i)", "prompt": "\#(prompt)", "response": "answer \#(i)"\#(meta)}"#)
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: tmp.file("rows.jsonl"), atomically: true, encoding: .utf8)
        let session = try WorkspaceSession.open(paths)
        _ = try session.importFile(tmp.file("rows.jsonl"), options: ImportOptions(), progress: nil)
        _ = try session.runGates()
        // Another reviewer decides a few rows (overlap rows then still wait for a second).
        let other = try QueueService(session: session, reviewer: reviewer(9))
        for _ in 0..<Int(random.next() % 12) {
            guard let item = try other.next() else { break }
            _ = try other.decide(DecisionRequest(id: item.row.id, verdict: .accept))
        }
        return (tmp, session)
    }

    func reviewer(_ uid: Int) -> Reviewer { Reviewer(uid: uid, user: "r\(uid)", groups: []) }

    /// Every row `next` serves, in order; each stays claimed, so the next call serves another.
    func served(_ queue: QueueService) throws -> [String] {
        var ids: [String] = []
        while let item = try queue.next() { ids.append(item.row.id) }
        try queue.release()
        return ids
    }

    func forgetPlan(_ session: WorkspaceSession) throws {
        try session.index.resetQueuePlan(fingerprint: "forgotten by the test", flagPolicies: [:])
    }

    @Test(arguments: [(UInt64(1), 1), (2, 3), (3, 17), (4, 64), (5, 100_000)])
    func servesWhatAFinishedPlanServesInItsOrder(seed: UInt64, batch: Int) throws {
        let (tmp, session) = try workspace(rows: 160, seed: seed)
        defer { withExtendedLifetime(tmp) {} }
        try forgetPlan(session)
        let building = try QueueService(session: session, reviewer: reviewer(1), planning: .asNeeded)
        building.planningBatch = batch
        #expect(building.planningProgress?.placed == 0)
        let got = try served(building)
        #expect(building.planningProgress == nil, "serving every row needs every row placed")
        let builtQueue = try building.queuedRows(slice: nil, offset: 0, limit: 10_000).map(\.id)

        try forgetPlan(session)
        let whole = try QueueService(session: session, reviewer: reviewer(1))
        let expected = try served(whole)
        #expect(!expected.isEmpty)
        #expect(got == expected)
        #expect(try whole.queuedRows(slice: nil, offset: 0, limit: 10_000).map(\.id) == builtQueue)
        for slice in ["billing", "general"] {
            #expect(try building.openCount(slice: slice) == whole.openCount(slice: slice))
        }
    }

    @Test func theFirstRowComesBeforeTheWholePlan() throws {
        let (tmp, session) = try workspace(rows: 300, seed: 7)
        defer { withExtendedLifetime(tmp) {} }
        try forgetPlan(session)
        let queue = try QueueService(session: session, reviewer: reviewer(1), planning: .asNeeded)
        queue.planningBatch = 32
        let first = try #require(try queue.next())
        let progress = try #require(queue.planningProgress)
        #expect(progress.placed < progress.total, "the first row must not wait for every row")
        try queue.release()

        try forgetPlan(session)
        let whole = try QueueService(session: session, reviewer: reviewer(1))
        #expect(try whole.next()?.row.id == first.row.id)
        try whole.release()
    }

    /// A reviewer who quits while the plan is half built leaves a plan the next command
    /// finishes: nothing placed twice, nothing left out.
    @Test func aPlanLeftHalfBuiltIsFinishedByTheNextCommand() throws {
        let (tmp, session) = try workspace(rows: 200, seed: 11)
        defer { withExtendedLifetime(tmp) {} }
        try forgetPlan(session)
        let quitter = try QueueService(session: session, reviewer: reviewer(1), planning: .asNeeded)
        quitter.planningBatch = 25
        _ = try quitter.next()
        #expect(try quitter.continuePlanning())
        try quitter.release()
        #expect(quitter.planningProgress != nil)

        let next = try QueueService(session: session, reviewer: reviewer(1))
        let resumed = try served(next)
        try forgetPlan(session)
        let whole = try QueueService(session: session, reviewer: reviewer(1))
        #expect(try served(whole) == resumed)
        #expect(try whole.openCount(slice: nil) == next.openCount(slice: nil))
    }

    /// A row decided while the plan is being built (claimed by id, as a search hit is) is
    /// placed as it is when its batch goes in: closed, never served again.
    @Test func aRowDecidedBeforeItsBatchIsPlacedAsItIsThen() throws {
        let (tmp, session) = try workspace(rows: 120, seed: 13)
        defer { withExtendedLifetime(tmp) {} }
        let whole = try served(try QueueService(session: session, reviewer: reviewer(2)))
        try forgetPlan(session)
        let queue = try QueueService(session: session, reviewer: reviewer(1), planning: .asNeeded)
        queue.planningBatch = 10
        let last = try #require(whole.last)
        _ = try #require(try queue.claim(id: last))
        _ = try queue.decide(DecisionRequest(id: last, verdict: .accept))
        let got = try served(queue)
        #expect(!got.contains(last))
        #expect(got == whole.filter { $0 != last })
    }
}
