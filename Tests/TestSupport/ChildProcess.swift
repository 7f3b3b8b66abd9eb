import Foundation

/// The executables `swift build` / `swift test` put next to the test bundle.
public enum BuiltProduct {
    /// The path of the executable `name` from this package's build folder.
    ///
    /// On Linux the test bundle is itself an executable in `.build/<triple>/<config>/`, beside
    /// the package's executables; on macOS it is a bundle in that folder. So look beside the
    /// running binary and a few levels up, then in the package's own `.build/debug`.
    public static func executable(named name: String, file: String = #filePath) -> String {
        var places: [URL] = []
        for start in [Bundle.main.executableURL, URL(fileURLWithPath: CommandLine.arguments[0])].compactMap({ $0 }) {
            var dir = start.resolvingSymlinksInPath().deletingLastPathComponent()
            for _ in 0..<4 {
                places.append(dir)
                dir = dir.deletingLastPathComponent()
            }
        }
        let root = URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        places.append(root.appendingPathComponent(".build/debug"))
        for dir in places {
            let candidate = dir.appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return root.appendingPathComponent(".build/debug/\(name)").path
    }
}

/// What a finished child process printed and how it ended.
public struct ProcessResult: Sendable {
    public var status: Int32
    /// True when it ended by a signal (then `status` is the signal number).
    public var signalled: Bool
    public var stdout: String
    public var stderr: String
    /// stdout as it came, for output that is not text (`gzip -dc` of a file with invalid UTF-8).
    public var stdoutBytes: Data
    /// stdout, then stderr: what a failed expectation shows.
    public var output: String { stdout + stderr }
}

/// A child process with its output captured, for tests that need several real processes (file
/// locks are per process) or need to kill one mid-write.
public final class ChildProcess: @unchecked Sendable {
    private let process = Process()
    private let out = Pipe(), err = Pipe()
    private let group = DispatchGroup()
    private let lock = NSLock()
    private var outData = Data(), errData = Data()

    /// Starts `executable` with `arguments` (in `directory`, or this process's folder);
    /// `environment` entries replace or (with nil) remove the inherited ones.
    public init(_ executable: String, _ arguments: [String], environment changes: [String: String?] = [:],
                in directory: String? = nil) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        var environment = ProcessInfo.processInfo.environment
        for (key, value) in changes { environment[key] = value }
        process.environment = environment
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Drain both pipes while it runs, so a chatty child never blocks on a full pipe.
        for (pipe, isOut) in [(out, true), (err, false)] {
            group.enter()
            DispatchQueue.global().async {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                self.lock.lock()
                if isOut { self.outData = data } else { self.errData = data }
                self.lock.unlock()
                self.group.leave()
            }
        }
    }

    public var pid: Int32 { process.processIdentifier }

    /// Sends `signal` (SIGKILL to simulate a crash).
    public func kill(_ signal: Int32 = SIGKILL) {
        _ = Foundation.kill(process.processIdentifier, signal)
    }

    /// Waits for the process to end and returns what it printed.
    public func wait() -> ProcessResult {
        process.waitUntilExit()
        group.wait()
        lock.lock()
        defer { lock.unlock() }
        return ProcessResult(
            status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal,
            stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self),
            stdoutBytes: outData)
    }

    /// Runs to completion.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String?] = [:], in directory: String? = nil
    ) throws -> ProcessResult {
        try ChildProcess(executable, arguments, environment: environment, in: directory).wait()
    }
}
