import Foundation

/// Phase timings on stderr when an environment variable is set (`WINNOW_MIX_TIMING`,
/// `WINNOW_GATE_TIMING`): how BENCHMARKS.md attributes a command's time to its phases. Silent
/// otherwise, and then costs one clock read a phase.
public struct PhaseTiming {
    private let label: String
    private let enabled: Bool
    private var last = DispatchTime.now().uptimeNanoseconds

    /// `label` starts each line ("mix", "gates"); `variable` switches the lines on.
    public init(_ label: String, variable: String) {
        self.label = label
        enabled = ProcessInfo.processInfo.environment[variable] != nil
    }

    public mutating func mark(_ phase: String) {
        guard enabled else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        let name = phase.padding(toLength: max(phase.count, 28), withPad: " ", startingAt: 0)
        let line = "\(label) timing: \(name) " + String(format: "%7.3f s\n", Double(now - last) / 1e9)
        FileHandle.standardError.write(Data(line.utf8))
        last = now
    }
}
