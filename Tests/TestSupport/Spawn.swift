import Foundation

/// Runs a program with posix_spawn and reaps it with waitpid on its own pid, its output going
/// to files: for tests that start many processes from several threads at once. Foundation's
/// `Process` once missed a child's exit there (the child a zombie, `waitUntilExit` waiting for
/// ever), as it had with `pg_ctl start` (`PostgresCluster.spawnAndWait`).
public enum Spawn {
    public struct Result: Sendable {
        /// The exit status, or 128 + the signal that ended it; -1 when it could not be started.
        public var status: Int32
        public var stdout: Data
        public var stderr: Data
    }

    public static func run(_ argv: [String], environment: [String: String], in folder: String) -> Result {
        let base = folder + "/spawn-\(UUID().uuidString)"
        defer {
            try? FileManager.default.removeItem(atPath: base + ".out")
            try? FileManager.default.removeItem(atPath: base + ".err")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, base + ".out", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, base + ".err", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let cArguments = argv.map { strdup($0) } + [nil]
        let cEnvironment = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for argument in cArguments { free(argument) }
            for variable in cEnvironment { free(variable) }
        }
        var pid: pid_t = 0
        guard posix_spawn(&pid, argv[0], &actions, nil, cArguments, cEnvironment) == 0 else {
            return Result(status: -1, stdout: Data(), stderr: Data("could not start \(argv[0])".utf8))
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exited = status & 0x7f == 0
        return Result(status: exited ? (status >> 8) & 0xff : 128 + (status & 0x7f),
                      stdout: FileManager.default.contents(atPath: base + ".out") ?? Data(),
                      stderr: FileManager.default.contents(atPath: base + ".err") ?? Data())
    }
}
