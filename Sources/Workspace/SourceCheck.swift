import Foundation
import GRDB
import WinnowCore

/// Whether a stored source still holds the bytes its name promises. Sources are named by their
/// SHA-256 and never modified, so a mismatch means someone changed a file the log vouches for:
/// a mix built from it would ship text no reviewer saw.
public enum SourceCheck {
    /// nil when `sources/SHA.jsonl` exists and its bytes hash to SHA; else what is wrong.
    public static func problem(_ sha: String, paths: WorkspacePaths) -> String? {
        let path = paths.source(sha)
        guard let actual = ContentHash.file(at: path) else {
            return "\(paths.display(path)) " + (FileManager.default.fileExists(atPath: path) ? "cannot be read" : "is missing")
        }
        return actual == sha ? nil : "\(paths.display(path)) changed: its bytes now hash to \(actual.prefix(16)), not to its name"
    }
}

extension WorkspaceSession {
    /// Every source the index holds rows from, checked against its name (SHA-256 runs at
    /// ~1.7 GB/s here: a whole workspace's sources in seconds, once per mix).
    public func verifySources() throws {
        let shas = try index.read { db in try String.fetchAll(db, sql: "SELECT sha FROM sources ORDER BY id") }
        for sha in shas {
            if let problem = SourceCheck.problem(sha, paths: paths) {
                throw WorkspaceError.input(path: paths.display(paths.source(sha)), reason: problem + "; stopped before reading it")
            }
        }
    }
}
