import Foundation

#if FUZZING
/// libFuzzer's entry point; the target comes from WINNOW_FUZZ_TARGET (one binary, several
/// targets: each a run of its own, see .ci/fuzz).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzSelection.target.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

enum FuzzSelection {
    static let target: FuzzTarget = {
        let name = ProcessInfo.processInfo.environment["WINNOW_FUZZ_TARGET"] ?? ""
        guard let target = FuzzTarget(rawValue: name) else {
            FileHandle.standardError.write(Data("WINNOW_FUZZ_TARGET must be one of \(FuzzTarget.allCases.map(\.rawValue))\n".utf8))
            exit(64)
        }
        return target
    }()
}
#else
/// Without libFuzzer: `winnow-fuzz TARGET FILE...` runs each input once, the way the
/// regression tests replay every crasher the fuzzers found.
@main
struct FuzzReplay {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard let name = arguments.first, let target = FuzzTarget(rawValue: name) else {
            FileHandle.standardError.write(Data("usage: winnow-fuzz \(FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")) FILE...\n".utf8))
            exit(64)
        }
        for file in arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: file) else {
                FileHandle.standardError.write(Data("winnow-fuzz: cannot read \(file)\n".utf8))
                exit(1)
            }
            target.run(Array(data))
        }
        print("\(target.rawValue): \(arguments.count - 1) inputs, no crash")
    }
}
#endif
