import ArgumentParser
import Foundation

/// `winnow-bench next`: end-to-end latency of `winnow next --json` (a new process each time:
/// open the workspace, catch up with the log, claim, read and print the row) on a workspace
/// that is already planned. The first call after an import plans the queue for every new row;
/// that one-off cost is reported separately.
struct NextBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "next", abstract: "Median and p95 latency of 'winnow next' on a workspace.")

    @Option(help: "The workspace (e.g. one with a million imported rows).")
    var workspace: String

    @Option(help: "Timed calls.")
    var runs: Int = 30

    func validate() throws {
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
    }

    func run() throws {
        let winnow = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("winnow").path
        let first = try Self.time(winnow, ["next", "--json", "--workspace", workspace])
        var times: [Double] = []
        for _ in 0..<runs { times.append(try Self.time(winnow, ["next", "--json", "--workspace", workspace])) }
        times.sort()
        let median = times[times.count / 2], p95 = times[min(times.count - 1, Int(Double(times.count) * 0.95))]
        print(String(format: "first call (plans the queue): %.0f ms", first * 1000))
        print(String(format: "winnow next: median %.1f ms, p95 %.1f ms, max %.1f ms over %d calls", median * 1000, p95 * 1000,
                     times.last! * 1000, runs))
        _ = try Self.time(winnow, ["queue", "--workspace", workspace])
    }

    /// Through `ChildRun` (posix_spawn and wait4): Foundation's Process polls for the child's
    /// exit and added about 25 ms to every call, more than the thing being measured.
    static func time(_ executable: String, _ arguments: [String]) throws -> Double {
        let run = try ChildRun.run(executable, arguments)
        guard run.status == 0 else { throw ValidationError("winnow \(arguments.joined(separator: " ")) failed (status \(run.status))") }
        return run.seconds
    }
}
