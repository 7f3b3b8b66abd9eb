import Foundation
import WinnowCore

/// Writes to stdout/stderr. Every piece of untrusted text goes through `Sanitiser` on its way
/// here; callers pass trusted layout (labels, numbers) and untrusted values separately via `safe`.
enum Output {
    static func line(_ text: String = "") {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Untrusted text made safe for one line of a terminal.
    static func safe(_ text: String) -> String { Sanitiser.clean(text) }

    /// JSON for `--json`: canonical, one document, safe to print (bidi, zero-width and C1
    /// characters in names and notes escaped as `\u202e`, which JSON readers decode as before).
    static func json(_ value: JSONValue) {
        line(Sanitiser.jsonSafe(value.canonicalString))
    }

    /// A two-column table of counts, largest first, names sanitised.
    static func counts(_ title: String, _ counts: [String: Int], indent: String = "  ") {
        guard !counts.isEmpty else { return }
        line("\(indent)\(title):")
        let width = min(40, counts.keys.map { safe($0).count }.max() ?? 0)
        for (name, count) in counts.sorted(by: { ($1.value, $0.key) < ($0.value, $1.key) }) {
            let label = safe(name)
            line("\(indent)  \(label.padding(toLength: max(width, label.count), withPad: " ", startingAt: 0))  \(count)")
        }
    }

    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }
}
