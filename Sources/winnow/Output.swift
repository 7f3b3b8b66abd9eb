import Foundation
import WinnowCore

/// Writes to stdout/stderr. Every piece of untrusted text goes through `Sanitiser` on its way
/// here; callers pass trusted layout (labels, numbers) and untrusted values separately via `safe`.
///
/// Written with write(2), not FileHandle: SwiftNIO (under the PostgreSQL store's client) ignores
/// SIGPIPE for the whole process, so `winnow queue | head` gets EPIPE where it used to be ended by
/// the signal, and FileHandle.write stops the program with a stack trace on any write error. A
/// reader that went away ends winnow quietly with the status the signal would have given (141).
enum Output {
    static func line(_ text: String = "") {
        if !write(text + "\n", to: STDOUT_FILENO) { Foundation.exit(128 + SIGPIPE) }
    }

    static func error(_ text: String) {
        _ = write(text + "\n", to: STDERR_FILENO)
    }

    /// Writes all of `text`; false when the reader is gone (EPIPE) or the descriptor fails.
    private static func write(_ text: String, to fd: Int32) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            var done = 0
            while done < bytes.count {
                let n = Foundation.write(fd, bytes.baseAddress! + done, bytes.count - done)
                if n > 0 {
                    done += n
                } else if n < 0 && errno == EINTR {
                    continue
                } else {
                    return false
                }
            }
            return true
        }
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
