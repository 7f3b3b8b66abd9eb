import Foundation
import WinnowCore

/// The one place errors become text. Messages may quote a file name, a config value or a row,
/// so they pass the sanitiser like everything else that reaches the terminal.
enum ErrorReport {
    static func render(_ error: Error) -> String {
        let text: String
        if let error = error as? UserFacingError {
            text = error.message
        } else if let error = error as? CocoaError, let path = error.filePath {
            text = "\(path): \(error.localizedDescription)"
        } else {
            text = "\(error)"
        }
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { "winnow: " + Sanitiser.clean(String($0)) }
            .joined(separator: "\n")
    }
}

/// Exit statuses a script can rely on (the README lists them).
enum ExitStatus {
    static let ok: Int32 = 0
    static let failure: Int32 = 1
    /// The import ran, but some lines were quarantined.
    static let quarantined: Int32 = 3
}

/// A command's way of saying "done, but exit with this status" without printing an error.
struct CommandExit: Error {
    let status: Int32
}
