import ArgumentParser
import Foundation

/// `winnow-bench import`: times `winnow import` of one file in fresh workspaces, side by side
/// with the reference script a user would write instead (`reference_import.py`), and reports
/// medians, the ratio and winnow's peak memory. Both run as child processes, one after the
/// other, so they see the same machine and page cache.
struct ImportBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Median rows/s of winnow import vs reference_import.py on the same file.")

    @Argument(help: "The JSONL file (e.g. from make_rows.py --rows 1000000).")
    var file: String

    @Option(help: "Timed runs of each; medians are reported.")
    var runs: Int = 3

    @Option(help: "reference_import.py to compare with (skipped when absent).")
    var reference: String = "../shared/bench/reference_import.py"

    @Option(help: "Folder for the throwaway workspaces.")
    var scratch: String = NSTemporaryDirectory()

    @Option(help: "Another winnow executable (an earlier build) timed in the same rounds, for before/after.")
    var baseline: String?

    func validate() throws {
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
        guard FileManager.default.fileExists(atPath: file) else { throw ValidationError("\(file): no such file") }
    }

    /// The programs take turns, one run of each per round, so that load from elsewhere on the
    /// machine (other builds, other benchmarks) falls on all of them alike.
    func run() throws {
        let winnow = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("winnow").path
        let rows = try countLines(file)
        let hasReference = FileManager.default.fileExists(atPath: reference)
        var winnowRuns: [ChildRun] = [], baselineRuns: [ChildRun] = [], referenceRuns: [ChildRun] = []
        for i in 0..<runs {
            try warm(file)
            winnowRuns.append(try timeImport(winnow, run: i))
            if let baseline {
                try warm(file)
                baselineRuns.append(try timeImport(baseline, run: i))
            }
            if hasReference {
                try warm(file)
                referenceRuns.append(try ChildRun.run("python3", [reference, file]))
            }
        }
        let w = report("winnow import:      ", winnowRuns, rows: rows)
        let b = baseline.map { _ in report("baseline import:    ", baselineRuns, rows: rows) }
        guard hasReference else {
            print("reference: \(reference) not found; skipped")
            return
        }
        let r = median(referenceRuns.map(\.seconds))
        print(String(format: "reference_import.py: median %.2f s over %d runs, %.0f rows/s, %.2f CPU s", r, runs, Double(rows) / r,
                     median(referenceRuns.map(\.cpuSeconds))))
        print(String(format: "ratio (winnow rows/s ÷ reference rows/s): %.2fx", r / w))
        if let b { print(String(format: "ratio (baseline rows/s ÷ reference rows/s): %.2fx", r / b)) }
    }

    func timeImport(_ winnow: String, run i: Int) throws -> ChildRun {
        let ws = scratch + "/winnow-import-bench-\(getpid())-\(i)"
        try? FileManager.default.removeItem(atPath: ws)
        defer { try? FileManager.default.removeItem(atPath: ws) }
        guard try ChildRun.run(winnow, ["init", ws]).status == 0 else { throw ValidationError("winnow init \(ws) failed") }
        let run = try ChildRun.run(winnow, ["import", "--no-gates", "--workspace", ws, file])
        guard run.status == 0 || run.status == 3 else { throw ValidationError("winnow import exited \(run.status)") }
        return run
    }

    /// Prints one program's medians (and its largest peak RSS); returns the median seconds.
    func report(_ label: String, _ runs: [ChildRun], rows: Int) -> Double {
        let seconds = median(runs.map(\.seconds))
        print(String(format: "%@ %@ rows, median %.2f s over %d runs, %.0f rows/s, %.2f CPU s, peak RSS %.0f MB",
                     label, "\(rows)", seconds, runs.count, Double(rows) / seconds, median(runs.map(\.cpuSeconds)),
                     runs.map(\.peakRSSMB).max() ?? 0))
        return seconds
    }

    func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    /// Reads the file through before a timed run, so every program starts with all of it in the
    /// page cache: on the project machine the kernel's proactive reclaim (DAMON) evicts parts of
    /// a file left cold for a minute, and whoever ran next paid for reading them from disk.
    func warm(_ path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ValidationError("\(path): cannot read") }
        defer { try? handle.close() }
        while let data = try handle.read(upToCount: 1 << 22), !data.isEmpty {}
    }

    func countLines(_ path: String) throws -> Int {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ValidationError("\(path): cannot read") }
        defer { try? handle.close() }
        var count = 0
        while let data = try handle.read(upToCount: 1 << 22), !data.isEmpty {
            count += data.reduce(0) { $1 == 0x0A ? $0 + 1 : $0 }
        }
        return count
    }
}
