import Foundation
import Testing
import TestSupport

/// `winnow import --reread`: a file imported with the wrong options is read again with better
/// ones, its rows replaced in place, logged, with no duplicate rows and no lost decision. A
/// decision stands for the text its reviewer saw: a decided row whose text changes goes back
/// to review (a black-box audit shipped an accept of one answer as the accept of another).
@Suite(.serialized) struct RereadEndToEndTests {
    /// Rows whose `hint` only a mapping brings in; line 3 has no answer the first options find.
    static let rows = """
        {"id":"q1","question":"Compute the area.","hint":"width 3, height 4","answer":"12"}
        {"id":"q2","question":"Compute the perimeter.","hint":"width 3, height 4","answer":"14"}
        {"id":"q3","question":"Name the shape.","hint":"four equal sides","solution":"A square."}

        """

    func json(_ args: [String], in ws: String, status: Int32 = 0) throws -> Any {
        let run = try WinnowProcess.run(args + ["--json"], in: ws)
        #expect(run.status == status, "\(args): \(run.output)")
        return try JSONSerialization.jsonObject(with: run.stdoutBytes, options: [.fragmentsAllowed])
    }

    func medical(_ ws: String) throws -> [String: Any]? {
        let queue = try json(["queue"], in: ws) as? [String: Any]
        return (queue?["slices"] as? [[String: Any]] ?? []).first { $0["slice"] as? String == "medical" }
    }

    @Test func aRereadReplacesRowsInPlaceKeepsDecisionsOnTheSameTextAndIsLogged() throws {
        let tmp = try TemporaryFolder()
        let ws = try tmp.workspace()
        let file = try tmp.file("qa.jsonl", Self.rows)
        let first = try json(["import", "--origin", "human", "--slice", "medical", file], in: ws, status: 3) as? [[String: Any]]
        #expect(first?.first?["rows"] as? Int == 2 && first?.first?["quarantined"] as? Int == 1)
        #expect(try WinnowProcess.run(["decide", "q1", "--accept", "--force", "--note", "checked"], in: ws).status == 0)

        // Same file, same options: nothing to do, as before.
        let again = try WinnowProcess.run(["import", file], in: ws)
        #expect(again.stdout.contains("already imported"), "\(again.output)")

        // Read again with another generator only: the same text, so q1's decision stands.
        let renamed = try json(["import", "--reread", "--origin", "human", "--slice", "medical", "--generator", "g-2", file],
                               in: ws, status: 3) as? [[String: Any]]
        #expect(renamed?.first?["reread"] as? Bool == true && renamed?.first?["decisions_set_aside"] == nil, "\(String(describing: renamed))")
        #expect(try medical(ws)?["accepted"] as? Int == 1)

        // Read again as alpaca with the hint as the input: q1 reads as another text now.
        let reread = try json(["import", "--reread", "--origin", "human", "--slice", "medical", "--format", "alpaca",
                               "--map", "instruction=question", "--map", "input=hint", "--map", "output=answer", file],
                              in: ws, status: 3) as? [[String: Any]]
        #expect(reread?.first?["reread"] as? Bool == true)
        #expect(reread?.first?["rows"] as? Int == 2, "\(String(describing: reread))")
        #expect((reread?.first?["shapes"] as? [String: Int])?["alpaca"] == 2)
        #expect(reread?.first?["decisions_set_aside"] as? Int == 1, "\(String(describing: reread))")

        // No duplicate rows; q1's accept was of the old text, so q1 is back in review, and the
        // decision is still in its history.
        let slice = try medical(ws)
        #expect(slice?["total"] as? Int == 2 && slice?["accepted"] as? Int == 0, "\(String(describing: slice))")

        // The log verifies, names the reread and keeps q1's decision; the index rebuilt from it
        // reads the rows the reread way and sets the same decision aside.
        let log = try WinnowProcess.run(["log", "show"], in: ws)
        #expect(log.stdout.contains("reread ") && log.stdout.contains("qa.jsonl") && log.stdout.contains("checked"), "\(log.output)")
        #expect(try WinnowProcess.run(["log", "verify"], in: ws).status == 0)
        let before = try WinnowProcess.run(["queue", "--json"], in: ws).stdout
        #expect(try WinnowProcess.run(["reindex"], in: ws).status == 0)
        #expect(try WinnowProcess.run(["queue", "--json"], in: ws).stdout == before)
        // The rows now show their hint to the reviewer.
        let next = try WinnowProcess.run(["next"], in: ws)
        #expect(next.stdout.contains("--- input") && next.stdout.contains("width 3, height 4"), "\(next.output)")
    }

    /// The same on real rows: Alpaca rows accepted by a reviewer keep their decisions through a
    /// reread that changes only provenance, and go back to review when the answer changes.
    @Test(.enabled(if: RealData.isPresent, "../shared/realdata is not present"))
    func realAlpacaDecisionsStandOnlyForTheTextTheyWereMadeOn() throws {
        let tmp = try TemporaryFolder()
        let ws = try tmp.workspace()
        let file = RealData.path("alpaca/alpaca_5000.json")
        #expect(try WinnowProcess.run(["import", "--no-gates", "--origin", "synthetic", "--generator", "a", file], in: ws).status == 3)
        for _ in 0..<3 {
            let served = try json(["next"], in: ws) as? [String: Any]
            let id = try #require(served?["id"] as? String)
            #expect(try WinnowProcess.run(["decide", id, "--accept"], in: ws).status == 0)
        }
        func accepted() throws -> Int {
            let queue = try json(["queue"], in: ws) as? [String: Any]
            return (queue?["slices"] as? [[String: Any]] ?? []).reduce(0) { $0 + ($1["accepted"] as? Int ?? 0) }
        }
        let same = try json(["import", "--reread", "--no-gates", "--origin", "synthetic", "--generator", "b", file], in: ws, status: 3) as? [[String: Any]]
        #expect(try same?.first?["decisions_set_aside"] == nil && accepted() == 3, "\(String(describing: same))")
        let other = try json(["import", "--reread", "--no-gates", "--origin", "synthetic", "--generator", "b", "--map", "output=instruction", file],
                             in: ws) as? [[String: Any]]
        #expect(try other?.first?["decisions_set_aside"] as? Int == 3 && accepted() == 0, "\(String(describing: other))")
    }

    @Test func aRereadThatWouldLoseRowsOrChangeIdsIsRefusedWithNothingChanged() throws {
        let tmp = try TemporaryFolder()
        let ws = try tmp.workspace()
        let file = try tmp.file("qa.jsonl", Self.rows)
        #expect(try WinnowProcess.run(["import", "--origin", "human", file], in: ws).status == 3)
        let log = try WinnowProcess.run(["log", "show", "--json"], in: ws).stdout

        // output=solution reads q3 but loses q1 and q2.
        let losing = try WinnowProcess.run(["import", "--reread", "--format", "alpaca", "--map", "instruction=question",
                                            "--map", "output=solution", file], in: ws)
        #expect(losing.status == 1, "\(losing.output)")
        #expect(losing.stderr.contains("not re-read") && losing.stderr.contains("2 imported rows unreadable")
                && losing.stderr.contains("line 1"), "\(losing.output)")

        let renaming = try WinnowProcess.run(["import", "--reread", "--map", "id=hint", file], in: ws)
        #expect(renaming.status == 1 && renaming.stderr.contains("id would change"), "\(renaming.output)")

        let never = try WinnowProcess.run(["import", "--reread", try tmp.file("other.jsonl", #"{"prompt":"a","response":"b"}"# + "\n")], in: ws)
        #expect(never.status == 1 && never.stderr.contains("never imported"), "\(never.output)")

        #expect(try WinnowProcess.run(["log", "show", "--json"], in: ws).stdout == log, "nothing was logged")
    }

    /// Rows read again carry new text and the old text's verdicts until the gates run over
    /// them: a reread killed before its gates leaves them pending (said by every command, a mix
    /// waits, on replay too), and the gates then run over them. Before, the incremental run
    /// after a reread started past the last gated row and never saw them.
    @Test func rowsReadAgainGoThroughTheGatesAgain() throws {
        let tmp = try TemporaryFolder()
        let ws = try tmp.workspace()
        let file = try tmp.file("qa.jsonl", Self.rows)
        #expect(try WinnowProcess.run(["import", "--origin", "human", "--slice", "medical", file], in: ws).status == 3)
        let args = ["import", "--reread", "--origin", "human", "--slice", "medical", "--format", "alpaca",
                    "--map", "instruction=question", "--map", "input=hint", "--map", "output=answer", file]
        let killed = try WinnowProcess.run(args, in: ws, environment: ["WINNOW_TEST_KILL_AT": "import-before-gates"])
        #expect(killed.status == SIGKILL, "\(killed.output)")
        for command in [["queue"], ["reindex"]] {
            let run = try WinnowProcess.run(command, in: ws)
            #expect(run.stderr.contains("warning: 2 imported rows have not been through the gates"), "\(command): \(run.output)")
        }
        let gates = try WinnowProcess.run(["gates"], in: ws)
        #expect(gates.status == 0, "\(gates.output)")
        let log = try WinnowProcess.run(["log", "show"], in: ws).stdout.split(separator: "\n")
        #expect(log.last?.contains("gate-run rows=2 scope=all") == true, "a run over the rows read again: \(log)")
        let quiet = try WinnowProcess.run(["queue"], in: ws)
        #expect(quiet.status == 0 && quiet.stderr.isEmpty, "\(quiet.output)")
    }

    /// A file of OpenAssistant message trees is stored as the rows its trees expand to; reading
    /// it again reads those rows again (before, it was refused as "never imported", so a tree
    /// file imported with the wrong options was stuck with them).
    @Test(.enabled(if: RealData.isPresent, "../shared/realdata is not present"))
    func aTreeFileIsReadAgainThroughItsExpandedRows() throws {
        let tmp = try TemporaryFolder()
        let ws = try tmp.workspace()
        let file = RealData.path("oasst/en_100_tree.jsonl")
        let first = try json(["import", "--no-gates", file], in: ws) as? [[String: Any]]
        let rows = first?.first?["rows"] as? Int ?? 0
        #expect(rows > 100, "\(String(describing: first))")
        let queue = try json(["queue"], in: ws) as? [String: Any]
        #expect((queue?["slices"] as? [[String: Any]] ?? []).allSatisfy { $0["slice"] as? String != "medical" })
        let next = try json(["next"], in: ws) as? [String: Any]
        let id = try #require(next?["id"] as? String, "\(String(describing: next))")
        #expect(try WinnowProcess.run(["decide", id, "--accept", "--force"], in: ws).status == 0)

        let reread = try json(["import", "--reread", "--no-gates", "--slice", "medical", file], in: ws) as? [[String: Any]]
        #expect(reread?.first?["reread"] as? Bool == true, "\(String(describing: reread))")
        #expect(reread?.first?["rows"] as? Int == rows)
        // The accepted row moved to medical: a decision counts only in the slice it was made in,
        // so it is back in review there.
        #expect(reread?.first?["decisions_set_aside"] as? Int == 1, "\(String(describing: reread))")
        let after = try json(["queue"], in: ws) as? [String: Any]
        let slices = after?["slices"] as? [[String: Any]] ?? []
        #expect(slices.count == 1 && slices.first?["slice"] as? String == "medical" && slices.first?["total"] as? Int == rows
                && slices.first?["accepted"] as? Int == 0, "\(slices)")
        #expect(try WinnowProcess.run(["log", "verify"], in: ws).status == 0)
        let before = try WinnowProcess.run(["queue", "--json"], in: ws).stdout
        #expect(try WinnowProcess.run(["reindex"], in: ws).status == 0)
        #expect(try WinnowProcess.run(["queue", "--json"], in: ws).stdout == before)
    }
}
