import Foundation
import Workspace

/// The import progress bar on stderr: bytes, rows per second and time left. Drawn only when
/// stderr is a terminal (never into a log file or a CI transcript), at most ten times a second.
final class ProgressBar: ImportProgress {
    let label: String
    private let start = Date()
    private var lastDraw = Date.distantPast
    private var drawn = false

    init(label: String) { self.label = label }

    static func ifTerminal(label: String) -> ProgressBar? {
        Output.stderrIsTerminal && ProcessInfo.processInfo.environment["CI"] == nil ? ProgressBar(label: label) : nil
    }

    func update(bytesRead: Int64, totalBytes: Int64, rows: Int) {
        let now = Date()
        guard now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        let elapsed = max(0.001, now.timeIntervalSince(start))
        let fraction = totalBytes > 0 ? min(1, Double(bytesRead) / Double(totalBytes)) : 0
        let width = 24
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let rate = Double(rows) / elapsed
        let eta = fraction > 0.01 ? elapsed * (1 - fraction) / fraction : 0
        let text = String(format: "\r%@ [%@] %3.0f%%  %@ rows  %@ rows/s  ETA %@ ",
                          label, bar, fraction * 100, Self.count(rows), Self.count(Int(rate)), Self.duration(eta))
        FileHandle.standardError.write(Data(text.utf8))
        drawn = true
    }

    func finish() {
        guard drawn else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    static func count(_ n: Int) -> String {
        n >= 1_000_000 ? String(format: "%.1fM", Double(n) / 1e6) : n >= 10_000 ? "\(n / 1000)k" : "\(n)"
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? "\(s / 3600)h\(s % 3600 / 60)m" : s >= 60 ? "\(s / 60)m\(s % 60)s" : "\(s)s"
    }
}
