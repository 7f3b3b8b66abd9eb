import ArgumentParser
import Foundation

/// `winnow-bench mix`: a 200k-row mix from a million-row workspace with 100k logged decisions,
/// timed as `winnow mix` child processes side by side with reference_mix.py on the same rows and
/// the same verdicts. Reports medians, the ratio and winnow's peak RSS (per child, from wait4).
///
/// Set-up (once, kept in --workspace and reused): `winnow init`, `winnow import --no-gates` of
/// the rows, `reference_mix.py --make-verdicts 100000`, and the verdicts recorded with
/// `winnow decide --from`. winnow's batch verdict file takes accept / reject / flag: an edit
/// needs the edited row, which the reference's verdicts do not carry, and the reference treats
/// an edit exactly like an accept, so its "edit" lines are given to winnow as accepts.
struct MixBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mix", abstract: "Median time of winnow mix vs reference_mix.py on a million-row workspace.")

    @Argument(help: "The rows (make_rows.py --rows 1000000).")
    var rows: String
    @Option(help: "The benchmark workspace (made on first use, then reused).")
    var workspace: String = "/tmp/bench-mix/ws"
    @Option(help: "Verdicts from reference_mix.py --make-verdicts (made when missing).")
    var verdicts: String = "/tmp/bench-mix/verdicts.jsonl"
    @Option(help: "How many verdicts to make.")
    var decisions: Int = 100_000
    @Option(help: "Rows in the mix.")
    var total: Int = 200_000
    @Option(help: "Timed runs of each; medians are reported.")
    var runs: Int = 3
    @Option(help: "reference_mix.py to compare with ('none' to skip).")
    var reference: String = "../shared/bench/reference_mix.py"

    func run() throws {
        let winnow = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("winnow").path
        let scratch = (workspace as NSString).deletingLastPathComponent
        try setUp(winnow: winnow, scratch: scratch)
        let spec = scratch + "/bench-spec.toml"
        try """
            name = "bench"
            seed = 7
            total = \(total)
            format = "chat"
            [constraints]
            human_min_fraction = 0.3
            synthetic_max_per_human = 10
            critical_synthetic_max = 0.5
            """.write(toFile: spec, atomically: true, encoding: .utf8)
        let useReference = reference != "none" && FileManager.default.fileExists(atPath: reference)
        if !useReference { print("reference: \(reference) not found; skipped") }
        // Interleaved (winnow, reference, winnow, ...) so both see the same load on a shared machine.
        var seconds: [Double] = [], peaks: [Double] = [], cpus: [Double] = []
        var referenceSeconds: [Double] = [], referenceOwn: [Double] = [], referenceCPUs: [Double] = []
        var line = ""
        for i in 0..<runs {
            let out = scratch + "/bench-mix-\(i)"
            try? FileManager.default.removeItem(atPath: out)
            let run = try BenchChild.run(winnow, ["mix", spec, "--workspace", workspace, "--out", out])
            guard run.status == 0 else { throw ValidationError("winnow mix exited \(run.status)") }
            seconds.append(run.seconds)
            peaks.append(run.peakMB)
            cpus.append(run.cpu)
            if i > 0 { try? FileManager.default.removeItem(atPath: out) }
            guard useReference else { continue }
            let ref = try BenchChild.run("/usr/bin/env", ["python3", reference, rows, verdicts, "--total", "\(total)", "--seed", "7",
                                                          "--out", scratch + "/reference-mix.jsonl"], capture: true)
            guard ref.status == 0 else { throw ValidationError("reference_mix.py exited \(ref.status)") }
            referenceSeconds.append(ref.seconds)
            referenceCPUs.append(ref.cpu)
            line = ref.output.trimmingCharacters(in: .whitespacesAndNewlines)
            if let own = line.components(separatedBy: " in ").last.flatMap({ Double($0.replacingOccurrences(of: " s", with: "")) }) {
                referenceOwn.append(own)
            }
        }
        let mixed = try BenchChild.lines(scratch + "/bench-mix-0/data.jsonl")
        let w = medianOf(seconds)
        print(String(format: "winnow mix:        %d rows, median %.2f s over %d runs (min %.2f, max %.2f), CPU median %.2f s, peak RSS %.0f MB (max over runs)",
                     mixed, w, runs, seconds.min() ?? 0, seconds.max() ?? 0, medianOf(cpus), peaks.max() ?? 0))
        guard useReference else { return }
        let r = medianOf(referenceSeconds)
        print("reference:         \(line)")
        print(String(format: "reference_mix.py:  median %.2f s over %d runs (process; min %.2f, max %.2f), %.2f s on its own clock, CPU median %.2f s",
                     r, runs, referenceSeconds.min() ?? 0, referenceSeconds.max() ?? 0, medianOf(referenceOwn), medianOf(referenceCPUs)))
        print(String(format: "ratio (reference ÷ winnow): whole processes %.1fx; reference's own clock ÷ winnow's process %.1fx; CPU %.1fx",
                     r / w, medianOf(referenceOwn) / w, medianOf(referenceCPUs) / medianOf(cpus)))
    }

    /// Makes the workspace once: import, verdicts, decisions. Later runs reuse it.
    func setUp(winnow: String, scratch: String) throws {
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: verdicts) {
            print("set-up: making \(decisions) verdicts with reference_mix.py --make-verdicts")
            _ = try BenchChild.run("/usr/bin/env", ["python3", reference, rows, verdicts, "--make-verdicts", "\(decisions)"])
        }
        guard !FileManager.default.fileExists(atPath: workspace + "/winnow.toml") else { return }
        print("set-up: importing \(rows) into \(workspace)")
        _ = try BenchChild.run(winnow, ["init", workspace])
        let imported = try BenchChild.run(winnow, ["import", "--no-gates", "--workspace", workspace, rows])
        guard imported.status == 0 else { throw ValidationError("winnow import exited \(imported.status)") }
        // Edits without an edited row cannot be logged; the reference treats them as accepts.
        let converted = scratch + "/verdicts-winnow.jsonl"
        let text = try String(contentsOfFile: verdicts, encoding: .utf8)
        try text.replacingOccurrences(of: "\"verdict\": \"edit\"", with: "\"verdict\": \"accept\"")
            .replacingOccurrences(of: "\"verdict\": \"reject\"}", with: "\"verdict\": \"reject\", \"reason\": \"low-quality\"}")
            .write(toFile: converted, atomically: true, encoding: .utf8)
        print("set-up: recording the verdicts with winnow decide --from (import \(String(format: "%.1f", imported.seconds)) s)")
        // A batch of outside verdicts holds no claims: `--force` records them (marked as forced).
        let decided = try BenchChild.run(winnow, ["decide", "--from", converted, "--force", "--workspace", workspace])
        guard decided.status == 0 else { throw ValidationError("winnow decide exited \(decided.status)") }
        print(String(format: "set-up: decisions recorded in %.1f s", decided.seconds))
    }
}

/// A child process timed on the wall clock, with its own peak RSS from wait4 (getrusage's
/// RUSAGE_CHILDREN would mix winnow's peak with the reference's).
enum BenchChild {
    struct Result {
        var status: Int32
        var seconds: Double
        var peakMB: Double
        /// User + system CPU seconds of the child.
        var cpu: Double
        var output: String
    }

    static func run(_ executable: String, _ arguments: [String], capture: Bool = false) throws -> Result {
        var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let outPath = NSTemporaryDirectory() + "/winnow-bench-child-\(getpid()).out"
        posix_spawn_file_actions_addopen(&actions, 1, capture ? outPath : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        let start = DispatchTime.now().uptimeNanoseconds
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard spawned == 0 else { throw ValidationError("\(executable): cannot start (\(String(cString: strerror(spawned))))") }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let output = capture ? ((try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "") : ""
        if capture { unlink(outPath) }
        let exit = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        return Result(status: exit, seconds: seconds, peakMB: Double(usage.ru_maxrss) / 1024, cpu: cpu, output: output)
    }

    static func lines(_ path: String) throws -> Int {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ValidationError("\(path): cannot read") }
        defer { try? handle.close() }
        var count = 0
        while let data = try handle.read(upToCount: 1 << 22), !data.isEmpty { count += data.reduce(0) { $1 == 0x0A ? $0 + 1 : $0 } }
        return count
    }
}
