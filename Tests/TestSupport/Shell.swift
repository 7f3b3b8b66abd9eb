import Foundation

/// Runs `command` with /bin/sh (`arguments` as its $0, $1, …); throws, with what it printed on
/// stderr, when it exits non-zero (for test fixtures that need a system tool, such as gzip,
/// rather than the code under test).
public func runShell(_ command: String, _ arguments: String...) throws {
    let shell = try ChildProcess.run("/bin/sh", ["-c", command] + arguments)
    guard shell.status == 0 && !shell.signalled else {
        throw CocoaError(.executableLoad, userInfo: ["command": command, "status": shell.status, "stderr": shell.stderr])
    }
}

/// bash for starting programs that outlive their start (servers: PostgreSQL, tmux).
public enum Bash {
    public static let path = "/bin/bash"

    /// A script's opening that closes every descriptor above 2 it inherited. posix_spawn passes
    /// on all that are not close-on-exec, and Foundation's pipes are not: a server started while
    /// another test had a child's pipe open would keep that pipe's write end, and that test
    /// would wait for its end of file until the server stopped. (bash, not sh: dash cannot name
    /// a descriptor above 9. Where /dev/fd lists nothing, nothing is closed, without a word.)
    public static let closeInherited = #"shopt -s nullglob; for fd in /dev/fd/*; do n=${fd##*/}; [ "$n" -gt 2 ] && eval "exec $n>&-"; done; "#
}
