import Foundation
import Testing

/// Every input under Tests/Fuzz/<target>/ (crashers the fuzzers found, and inputs that crashed
/// winnow before a fix) is replayed through its target with the plain `winnow-fuzz` build:
/// none may crash again. `.ci/fuzz` runs the fuzzers themselves.
@Suite struct FuzzRegressionTests {
    static let folder = WinnowProcess.packageRoot.appendingPathComponent("Tests/Fuzz").path

    @Test func everyKnownCrasherStaysFixed() throws {
        let replay = WinnowProcess.executable.deletingLastPathComponent().appendingPathComponent("winnow-fuzz").path
        let targets = try FileManager.default.contentsOfDirectory(atPath: Self.folder).sorted()
        #expect(!targets.isEmpty)
        for target in targets {
            let inputs = try FileManager.default.contentsOfDirectory(atPath: Self.folder + "/" + target).sorted()
            #expect(!inputs.isEmpty)
            for input in inputs {
                // One process per input: a TOML input the C parser cannot take ends the process
                // with a config error (exit 1, the file named), which is the handled outcome.
                let process = Process()
                process.executableURL = URL(fileURLWithPath: replay)
                process.arguments = [target, Self.folder + "/" + target + "/" + input]
                let output = Pipe()
                process.standardOutput = output
                process.standardError = output
                try process.run()
                let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                let handled = process.terminationStatus == 0 && text.contains("1 inputs, no crash")
                    || process.terminationStatus == 1 && text.contains("invalid TOML")
                #expect(process.terminationReason == .exit && handled, "\(target)/\(input): \(process.terminationStatus) \(text)")
            }
        }
    }
}
