import Foundation

/// One child process's run as the benchmarks report it: wall time, exit status, and the child's
/// own CPU time and peak RSS (from wait4, so programs timed in the same rounds do not mix).
struct ChildRun {
    var seconds: Double
    var status: Int32
    var cpuSeconds: Double
    var peakRSSMB: Double

    /// Runs `executable` with output discarded, through posix_spawn and wait4 directly:
    /// Foundation's Process polls for the child's exit (about 25 ms a call) and reports no rusage.
    static func run(_ executable: String, _ arguments: [String]) throws -> ChildRun {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        let start = Date()
        guard posix_spawnp(&pid, executable, &actions, nil, argv, environ) == 0 else {
            throw RunError(message: "could not start \(executable)")
        }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let elapsed = Date().timeIntervalSince(start)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        let exit = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return ChildRun(seconds: elapsed, status: exit, cpuSeconds: seconds(usage.ru_utime) + seconds(usage.ru_stime),
                        peakRSSMB: Double(usage.ru_maxrss) / 1024)
    }

    struct RunError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
