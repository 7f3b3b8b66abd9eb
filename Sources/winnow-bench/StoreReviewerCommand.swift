import ArgumentParser
import Foundation
import ReviewQueue
import Workspace

/// `winnow-bench store-reviewer`: one reviewer process of the store benchmark (`winnow-bench
/// store`). It opens its box's workspace once, as the review screen does, then takes a row and
/// accepts it, again and again, for `--seconds`, timing each next+decide pair; the pairs'
/// latencies (nanoseconds: the pair, its next and its decide, one pair a line) and the refusals go to `--out`. With `--think-ms`, the
/// reviewer reads each row for about that long (uniformly 0.5x to 1.5x) between next and decide,
/// as a person does; the pause is not part of the pair's time.
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

    func run() throws {
        let session = try WorkspaceSession.open(try WorkspacePaths.locate(explicit: workspace))
        let queue = try QueueService(session: session, planning: .asNeeded)
        let end = monotonicNanoseconds() + UInt64(seconds * 1e9)
        var lines: [String] = []
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
                lines.append("\(served + decision) \(served) \(decision)")
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
