import ArgumentParser
import Foundation
import ReviewQueue
import Workspace

/// `winnow-bench store-reviewer`: one reviewer process of the store benchmark (`winnow-bench
/// store`). It opens its box's workspace once, as the review screen does, then takes a row and
/// accepts it, again and again, for `--seconds`, timing each next+decide pair; the pairs'
/// latencies (nanoseconds: the pair, its next and its decide, and when the pair began on the
/// machine's monotonic clock, one pair a line) and the refusals go to `--out`. With `--think-ms`, the
/// reviewer reads each row for about that long (uniformly 0.5x to 1.5x) between next and decide,
/// as a person does; the pause is not part of the pair's time. With `--ready` and `--go`, the
/// pairs start when the benchmark says every reviewer is open (`StartBarrier`); the open's own
/// time is written first (`# opened NS`).
struct StoreReviewerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store-reviewer", abstract: "One reviewer of the store benchmark (started by 'winnow-bench store').")

    @Option(help: "The box's workspace.")
    var workspace: String
    @Option(help: "How long to review.")
    var seconds: Double = 60
    @Option(help: "Where the latencies go.")
    var out: String
    @Option(help: "Milliseconds spent reading each row before deciding it (0: none).")
    var thinkMs: Int = 0
    @Flag(help: "Skip what a review screen sets up as it opens (the server warmed up, the index's checkpoints on a thread of their own), as one-shot commands do.")
    var asCommands = false
    @Option(help: "A file to write once the workspace is open (with --go).")
    var ready: String?
    @Option(help: "A file whose appearance starts the review (with --ready).")
    var go: String?
    @Option(help: "The benchmark's pid: a reviewer waiting for --go stops when its parent is no longer this.")
    var parent: Int32 = 0

    func run() throws {
        let opening = monotonicNanoseconds()
        let session = try WorkspaceSession.open(try WorkspacePaths.locate(explicit: workspace))
        let queue = try QueueService(session: session, planning: .asNeeded)
        if !asCommands { queue.prepareForReview() }  // as the review screen opens (WorkbenchLauncher)
        let opened = monotonicNanoseconds() - opening
        if let ready, let go { try StartBarrier(ready: ready, go: go).arrive(parent: parent == 0 ? getppid() : parent) }
        // Reviewers at work are at random points of reading their rows: the first row is asked
        // for after a random part of one reading, not by all sixteen in the same millisecond.
        if thinkMs > 0 && go != nil { usleep(useconds_t(Double(thinkMs) * 1000 * Double.random(in: 0..<1))) }
        let end = monotonicNanoseconds() + UInt64(seconds * 1e9)
        var lines: [String] = ["# opened \(opened)"]
        var refused = 0, decided = 0
        while monotonicNanoseconds() < end {
            let start = monotonicNanoseconds()
            guard let item = try queue.next() else { break }
            let served = monotonicNanoseconds() - start
            if thinkMs > 0 { usleep(useconds_t(Double(thinkMs) * 1000 * Double.random(in: 0.5...1.5))) }
            do {
                let deciding = monotonicNanoseconds()
                _ = try queue.decide(DecisionRequest(id: item.row.id, verdict: .accept))
                decided += 1
                let decision = monotonicNanoseconds() - deciding
                lines.append("\(served + decision) \(served) \(decision) \(start)")
            } catch let error as QueueError {
                // Decided on another box meanwhile, or taken: the queue's answer, not a failure.
                refused += 1
                writeLine("refused: \(error.message)", to: 2)
                try? queue.releaseHeldHere(item.row.id)
            }
        }
        try queue.release()
        lines.append("# decided \(decided) refused \(refused)")
        try (lines.joined(separator: "\n") + "\n").write(toFile: out, atomically: true, encoding: .utf8)
    }
}
