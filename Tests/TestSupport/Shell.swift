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
