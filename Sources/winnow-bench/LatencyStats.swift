import Foundation

/// Percentiles of a set of durations, printed in microseconds.
///
/// Nearest-rank percentiles over all samples (no sampling, no interpolation): with a few
/// thousand appends the p99 is an observed latency, which is what "p99 under 2 ms" promises.
struct LatencyStats {
    private(set) var samples: [UInt64] = []  // nanoseconds

    mutating func record(_ nanoseconds: UInt64) { samples.append(nanoseconds) }

    /// The smallest sample at or above fraction `p` of the sorted samples.
    func percentile(_ p: Double) -> Double {
        guard !samples.isEmpty else { return 0 }
        let sorted = samples.sorted()
        let rank = max(0, min(sorted.count - 1, Int((p * Double(sorted.count)).rounded(.up)) - 1))
        return Double(sorted[rank]) / 1000
    }

    var maximum: Double { Double(samples.max() ?? 0) / 1000 }

    func summary(label: String) -> String {
        String(
            format: "%@: %d samples, p50 %.0f us, p99 %.0f us, max %.0f us",
            label, samples.count, percentile(0.5), percentile(0.99), maximum)
    }
}

/// Monotonic nanoseconds.
func monotonicNanoseconds() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
}

/// Writes straight to a descriptor, unbuffered: a line printed is a line the reader can see,
/// even if this process is killed the next instant.
func writeLine(_ text: String, to fd: Int32 = 1) {
    var bytes = Array((text + "\n").utf8)
    var done = 0
    while done < bytes.count {
        let n = bytes.withUnsafeMutableBytes { write(fd, $0.baseAddress! + done, $0.count - done) }
        if n > 0 { done += n } else if errno != EINTR { return }
    }
}

/// The median of some measurements (the mean of the middle two for an even count).
func medianOf(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}
