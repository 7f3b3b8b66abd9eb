import Foundation
import TestSupport
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
                let run = try ChildProcess.run(replay, [target, Self.folder + "/" + target + "/" + input])
                let handled = run.status == 0 && run.output.contains("1 inputs, no crash")
                    || run.status == 1 && run.output.contains("invalid TOML")
                #expect(!run.signalled && handled, "\(target)/\(input): \(run.status) \(run.output)")
            }
        }
    }
}
