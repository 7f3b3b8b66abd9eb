import Foundation

/// A throwaway PostgreSQL cluster for one test: `initdb` in a temporary folder, started with
/// `pg_ctl` listening on a Unix socket in that folder only (no TCP), stopped and removed when
/// the value goes away. The server refuses to run as root, and CI runs the tests as root, so
/// there the cluster belongs to the unprivileged user (`Unprivileged`).
///
/// Local connections are trusted (any role, no password): the socket's folder is closed to
/// everyone but its owner and root, and the cluster lives as long as one test. The security
/// tests are about what the server grants each role, not about how it authenticates them.
public final class PostgresCluster: @unchecked Sendable {
    /// The bootstrap superuser: the admin role that owns what `install` scripts create.
    public static let admin = "winnow_admin"
    public let folder: TemporaryDirectory
    /// The socket's folder (libpq's `host` for a Unix socket).
    public var socketFolder: String { folder.path }
    let binaries: String
    let wrapper: [String]

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    /// Where this machine's server programs are: `pg_config --bindir`, else the newest
    /// `/usr/lib/postgresql/N/bin` (Debian's layout, where `initdb` is not on PATH).
    static func findBinaries() -> String? {
        if let dir = try? ChildProcess.run("/bin/sh", ["-c", "pg_config --bindir 2>/dev/null"]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines), !dir.isEmpty,
            FileManager.default.isExecutableFile(atPath: dir + "/initdb") {
            return dir
        }
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).sorted()
        for version in versions.reversed() where FileManager.default.isExecutableFile(atPath: "\(root)/\(version)/bin/initdb") {
            return "\(root)/\(version)/bin"
        }
        return nil
    }

    /// Creates and starts a cluster. Fails (it does not skip) when PostgreSQL is not installed:
    /// `.ci/run` installs it, so its absence is a broken machine, not a reason to test less.
    public init() throws {
        guard let binaries = Self.findBinaries() else {
            throw Failure(description: "PostgreSQL's server programs (initdb, pg_ctl) are not installed: apt-get install postgresql")
        }
        guard let wrapper = Unprivileged.wrapper else {
            throw Failure(description: "running as root without setpriv or runuser: cannot start PostgreSQL as another user")
        }
        self.binaries = binaries
        self.wrapper = wrapper
        folder = try TemporaryDirectory(prefix: "winnow-pg")
        if getuid() == 0 {
            guard chown(folder.path, uid_t(Unprivileged.uid), gid_t(Unprivileged.gid)) == 0 else {
                throw Failure(description: "chown \(folder.path): errno \(errno)")
            }
        }
        chmod(folder.path, 0o700)
        try run(binaries + "/initdb", ["-D", folder.path + "/data", "-U", Self.admin, "-A", "trust", "-E", "UTF8",
                                       "--locale=C.UTF-8", "--no-sync"])
        try run(binaries + "/pg_ctl", ["-D", folder.path + "/data", "-l", folder.path + "/server.log", "-w", "-t", "60",
                                       "-o", "-k \(folder.path) -c listen_addresses='' -c fsync=off", "start"])
        startWatchdog()
    }

    /// `deinit` stops the server, but a test process that dies first (a crash, a CI time limit)
    /// never runs it, and the server would outlive the run. So a detached shell, as the
    /// cluster's owner, polls for this process once a second and stops the server when it is
    /// gone; it ends by itself once the cluster's folder is removed. Where it cannot see this
    /// process at all (/proc mounted with hidepid), it ends at once and stops nothing.
    func startWatchdog() {
        let data = Self.shellQuoted(folder.path + "/data"), me = "/proc/\(getpid())"
        let watch = "[ -d \(me) ] || exit 0; while [ -d \(me) ] && [ -d \(data) ]; do sleep 1; done; "
            + "[ -d \(data) ] && exec \(Self.shellQuoted(binaries + "/pg_ctl")) -D \(data) -m immediate stop"
        let command = (wrapper + ["/bin/sh", "-c", watch]).map(Self.shellQuoted).joined(separator: " ")
        // Started in the background of a shell that ends at once: the watchdog is nobody's
        // child here, so it is never left a zombie of the test process. In a session of its
        // own, as the server is (pg_ctl starts it so): a signal to the test process's group
        // must not end the watchdog and leave the server.
        _ = Self.spawnAndWait(shell: "setsid \(command) </dev/null >/dev/null 2>&1 &")
    }

    deinit {
        try? run(binaries + "/pg_ctl", ["-D", folder.path + "/data", "-m", "immediate", "-w", "stop"])
    }

    /// Runs a server program as the cluster's owner; throws with its output when it fails.
    /// The output goes to a file, not a pipe: the server `pg_ctl start` leaves running would
    /// hold a pipe open, and a reader waiting for its end would wait for the server's.
    func run(_ program: String, _ arguments: [String]) throws {
        let output = folder.path + "/\((program as NSString).lastPathComponent).out"
        let command = (wrapper + [program] + arguments).map(Self.shellQuoted).joined(separator: " ")
        let status = Self.spawnAndWait(shell: "exec \(command) </dev/null >\(Self.shellQuoted(output)) 2>&1")
        guard status == 0 else {
            let said = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
            throw Failure(description: "\(program) \(arguments.joined(separator: " ")) failed (\(status)): \(said)")
        }
    }

    /// Runs `script` with bash, through posix_spawn and waitpid: Foundation's `Process` never
    /// saw `pg_ctl start` end (its child stayed a zombie and `waitUntilExit` waited for ever),
    /// so these programs are run and reaped directly. The wait status, or -1 when the spawn
    /// failed.
    ///
    /// The script first closes the descriptors it inherited (`Bash.closeInherited`), so
    /// neither the server nor the watchdog holds another test's pipe open.
    static func spawnAndWait(shell script: String) -> Int32 {
        let argv = [Bash.path, "-c", Bash.closeInherited + script]
        var pid: pid_t = 0
        let cArguments = argv.map { strdup($0) } + [nil]
        defer { for argument in cArguments { free(argument) } }
        guard posix_spawn(&pid, argv[0], nil, nil, cArguments, environ) == 0 else { return -1 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return status
    }

    static func shellQuoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// Creates `database` and a login role for each reviewer. Without an `owner`, the bootstrap
    /// superuser owns the database and the reviewers are made members of `winnow_reviewer` here
    /// (the role the store's install creates, made first). With one, as README's set-up does
    /// it: the owner is an ordinary role that may create roles and owns the database, and the
    /// reviewers are plain login roles, granted `winnow_reviewer` once the owner installed the
    /// store (`grantReviewers`).
    public func prepare(database: String, owner: String? = nil, reviewers: [String]) throws {
        var sql: [String] = []
        if let owner {
            sql.append("CREATE ROLE \(owner) LOGIN CREATEROLE")
            sql.append("CREATE DATABASE \(database) OWNER \(owner)")
            sql += reviewers.map { "CREATE ROLE \($0) LOGIN" }
        } else {
            sql.append("CREATE DATABASE \(database)")
            sql.append("DO $r$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'winnow_reviewer') THEN CREATE ROLE winnow_reviewer NOLOGIN; END IF; END $r$")
            sql += reviewers.map { "CREATE ROLE \($0) LOGIN IN ROLE winnow_reviewer" }
        }
        let result = try psql(sql.joined(separator: ";\n") + ";")
        guard result.status == 0 else { throw Failure(description: "preparing \(database): \(result.stderr)") }
    }

    /// The owner grants `winnow_reviewer` to reviewers, as README's set-up says.
    public func grantReviewers(_ reviewers: [String], database: String, as owner: String) throws {
        let result = try psql("GRANT winnow_reviewer TO \(reviewers.joined(separator: ", "))", as: owner, database: database)
        guard result.status == 0 else { throw Failure(description: "granting winnow_reviewer: \(result.stderr)") }
    }

    /// Stops the server the hard way (as a power cut would) and starts it again: what it had
    /// committed must survive, every connection is cut.
    public func restartImmediately() throws {
        try run(binaries + "/pg_ctl", ["-D", folder.path + "/data", "-l", folder.path + "/server.log", "-w", "-t", "60", "-m", "immediate",
                                       "-o", "-k \(folder.path) -c listen_addresses='' -c fsync=off", "restart"])
    }

    /// A libpq URL for `database` as `role` over this cluster's socket (what `winnow init
    /// --store` and winnow.toml take).
    public func url(database: String, role: String = PostgresCluster.admin) -> String {
        let folder = socketFolder.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? socketFolder
        return "postgresql:///\(database)?host=\(folder)&user=\(role)"
    }

    /// Runs `sql` with psql as `role` on `database`, stopping at the first error (one
    /// transaction with `singleTransaction`); the result carries psql's exit status and the
    /// server's messages, unaligned and tuples only.
    /// `osUser`, a wrapper such as `Unprivileged.asUser`, runs psql as that OS user (what peer
    /// authentication looks at).
    public func psql(_ sql: String, as role: String = PostgresCluster.admin, database: String = "postgres",
                     singleTransaction: Bool = false, osUser wrapper: [String] = []) throws -> ProcessResult {
        let script = folder.file("script-\(UUID().uuidString).sql")
        try sql.write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o644)
        defer { try? FileManager.default.removeItem(atPath: script) }
        var arguments = ["-h", socketFolder, "-U", role, "-d", database, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"]
        if singleTransaction { arguments.append("-1") }
        let command = wrapper + ["/usr/bin/env", "psql"] + arguments + ["-f", script]
        return try ChildProcess.run(command[0], Array(command.dropFirst()), environment: ["PGCONNECT_TIMEOUT": "10"])
    }

    /// From now on the server authenticates every connection by peer: the OS user at the other
    /// end of the socket, as the kernel reports it, may log in only as the roles `map` gives
    /// it (pg_ident.conf), as README's set-up for a labeling box does. The socket's folder is
    /// opened for traversal (0711) so other OS users reach the socket at all; its listing and
    /// the data folder stay closed.
    public func usePeerAuthentication(_ map: [(osUser: String, role: String)]) throws {
        let data = folder.path + "/data"
        try "local all all peer map=winnow\n".write(toFile: data + "/pg_hba.conf", atomically: false, encoding: .utf8)
        try map.map { "winnow \($0.osUser) \($0.role)\n" }.joined()
            .write(toFile: data + "/pg_ident.conf", atomically: false, encoding: .utf8)
        if getuid() == 0 {
            for file in ["pg_hba.conf", "pg_ident.conf"] {
                guard chown(data + "/" + file, uid_t(Unprivileged.uid), gid_t(Unprivileged.gid)) == 0 else {
                    throw Failure(description: "chown \(file): errno \(errno)")
                }
            }
        }
        chmod(folder.path, 0o711)
        try run(binaries + "/pg_ctl", ["-D", data, "-w", "reload"])
        // A reload is asynchronous: wait until a connection is authenticated the new way.
        for _ in 0..<100 {
            let probe = try psql("SELECT 1", as: "winnow_peer_probe_\(getpid())")
            if probe.stderr.contains("Peer authentication failed") || probe.stderr.contains("no pg_ident.conf entry")
                || probe.stderr.contains("does not match") { return }
            usleep(50_000)
        }
        throw Failure(description: "the server did not switch to peer authentication")
    }
}
