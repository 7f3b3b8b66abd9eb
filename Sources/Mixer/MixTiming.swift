import Foundation

/// Phase timings on stderr when `WINNOW_MIX_TIMING` is set: how BENCHMARKS.md attributes a
/// mix's time to reading the index, hashing, selecting and writing. Silent otherwise.
struct MixTiming {
    static let enabled = ProcessInfo.processInfo.environment["WINNOW_MIX_TIMING"] != nil
    private var last = DispatchTime.now().uptimeNanoseconds

    mutating func mark(_ phase: String) {
        guard Self.enabled else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        FileHandle.standardError.write(Data(String(format: "mix timing: %-24@ %7.3f s\n", phase as NSString, Double(now - last) / 1e9).utf8))
        last = now
    }
}
