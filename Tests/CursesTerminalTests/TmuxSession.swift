import Foundation
import TestSupport

/// A tmux server of its own (a unique `-L` socket, no user config) with one 80x24 window
/// running an interactive bash, so tests type commands and keys the way a person does and
/// read the screen back with `capture-pane`. Every wait polls with a deadline: a test that
/// goes wrong fails with the screen it saw, it never hangs.
final class TmuxSession {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let tmux: String
    let socket: String
    static let target = "winnow:0.0"

    /// tmux from PATH. Missing tmux is a failure, not a skip: CI installs it (.ci/run).
    static func locate() throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/tmux"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw Failure(description: "tmux is not on PATH (\(path)): the real-terminal tests drive winnow inside tmux; install it (apt-get install tmux), as .ci/run does")
    }

    init(columns: Int = 80, rows: Int = 24) throws {
        tmux = try Self.locate()
        socket = "winnow-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        // The pane runs bash with the pinned environment; PS1 is fixed so the prompt is known.
        let shell = "env -u TMUX TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC PS1='$ ' NO_COLOR= "
            + "bash --norc --noprofile -i"
        try startServer(["-f", "/dev/null", "new-session", "-d", "-s", "winnow", "-x", "\(columns)", "-y", "\(rows)", shell])
        try waitFor("the shell prompt") { $0.contains("$") }
    }

    deinit { _ = try? ChildProcess.run(tmux, ["-L", socket, "kill-server"]) }

    /// The first command forks the server, which keeps every descriptor the client had:
    /// Foundation's Process notices a child's end by such a descriptor closing, so it would
    /// wait for the server to exit. So this one is spawned by hand, on /dev/null, with no
    /// signal blocked or caught (a child inherits the mask; test threads block most signals,
    /// and the panes, winnow included, must see SIGHUP), through bash closing the other
    /// descriptors it inherited (`Bash.closeInherited`): the server would hold another test's
    /// pipe open for as long as it runs.
    private func startServer(_ arguments: [String]) throws {
        var environment = ProcessInfo.processInfo.environment
        environment["TMUX"] = nil
        let argv = ([Bash.path, "-c", Bash.closeInherited + #"exec "$0" "$@""#, tmux, "-L", socket] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd: Int32 in 0...2 {
            posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, Bash.path, &actions, &attributes, argv, envp)
        guard spawned == 0 else { throw Failure(description: "cannot start \(tmux) through \(Bash.path): error \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        guard status == 0 else {
            throw Failure(description: "tmux \(arguments.joined(separator: " ")) failed (wait status \(status))")
        }
    }

    /// Runs a tmux command on this server; throws with tmux's own words when it fails.
    @discardableResult
    func run(_ arguments: [String]) throws -> String {
        let result = try ChildProcess.run(tmux, ["-L", socket] + arguments, environment: ["TMUX": nil])
        guard result.status == 0 else {
            throw Failure(description: "tmux \(arguments.joined(separator: " ")) failed (\(result.status)): \(result.stderr)")
        }
        return result.stdout
    }

    /// Types a line into the shell and presses Enter.
    func typeLine(_ line: String) throws {
        try run(["send-keys", "-t", Self.target, "-l", line])
        try run(["send-keys", "-t", Self.target, "Enter"])
    }

    /// Presses keys by tmux's names (`C-d`, `Up`, `F5`, `M-x`, `q`).
    func press(_ keys: String...) throws {
        try run(["send-keys", "-t", Self.target] + keys)
    }

    /// The visible screen, one string per row, trailing spaces trimmed.
    func screen() throws -> [String] {
        var text = try run(["capture-pane", "-p", "-t", Self.target])
        if text.hasSuffix("\n") { text.removeLast() }
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { String($0.reversed().drop(while: { $0 == " " }).reversed()) }
    }

    /// A pane format value, e.g. `alternate_on`, `cursor_flag`, `pane_pid`.
    func format(_ name: String) throws -> String {
        try run(["display-message", "-p", "-t", Self.target, "#{\(name)}"]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Polls the screen until `condition` holds; throws with the last screen after `seconds`.
    @discardableResult
    func waitFor(_ what: String, seconds: Double = 10, _ condition: (String) -> Bool) throws -> [String] {
        let deadline = Date().addingTimeInterval(seconds)
        var lines: [String] = []
        repeat {
            lines = try screen()
            if condition(lines.joined(separator: "\n")) { return lines }
            usleep(50_000)
        } while Date() < deadline
        throw Failure(description: "waited \(seconds) s for \(what); the screen was:\n" + lines.joined(separator: "\n"))
    }

    /// The pid of the pane's child process named `name` (the shell's foreground job).
    func childPid(named name: String, seconds: Double = 10) throws -> Int32 {
        let shell = try format("pane_pid")
        let deadline = Date().addingTimeInterval(seconds)
        repeat {
            for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
                guard let pid = Int32(entry),
                      let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                      let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")") else { continue }
                let command = stat[stat.index(after: open)..<close]
                let fields = stat[stat.index(after: close)...].split(separator: " ")
                if command == name, fields.count > 1, String(fields[1]) == shell { return pid }
            }
            usleep(50_000)
        } while Date() < deadline
        throw Failure(description: "no process \(name) under the pane's shell (pid \(shell))")
    }
}
