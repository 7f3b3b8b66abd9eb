import Foundation

/// Runs `command` with /bin/sh; throws when it exits non-zero (for test fixtures that need a
/// system tool, such as gzip, rather than the code under test).
public func runShell(_ command: String) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", command]
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw CocoaError(.executableLoad) }
}
