import ArgumentParser
import Foundation
import ReviewQueue
import TerminalCore
import VirtualTerminal
import Workbench
import Workspace

/// `winnow-bench review`: the workbench on a big workspace. Launch to first row is timed from
/// outside, a new process each run that goes through `WorkbenchLauncher` exactly as
/// `winnow review` does, minus curses (which only draws the frame); key latency is timed
/// in-process, from the key event to the next row's frame presented. Resident memory is the
/// launch children's peak and this process's after the key runs.
struct ReviewBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review", abstract: "Launch-to-first-row and key-to-next-row latency of the review workbench.")

    @Option(help: "The workspace (e.g. one with a million imported rows).")
    var workspace: String
    @Option(help: "Timed launches (new processes).")
    var launches: Int = 20
    @Option(help: "Timed launches on a queue never planned (as right after an import), first; the plan is forgotten before each.")
    var freshLaunches: Int = 0
    @Option(help: "Timed keys of each kind (skip, accept).")
    var keys: Int = 500
    @Flag(help: "Internal: open the workbench once, draw the first row, exit.")
    var launchOnly = false

    static let size = Size(columns: 160, rows: 48)

    func run() throws {
        if launchOnly {
            let workbench = try open()
            workbench.finish()
            return
        }
        var launch = LatencyStats()
        let me = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
        if freshLaunches > 0 { try timeFreshLaunches(me) }
        _ = try NextBenchCommand.time(me, ["review", "--workspace", workspace, "--launch-only"])  // warm the page cache
        for _ in 0..<launches {
            let seconds = try NextBenchCommand.time(me, ["review", "--workspace", workspace, "--launch-only"])
            launch.record(UInt64(seconds * 1e9))
        }
        var children = rusage()
        getrusage(__rusage_who_t(RUSAGE_CHILDREN.rawValue), &children)
        print(String(format: "launch to first row (new process, %@): p50 %.1f ms, p95 %.1f ms, max %.1f ms; peak RSS %.0f MB",
                     Self.size.description, launch.percentile(0.5) / 1000, launch.percentile(0.95) / 1000, launch.maximum / 1000,
                     Double(children.ru_maxrss) / 1024))

        // Accepts first: every skipped row is released and then held back from this session
        // (up to 5,000 ids in each `next`), so a thousand skips before would measure a session
        // no reviewer has.
        let workbench = try open()
        let accept = time(workbench, key: .character("a"), count: keys)
        print(accept.summary(label: "accept → next row drawn (one fsynced log append included)"))
        let skip = time(workbench, key: .character(" "), count: keys)
        print(skip.summary(label: "skip → next row drawn (no log write)"))
        workbench.finish()
        try phases(count: keys)
        var mine = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &mine)
        print(String(format: "peak RSS of the in-process session after %d keys: %.0f MB", keys * 2, Double(mine.ru_maxrss) / 1024))
    }

    /// Launch to first row with the queue plan forgotten each time, as the first review after
    /// an import finds it (the plan is built as far as the first row needs; the rest is left).
    /// Runs before the other launches, so the peak RSS printed is these launches' own.
    func timeFreshLaunches(_ me: String) throws {
        var fresh = LatencyStats()
        for _ in 0..<freshLaunches {
            let session = try WorkspaceSession.open(try WorkspacePaths.locate(explicit: workspace))
            try session.index.resetQueuePlan(fingerprint: "forgotten by winnow-bench", flagPolicies: [:])
            let seconds = try NextBenchCommand.time(me, ["review", "--workspace", workspace, "--launch-only"])
            fresh.record(UInt64(seconds * 1e9))
        }
        // Each launch placed only what its first row needed: the rest now, so the launches and
        // keys measured next find a finished plan, as a session does seconds after it starts.
        _ = try QueueService(session: try WorkspaceSession.open(try WorkspacePaths.locate(explicit: workspace)))
        var children = rusage()
        getrusage(__rusage_who_t(RUSAGE_CHILDREN.rawValue), &children)
        print(String(format: "first row on a queue never planned (new process, %@): p50 %.1f ms, p95 %.1f ms, max %.1f ms; peak RSS %.0f MB",
                     Self.size.description, fresh.percentile(0.5) / 1000, fresh.percentile(0.95) / 1000, fresh.maximum / 1000,
                     Double(children.ru_maxrss) / 1024))
    }

    func open() throws -> Workbench {
        let session = try WorkspaceSession.open(try WorkspacePaths.locate(explicit: workspace))
        let terminal = VirtualTerminal(size: Self.size)
        return try WorkbenchLauncher.open(session: session, terminal: terminal, keymap: try WorkbenchLauncher.keymap(named: nil),
                                          slice: nil, home: false)
    }

    /// Where a decision's time goes, below the workbench: claiming the next row, and the
    /// decision itself (log append with fdatasync, index update, release).
    func phases(count: Int) throws {
        let session = try WorkspaceSession.open(try WorkspacePaths.locate(explicit: workspace))
        let queue = try QueueService(session: session)
        var claim = LatencyStats(), decide = LatencyStats()
        for _ in 0..<count {
            var start = monotonicNanoseconds()
            guard let item = try queue.next() else { break }
            claim.record(monotonicNanoseconds() - start)
            start = monotonicNanoseconds()
            _ = try queue.decide(DecisionRequest(id: item.row.id, verdict: .accept))
            decide.record(monotonicNanoseconds() - start)
        }
        print(claim.summary(label: "  of which: claim the next row (queue.next)"))
        print(decide.summary(label: "  of which: record an accept (log append + fdatasync, index, release)"))
    }

    func time(_ workbench: Workbench, key: Key, count: Int) -> LatencyStats {
        var stats = LatencyStats()
        for _ in 0..<count {
            let start = monotonicNanoseconds()
            workbench.handle(.key(key))
            stats.record(monotonicNanoseconds() - start)
        }
        return stats
    }
}
