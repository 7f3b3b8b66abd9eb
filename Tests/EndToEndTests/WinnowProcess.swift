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

    /// This process's environment with the time zone, locale and terminal size pinned and no
    /// inherited workspace.
    static var pinnedEnvironment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["TZ"] = "UTC"
        env["LANG"] = "C.UTF-8"
        env["LC_ALL"] = "C.UTF-8"
        env["COLUMNS"] = "80"
        env["LINES"] = "24"
        env.removeValue(forKey: "WINNOW_WORKSPACE")
        return env
    }

    /// Runs `program` with `arguments`; a `wrapper` (a command and its arguments, such as
    /// `Unprivileged.wrapper`) runs it through that command.
    @discardableResult
    static func run(
        _ arguments: [String], in directory: String? = nil, environment extra: [String: String] = [:], program: String = "winnow",
        wrapper: [String] = []
    ) throws -> WinnowRun {
        let process = Process()
        if let command = wrapper.first {
            process.executableURL = URL(fileURLWithPath: command)
            process.arguments = Array(wrapper.dropFirst()) + [built(program).path] + arguments
        } else {
            process.executableURL = built(program)
            process.arguments = arguments
        }
        var env = pinnedEnvironment
        for (k, v) in extra { env[k] = v }
        process.environment = env
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read both pipes while the process runs, so a chatty child never blocks on a full pipe.
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data(), errData = Data()
        group.enter()
        DispatchQueue.global().async { outData = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        process.waitUntilExit()
        group.wait()
        return WinnowRun(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                         stderr: String(decoding: errData, as: UTF8.self), stdoutBytes: outData)
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
