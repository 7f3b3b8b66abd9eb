import Foundation
import TestSupport

/// Runs the built `winnow` binary the way a person or a script would, with a pinned
/// environment (TZ, LANG, no inherited workspace), and captures what it printed.
struct WinnowRun {
    var status: Int32
    var stdout: String
    var stderr: String
    var stdoutBytes: Data
    var output: String { stdout + stderr }
}

enum WinnowProcess {
    /// The `winnow` executable built next to this test bundle (`swift test` builds it too).
    static var executable: URL { built("winnow") }

    /// An executable of this package built next to this test bundle (`winnow`, `winnow-bench`).
    static func built(_ name: String) -> URL {
        let bundle = Bundle(for: Marker.self).bundleURL
        var dir = bundle
        for _ in 0..<3 {
            let candidate = dir.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return bundle.deletingLastPathComponent().appendingPathComponent(name)
    }

    final class Marker {}

    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var sampleData: String { packageRoot.appendingPathComponent("SampleData").path }
    static var realData: String { RealData.directory }
    static var hasRealData: Bool { RealData.isPresent }

    /// The time zone, locale and terminal size pinned, and no inherited workspace.
    static let pinned: [String: String?] = [
        "TZ": "UTC", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "COLUMNS": "80", "LINES": "24", "WINNOW_WORKSPACE": nil,
    ]

    /// This process's environment, `pinned`.
    static var pinnedEnvironment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        for (key, value) in pinned { env[key] = value }
        return env
    }

    /// Runs `program` with `arguments`; a `wrapper` (a command and its arguments, such as
    /// `Unprivileged.wrapper`) runs it through that command.
    @discardableResult
    static func run(
        _ arguments: [String], in directory: String? = nil, environment extra: [String: String] = [:], program: String = "winnow",
        wrapper: [String] = []
    ) throws -> WinnowRun {
        let command = wrapper + [built(program).path] + arguments
        var environment = pinned
        for (key, value) in extra { environment[key] = value }
        let result = try ChildProcess.run(command[0], Array(command.dropFirst()), environment: environment, in: directory)
        return WinnowRun(status: result.status, stdout: result.stdout, stderr: result.stderr, stdoutBytes: result.stdoutBytes)
    }
}

extension WinnowProcess {
    /// `run`, through `Spawn` (posix_spawn and waitpid, output through files in `folder`): for
    /// many processes started from several threads at once.
    static func spawn(_ arguments: [String], scratch folder: String) -> WinnowRun {
        let result = Spawn.run([built("winnow").path] + arguments, environment: pinnedEnvironment, in: folder)
        return WinnowRun(status: result.status, stdout: String(decoding: result.stdout, as: UTF8.self),
                         stderr: String(decoding: result.stderr, as: UTF8.self), stdoutBytes: result.stdout)
    }
}

/// A temporary folder removed when the test ends: TestSupport's, with the end-to-end tests'
/// helpers below (files written in it, a workspace made by the built binary).
typealias TemporaryFolder = TemporaryDirectory

extension TemporaryDirectory {
    func file(_ name: String, _ content: String) throws -> String {
        try bytes(name, Array(content.utf8))
    }

    func bytes(_ name: String, _ content: [UInt8]) throws -> String {
        let target = path + "/" + name
        try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(content).write(to: URL(fileURLWithPath: target))
        return target
    }

    /// A fresh workspace in a subfolder.
    func workspace(_ name: String = "ws") throws -> String {
        let dir = path + "/" + name
        let result = try WinnowProcess.run(["init", dir])
        guard result.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: ["output": result.output]) }
        return dir
    }
}
