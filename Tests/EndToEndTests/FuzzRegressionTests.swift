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
                .map { Self.folder + "/" + target + "/" + $0 }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: replay)
            process.arguments = [target] + inputs
            let output = Pipe()
            process.standardOutput = output
            process.standardError = output
            try process.run()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0 && process.terminationReason == .exit,
                    "\(target): \(text)")
            #expect(text.contains("\(inputs.count) inputs, no crash"), "\(target): \(text)")
        }
    }
}
