import ArgumentParser
import Foundation
import Workspace

/// `winnow-bench checks`: what failing closed costs on a big workspace (issue 11).
///
/// Every command checks the log against the index before acting (the entry the index applied
/// last, then only what is new); `reindex` and `mix` prove the whole chain and hash every source
/// first. This times, on an existing workspace (e.g. a million imported rows with their gate run
/// and some decisions):
/// - in this process, opening the workspace (config, log, index and the incremental check, with
///   nothing new in the log): what every command pays before it starts;
/// - in this process, the whole-log proof and the source hashes alone (the new checks in
///   `reindex` and `mix`);
/// - as whole processes (posix_spawn + wait4): `log verify`, `reindex`, `next --json` and, with
///   `--spec`, `mix`.
struct TrustChecksBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checks", abstract: "Cost of the log and source checks on a workspace, and the commands that run them.")

    @Option(help: "The workspace (e.g. one with a million imported rows).")
    var workspace: String

    @Option(help: "A mix spec: also time 'winnow mix SPEC' (output under --scratch).")
    var spec: String?

    @Option(help: "Folder for mix outputs (removed between runs).")
    var scratch = "/tmp/winnow-checks-bench"

    @Option(help: "Timed runs of each slow step (whole-log proof, source hashes, commands); medians are reported.")
    var runs: Int = 3

    @Option(help: "Timed opens of the workspace (the per-command check).")
    var opens: Int = 200

    func validate() throws {
        guard runs >= 1, opens >= 1 else { throw ValidationError("--runs and --opens must be at least 1") }
    }

    func run() throws {
        let paths = WorkspacePaths(root: workspace)
        let winnow = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("winnow").path
        // Bring the index up to date first, so the timed opens have nothing new to apply.
        _ = try WorkspaceSession.open(paths)

        var openTimes: [Double] = []
        for _ in 0..<opens {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try WorkspaceSession.open(paths)
            openTimes.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        openTimes.sort()
        print(String(format: "open with the incremental check (nothing new): median %.2f ms, p95 %.2f ms over %d opens",
                     medianOf(openTimes), openTimes[min(openTimes.count - 1, Int(Double(openTimes.count) * 0.95))], opens))

        let session = try WorkspaceSession.open(paths)
        report("whole-log proof (LogVerifier, as reindex and mix run it)", try timed { try session.verifyWholeLog() })
        report("every source hashed against its name", try timed { try session.verifySources() })

        report("winnow log verify", try processes(winnow, ["log", "verify", "--workspace", workspace]))
        report("winnow reindex", try processes(winnow, ["reindex", "--workspace", workspace]))
        if let spec {
            report("winnow mix", try processes(winnow, ["mix", spec, "--workspace", workspace, "--out", scratch + "/mix"]) {
                try? FileManager.default.removeItem(atPath: scratch + "/mix")
            })
        }
        let next = try processes(winnow, ["next", "--json", "--workspace", workspace], runs: max(runs, 15))
        report("winnow next --json", next)
    }

    func timed(_ body: () throws -> Void) rethrows -> [Double] {
        var times: [Double] = []
        for _ in 0..<runs {
            let start = Date()
            try body()
            times.append(Date().timeIntervalSince(start))
        }
        return times
    }

    func processes(_ winnow: String, _ arguments: [String], runs count: Int? = nil, before: () -> Void = {}) throws -> [Double] {
        var times: [Double] = []
        for _ in 0..<(count ?? runs) {
            before()
            let run = try ChildRun.run(winnow, arguments)
            guard run.status == 0 else {
                throw ValidationError("winnow \(arguments.joined(separator: " ")) failed (status \(run.status))")
            }
            times.append(run.seconds)
        }
        return times
    }

    func report(_ what: String, _ seconds: [Double]) {
        let sorted = seconds.sorted()
        let (scale, unit) = sorted.last! < 1 ? (1000.0, "ms") : (1.0, "s")
        func figure(_ value: Double) -> String { String(format: "%.3g", value * scale) }
        print("\(what): median \(figure(medianOf(sorted))) \(unit) (min \(figure(sorted.first!)), max \(figure(sorted.last!))) over \(sorted.count)")
    }
}
