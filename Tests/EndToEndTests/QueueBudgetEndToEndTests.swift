import Foundation
import Testing

/// `winnow queue` on a slice with no review budget: no bar (a full one for "0/0" read as done).
@Suite struct QueueBudgetEndToEndTests {
    @Test func aSliceWithoutABudgetDrawsNoBar() throws {
        let tmp = try TemporaryFolder()
        let ws = try tmp.workspace()
        let file = try tmp.file("plain.jsonl", #"{"prompt":"What is two plus two?","response":"Four."}"# + "\n")
        #expect(try WinnowProcess.run(["import", "--no-gates", file], in: ws).status == 0)
        let run = try WinnowProcess.run(["queue"], in: ws)
        #expect(run.status == 0, "\(run.output)")
        let line = run.stdout.split(separator: "\n").first { $0.hasPrefix("(none)") }.map(String.init) ?? ""
        #expect(line.contains("no review budget") && !line.contains("[#"), "\(run.stdout)")
    }
}
