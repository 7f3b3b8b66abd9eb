/// A problem in a keymap file, pointing at the line. Loading never throws: a bad line is
/// reported and skipped so one typo in a user's keymap does not cost them every other binding.
public struct KeymapDiagnostic: Sendable, Equatable, CustomStringConvertible {
    /// Errors mean a line was not applied; warnings mean it was, but probably not as meant
    /// (unbinding a key that was never bound).
    public enum Severity: Sendable, Equatable {
        case error, warning
    }

    /// The path as the user (or the `source` line that reached it) wrote it, so they can open it.
    public var file: String
    /// 1-based; 0 for a problem with the file as a whole (it could not be read at all).
    public var line: Int
    public var message: String
    public var severity: Severity

    public init(file: String, line: Int, message: String, severity: Severity = .error) {
        self.file = file
        self.line = line
        self.message = message
        self.severity = severity
    }

    /// The one place a diagnostic becomes text: `file:line: message`, like a compiler, so
    /// editors and terminals can jump to it. A whole-file problem has no line to name.
    /// Messages quote words from the file, which may hold escape sequences: those are shown,
    /// never passed to the terminal that prints this.
    public var description: String {
        let place = line > 0 ? "\(file):\(line)" : file
        return Self.shown("\(place): \(severity == .warning ? "warning: " : "")\(message)")
    }

    /// Control and invisible characters as `\u{...}`.
    static func shown(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned:
                result += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            default:
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
