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

    func validate() throws {
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
        guard FileManager.default.fileExists(atPath: file) else { throw ValidationError("\(file): no such file") }
    }

    func run() throws {
        let winnow = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("winnow").path
        let rows = try countLines(file)
        var winnowSeconds: [Double] = []
        for i in 0..<runs {
            let ws = scratch + "/winnow-import-bench-\(getpid())-\(i)"
            try? FileManager.default.removeItem(atPath: ws)
            _ = try runChild(winnow, ["init", ws])
            let start = Date()
            let status = try runChild(winnow, ["import", "--no-gates", "--workspace", ws, file])
            winnowSeconds.append(Date().timeIntervalSince(start))
            try? FileManager.default.removeItem(atPath: ws)
            guard status == 0 || status == 3 else { throw ValidationError("winnow import exited \(status)") }
        }
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_CHILDREN.rawValue), &usage)
        let peakMB = Double(usage.ru_maxrss) / 1024
        let w = median(winnowSeconds)
        print(String(format: "winnow import:       %@ rows, median %.2f s over %d runs, %.0f rows/s, peak RSS %.0f MB",
                     "\(rows)", w, runs, Double(rows) / w, peakMB))
        guard FileManager.default.fileExists(atPath: reference) else {
            print("reference: \(reference) not found; skipped")
            return
        }
        var referenceSeconds: [Double] = []
        for _ in 0..<runs {
            let start = Date()
            _ = try runChild("/usr/bin/env", ["python3", reference, file], quiet: true)
            referenceSeconds.append(Date().timeIntervalSince(start))
        }
        let r = median(referenceSeconds)
        print(String(format: "reference_import.py: median %.2f s over %d runs, %.0f rows/s", r, runs, Double(rows) / r))
        print(String(format: "ratio (winnow rows/s ÷ reference rows/s): %.2fx", r / w))
    }

    func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
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

    @discardableResult
    func runChild(_ executable: String, _ arguments: [String], quiet: Bool = true) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if quiet {
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
        }
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
