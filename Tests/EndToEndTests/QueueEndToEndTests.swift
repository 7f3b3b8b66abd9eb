import Foundation
import Testing

/// `winnow next` from two processes at once never hands out the same row, and `winnow decide`
/// and `winnow queue` work from the command line.
@Suite(.serialized) struct QueueEndToEndTests {
    @Test func concurrentNextProcessesNeverGetTheSameRow() throws {
        let tmp = try TemporaryFolder()
        let ws = try tmp.workspace()
        let rows = (0..<60).map { #"{"id": "r\#($0)", "prompt": "refund \#($0)?", "response": "yes \#($0)", "meta": {"slice": "billing"}}"# }
        let file = try tmp.file("rows.jsonl", rows.joined(separator: "\n") + "\n")
        #expect(try WinnowProcess.run(["import", file], in: ws).status == 0)
        // Ten rounds of two processes started together.
        let group = DispatchGroup()
        nonisolated(unsafe) var ids: [String] = []
        let lock = NSLock()
        for _ in 0..<10 {
            for _ in 0..<2 {
                group.enter()
                DispatchQueue.global().async {
                    defer { group.leave() }
                    guard let run = try? WinnowProcess.run(["next", "--json"], in: ws),
                          let object = try? JSONSerialization.jsonObject(with: run.stdoutBytes) as? [String: Any],
                          let id = object["id"] as? String else { return }
                    lock.lock(); ids.append(id); lock.unlock()
                }
            }
            group.wait()
        }
        #expect(ids.count == 20)
        #expect(Set(ids).count == ids.count, "a row was handed out twice: \(ids.sorted())")
    }

    @Test func decideAndQueueFromTheCommandLine() throws {
        let tmp = try TemporaryFolder()
        let ws = try tmp.workspace()
        #expect(try WinnowProcess.run(["import", WinnowProcess.sampleData + "/support-chat.jsonl"], in: ws).status == 0)
        // A row nobody was served is not decided by accident: take it with `next`, or --force.
        let unclaimed = try WinnowProcess.run(["decide", "chat-0001", "--reject", "low-quality"], in: ws)
        #expect(unclaimed.status == 1 && unclaimed.stderr.contains("not yours to decide"), "\(unclaimed.output)")
        let reject = try WinnowProcess.run(["decide", "chat-0001", "--reject", "low-quality", "--note", "too long", "--force"], in: ws)
        #expect(reject.status == 0, "\(reject.output)")
        let forced = try WinnowProcess.run(["log", "show", "--json", "--tail", "1"], in: ws)
        #expect(forced.stdout.contains("\"forced\":true"), "\(forced.output)")
        // What `next` served is yours: decided without --force, and the entry is not marked.
        let next = try JSONSerialization.jsonObject(with: try WinnowProcess.run(["next", "--json"], in: ws).stdoutBytes) as? [String: Any]
        let served = try #require(next?["id"] as? String)
        #expect(try WinnowProcess.run(["decide", served, "--accept"], in: ws).status == 0)
        #expect(try !WinnowProcess.run(["log", "show", "--json", "--tail", "1"], in: ws).stdout.contains("forced"))
        // A claim survives reindex: the row stays yours, and is not served to anyone else.
        let held = try JSONSerialization.jsonObject(with: try WinnowProcess.run(["next", "--json"], in: ws).stdoutBytes) as? [String: Any]
        let heldID = try #require(held?["id"] as? String)
        #expect(try WinnowProcess.run(["reindex"], in: ws).status == 0)
        let inReview = try JSONSerialization.jsonObject(with: try WinnowProcess.run(["queue", "--json"], in: ws).stdoutBytes) as? [String: Any]
        #expect((inReview?["slices"] as? [[String: Any]] ?? []).reduce(0) { $0 + ($1["in_review"] as? Int ?? 0) } == 1)
        #expect(try WinnowProcess.run(["decide", heldID, "--accept"], in: ws).status == 0)
        let typo = try WinnowProcess.run(["decide", "chat-0002", "--reject", "lowquality", "--force"], in: ws)
        #expect(typo.status == 1)
        #expect(typo.stderr.contains("did you mean 'low-quality'"), "\(typo.output)")
        let none = try WinnowProcess.run(["decide", "chat-0002"], in: ws)
        #expect(none.status != 0)
        let queue = try WinnowProcess.run(["queue", "--json"], in: ws)
        #expect(queue.status == 0)
        let summary = try JSONSerialization.jsonObject(with: queue.stdoutBytes) as! [String: Any]
        let slices = summary["slices"] as! [[String: Any]]
        #expect(slices.reduce(0) { $0 + ($1["rejected"] as! Int) } == 1)
        #expect(slices.reduce(0) { $0 + ($1["accepted"] as! Int) } == 2)
        let text = try WinnowProcess.run(["queue"], in: ws)
        #expect(text.stdout.contains("billing*"), "\(text.output)")

        let bad = try tmp.file("edit-bad.json", #"{"messages": [{"role": "user", "content": "hi"}"#)
        let badEdit = try WinnowProcess.run(["decide", "chat-0005", "--edit", bad, "--force"], in: ws)
        #expect(badEdit.status == 1)
        #expect(badEdit.stderr.contains("edit-bad.json: the edited row was not saved: not valid JSON"), "\(badEdit.output)")
        let good = try tmp.file("edit.json", #"{"id": "chat-0005", "messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "Hello! How can I help?"}]}"#)
        let edit = try WinnowProcess.run(["decide", "chat-0005", "--edit", good, "--note", "shorter", "--force"], in: ws)
        #expect(edit.status == 0, "\(edit.output)")
        let log = try WinnowProcess.run(["log", "show", "--json", "--tail", "1"], in: ws)
        #expect(log.stdout.contains("\"new_row\"") && log.stdout.contains("\"new_hash\""), "\(log.output)")
    }
}

@Suite(.serialized) struct RollbackEndToEndTests {
    @Test func rollingBackAGeneratorRetractsItsRowsAndTheLogSaysSo() throws {
        let tmp = try TemporaryFolder()
        let ws = try tmp.workspace()
        #expect(try WinnowProcess.run(["import", "--no-gates", WinnowProcess.sampleData + "/support-chat.jsonl"], in: ws).status == 0)
        let run = try WinnowProcess.run(["rollback", "--generator", "orca-mini-13b-v3", "--reason", "template-echo"], in: ws)
        #expect(run.status == 0, "\(run.output)")
        #expect(run.stdout.contains("33 more rows retracted"), "\(run.output)")
        let none = try WinnowProcess.run(["rollback"], in: ws)
        #expect(none.status != 0)
        let badTime = try WinnowProcess.run(["rollback", "--from", "yesterday"], in: ws)
        #expect(badTime.status != 0 && badTime.stderr.contains("RFC 3339"))
        // Retracted rows are never served.
        for _ in 0..<5 {
            let next = try WinnowProcess.run(["next", "--json"], in: ws)
            let object = try JSONSerialization.jsonObject(with: next.stdoutBytes) as? [String: Any]
            let row = object?["row"] as? [String: Any]
            let meta = row?["meta"] as? [String: Any]
            #expect(meta?["generator"] as? String != "orca-mini-13b-v3")
        }
        #expect(try WinnowProcess.run(["log", "verify"], in: ws).status == 0)
    }
}

@Suite(.serialized) struct StatsEndToEndTests {
    @Test func statsReportTheJudgeAgainstReviewers() throws {
        let tmp = try TemporaryFolder()
        let ws = try tmp.workspace()
        #expect(try WinnowProcess.run(["import", "--no-gates", WinnowProcess.sampleData + "/support-chat.jsonl"], in: ws).status == 0)
        // Rows with a judge score: reject the invented refund policy rows, accept others.
        let verdicts = """
            {"id": "chat-0089", "verdict": "reject", "reason": "invented-policy"}
            {"id": "chat-0007", "verdict": "accept"}
            {"id": "chat-0008", "verdict": "accept"}
            {"id": "chat-0012", "verdict": "reject", "reason": "template-echo"}
            {"id": "chat-0015", "verdict": "accept"}

            """
        let file = try tmp.file("verdicts.jsonl", verdicts)
        let decide = try WinnowProcess.run(["decide", "--force", "--from", file], in: ws)
        #expect(decide.status == 0, "\(decide.output)")
        let stats = try WinnowProcess.run(["stats", "--json"], in: ws)
        #expect(stats.status == 0, "\(stats.output)")
        let report = try JSONSerialization.jsonObject(with: stats.stdoutBytes) as! [String: Any]
        let slices = report["slices"] as! [[String: Any]]
        #expect(slices.reduce(0) { $0 + ($1["reviewed"] as! Int) } == 5)
        let text = try WinnowProcess.run(["stats"], in: ws)
        #expect(text.stdout.contains("Generators"), "\(text.output)")
        #expect(try WinnowProcess.run(["stats", "--precision", "1.5"], in: ws).status != 0)
    }
}
