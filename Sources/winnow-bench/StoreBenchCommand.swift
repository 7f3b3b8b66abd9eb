import ArgumentParser
import Foundation
import PostgresStore
import ProvenanceLog

/// `winnow-bench store`: issue 13's benchmark of the PostgreSQL store.
///
/// 1. The same file imported into a file workspace and into a store (`import --no-gates`, one
///    process each, wall time): the ratio is the store's cost.
/// 2. `--boxes` workspaces on the store, one reviewer role each (the "boxes", which joined and
///    replayed the store's log and the source the owner's workspace imported), then `--per-box` reviewer processes on
///    each (`store-reviewer`) doing next+decide for `--seconds`; with `--netns`, the boxes'
///    reviewers run in two network namespaces, alternately (`ip netns exec`), as two machines
///    would. They reach the server through its Unix socket (a file, which no namespace hides).
/// 3. Afterwards: the p50/p99/max of next+decide over the pairs, the rows with more than one
///    decision (the benchmark's settings ask for no second opinions: `overlap_share = 0`, so
///    any is a row handed out twice), and `winnow log verify` on every box.
///
/// How the minute starts: every reviewer opens its workspace as the review screen does
/// (`QueueService.prepareForReview`: the server's process warmed up, the index's checkpoints on
/// a thread of their own; `--as-commands` leaves both out), says it is ready, and waits
/// (`StartBarrier`); once all sixteen are open the write-back of the boxes' set-up is flushed
/// (`sync`: the kernel wrote the joins' gigabyte back in the review's first seconds, 441 MB in
/// one second) and they start, each after a random part of one reading (`--think-ms`), as
/// reviewers already at work are. Before, each started as soon as it had opened (as
/// `--start-as-opened` still does, for comparison with earlier figures): the first
/// rows were timed while other reviewers were still opening on the same two cores, and with a
/// common start but no random part, sixteen first `next`s in one millisecond took 16-28 ms.
/// Each reviewer's first pair is reported apart as well as in the p99 over every pair.
///
/// `--store` is an empty database owned by a role that may create roles (README's set-up).
struct StoreBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store", abstract: "Import and concurrent next+decide on a PostgreSQL store against the file workspace.")

    @Argument(help: "Rows to import (make_rows.py output).")
    var rows: String
    @Option(help: "The database, as its owner (a libpq URL), with no winnow store in it yet.")
    var store: String
    @Option(help: "A new folder for the workspaces.")
    var scratch: String
    @Option(help: "Workspaces (boxes) on the store, one reviewer role each.")
    var boxes: Int = 4
    @Option(help: "Reviewer processes on each box.")
    var perBox: Int = 4
    @Option(help: "Seconds of reviewing.")
    var seconds: Double = 60
    @Flag(help: "Run the boxes' reviewers in two network namespaces (needs root and ip).")
    var netns = false
    @Option(help: "Milliseconds each reviewer reads a row before deciding it (0: back to back, the most load).")
    var thinkMs: Int = 0
    @Flag(help: "Reviewers skip what a review screen sets up as it opens (the server warmed up, the index's checkpoints on a thread of their own).")
    var asCommands = false
    @Flag(help: "Each reviewer starts as soon as it has opened (how every run before 2026-12-07 18:00 started), not together and at a random point of a reading.")
    var startAsOpened = false

    func validate() throws {
        guard boxes >= 1, perBox >= 1, seconds > 0 else { throw ValidationError("--boxes, --per-box and --seconds must be positive") }
        guard !FileManager.default.fileExists(atPath: scratch) else { throw ValidationError("\(scratch) exists: name a new folder") }
    }

    var sibling: URL { URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent() }

    func winnow(_ arguments: [String]) throws -> ChildRun {
        let run = try ChildRun.run(sibling.appendingPathComponent("winnow").path, arguments)
        guard run.status == 0 else { throw ValidationError("winnow \(arguments.joined(separator: " ")) failed (status \(run.status))") }
        return run
    }

    func run() throws {
        let owner = try StoreURL(store, operatingSystemUser: LogActor.current.user)
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        let embedded = scratch + "/embedded"
        _ = try winnow(["init", embedded])
        let fileImport = try winnow(["import", "--no-gates", "--workspace", embedded, rows])
        print(String(format: "import into a file workspace: %.2f s (%.1f CPU s, %.0f MB)", fileImport.seconds, fileImport.cpuSeconds, fileImport.peakRSSMB))

        _ = try winnow(["store", "init", store])
        let admin = try ServerConnection.connect(owner)
        let roles = (1...boxes).map { "bench_box_\($0)" }
        for role in roles {
            try admin.execute(adminSQL: "CREATE ROLE \(role) LOGIN", doing: "create \(role)")
            try admin.execute(adminSQL: "GRANT winnow_reviewer TO \(role)", doing: "grant \(role)")
        }
        // No second opinions in this run: any row decided twice was handed out twice.
        let settings = scratch + "/owner"
        _ = try winnow(["init", settings, "--store", store])
        let toml = try String(contentsOfFile: settings + "/winnow.toml", encoding: .utf8)
        try toml.replacingOccurrences(of: "overlap_share = 0.10", with: "overlap_share = 0.0")
            .write(toFile: settings + "/winnow.toml", atomically: true, encoding: .utf8)
        _ = try winnow(["store", "config", "push", "--workspace", settings])

        // The owner imports (imports are the leads'), from its own workspace on the store.
        let storeImport = try winnow(["import", "--no-gates", "--workspace", settings, rows])
        print(String(format: "import into the store: %.2f s (%.1f CPU s, %.0f MB): %.2fx the file workspace", storeImport.seconds,
                     storeImport.cpuSeconds, storeImport.peakRSSMB, storeImport.seconds / fileImport.seconds))
        let workspaces = roles.enumerated().map { scratch + "/box\($0.offset + 1)" }
        for (workspace, role) in zip(workspaces, roles) {
            let joined = try winnow(["init", workspace, "--store", url(owner, role: role)])
            print(String(format: "%@ joined (copied the log and source, replayed them): %.2f s", role, joined.seconds))
        }
        for workspace in workspaces { _ = try winnow(["queue", "--workspace", workspace]) }  // plans each box's queue

        let namespaces = ["winnow-box-a", "winnow-box-b"]
        if netns { try namespaces.forEach(Self.addNamespace) }
        defer { if netns { namespaces.forEach(Self.deleteNamespace) } }
        if startAsOpened { sync() }  // else once every reviewer is open (StartBarrier)
        var children: [(pid: pid_t, out: String, ready: String)] = []
        let go = scratch + "/go"
        for (b, workspace) in workspaces.enumerated() {
            for r in 0..<perBox {
                let out = scratch + "/latency-box\(b + 1)-\(r + 1).txt"
                var argv = [sibling.appendingPathComponent("winnow-bench").path, "store-reviewer", "--workspace", workspace,
                            "--seconds", String(seconds), "--out", out, "--think-ms", String(thinkMs)]
                if !startAsOpened { argv += ["--ready", out + ".ready", "--go", go, "--parent", String(getpid())] }
                if asCommands { argv.append("--as-commands") }
                if netns { argv = ["/usr/sbin/ip", "netns", "exec", namespaces[b % 2]] + argv }
                children.append((try Self.spawn(argv, stderr: scratch + "/reviewer-box\(b + 1)-\(r + 1).err"), out, out + ".ready"))
            }
        }
        var exited: [pid_t: Int32] = [:]
        do {
            if !startAsOpened { try StartBarrier.release(children.map { ($0.pid, $0.ready) }, go: go, exited: &exited) }
        } catch {
            for child in children where exited[child.pid] == nil { kill(child.pid, SIGTERM) }
            throw error
        }
        var stats = LatencyStats(), nexts = LatencyStats(), decides = LatencyStats(), firsts = LatencyStats(), every = LatencyStats()
        var opens = LatencyStats()
        var refused = 0, failed = 0
        for child in children {
            var status: Int32 = exited[child.pid] ?? 0
            if exited[child.pid] == nil { while waitpid(child.pid, &status, 0) < 0 && errno == EINTR {} }
            if status != 0 { failed += 1 }
            let text = (try? String(contentsOfFile: child.out, encoding: .utf8)) ?? ""
            var first = true
            for line in text.split(separator: "\n") {
                if line.hasPrefix("# decided"), let n = Int(line.split(separator: " ").last ?? "") { refused += n }
                else if line.hasPrefix("# opened"), let n = UInt64(line.split(separator: " ").last ?? "") { opens.record(n) }
                else {
                    let parts = line.split(separator: " ").compactMap { UInt64($0) }
                    guard parts.count >= 3 else { continue }
                    every.record(parts[0])
                    if first {
                        firsts.record(parts[0])
                        first = false
                        continue
                    }
                    stats.record(parts[0])
                    nexts.record(parts[1])
                    decides.record(parts[2])
                }
            }
        }
        print(stats.summary(label: "next+decide, \(children.count) reviewers on \(boxes) boxes for \(Int(seconds)) s"
                            + (thinkMs > 0 ? ", reading each row about \(thinkMs) ms" : "") + ", each reviewer's first pair apart"))
        print(nexts.summary(label: "  of which next (first pairs apart)"))
        print(decides.summary(label: "  of which decide (first pairs apart)"))
        print(firsts.summary(label: "each reviewer's first pair after opening"))
        print(every.summary(label: "every pair, the first ones included"))
        print(opens.summary(label: "each reviewer's open (workspace, queue\(asCommands ? "" : ", prepared for review"))"))
        print(String(format: "%.0f decisions a second; %d refused by the queue (decided or taken elsewhere); %d reviewer processes failed",
                     Double(every.samples.count) / seconds, refused, failed))

        let export = scratch + "/store-log.jsonl"
        _ = try winnow(["log", "export", "--workspace", workspaces[0], "--out", export])
        var decisions: [String: Int] = [:]
        try LogReader(path: export).forEach { entry in
            if entry.kind == "decision", let row = entry["row"]?.stringValue { decisions[row, default: 0] += 1 }
        }
        let twice = decisions.values.filter { $0 > 1 }.count
        print("rows with two first opinions: \(twice) (of \(decisions.count) decided)")
        for workspace in workspaces { _ = try winnow(["log", "verify", "--workspace", workspace]) }
        print("winnow log verify: ok on every box")
    }

    /// The owner's URL with another role (the same server and database).
    func url(_ owner: StoreURL, role: String) -> String {
        switch owner.endpoint {
        case let .socket(folder, port):
            return "postgresql:///\(owner.database)?host=\(folder.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? folder)&port=\(port)&user=\(role)"
        case let .tcp(host, port):
            return "postgresql://\(role)@\(host):\(port)/\(owner.database)?sslmode=\(owner.tls.rawValue)"
        }
    }

    static func addNamespace(_ name: String) throws {
        _ = try? ChildRun.run("/usr/sbin/ip", ["netns", "del", name])
        for arguments in [["netns", "add", name], ["netns", "exec", name, "ip", "link", "set", "lo", "up"]] {
            let run = try ChildRun.run("/usr/sbin/ip", arguments)
            guard run.status == 0 else { throw ValidationError("ip \(arguments.joined(separator: " ")) failed: --netns needs root and iproute2") }
        }
    }

    static func deleteNamespace(_ name: String) { _ = try? ChildRun.run("/usr/sbin/ip", ["netns", "del", name]) }

    /// Starts a child (stdout discarded, stderr to a file) without waiting for it.
    static func spawn(_ argv: [String], stderr: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, argv[0], &actions, nil, cArguments, environ) == 0 else {
            throw ValidationError("could not start \(argv[0])")
        }
        return pid
    }
}
