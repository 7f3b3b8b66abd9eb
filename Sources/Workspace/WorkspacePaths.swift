import Foundation

/// Where a workspace keeps each thing (DESIGN.md, "Workspace on disk").
public struct WorkspacePaths: Sendable, Equatable {
    public let root: String

    public init(root: String) {
        self.root = URL(fileURLWithPath: root).standardizedFileURL.path
    }

    public var config: String { root + "/winnow.toml" }
    public var sources: String { root + "/sources" }
    public var logDirectory: String { root + "/log" }
    public var log: String { logDirectory + "/provenance.jsonl" }
    public var index: String { root + "/index.sqlite" }
    public var quarantine: String { root + "/quarantine" }
    public var mixes: String { root + "/mixes" }
    /// Gate runs' verdict files, named by their SHA-256 (the `gate-run` entries pin them).
    public var gates: String { root + "/gates" }

    public func source(_ sha: String) -> String { sources + "/\(sha).jsonl" }
    public func quarantineFile(_ sha: String) -> String { quarantine + "/\(sha).jsonl" }
    public func verdictFile(_ sha: String) -> String { gates + "/\(sha).jsonl" }

    /// A path as the user should read it: relative to the workspace when inside it.
    public func display(_ path: String) -> String {
        path.hasPrefix(root + "/") ? String(path.dropFirst(root.count + 1)) : path
    }

    /// Finds the workspace the way git finds a repository: an explicit `--workspace`, then
    /// `WINNOW_WORKSPACE`, then the nearest `winnow.toml` at or above `start`.
    public static func locate(
        explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
        start: String = FileManager.default.currentDirectoryPath
    ) throws -> WorkspacePaths {
        if let dir = explicit ?? environment["WINNOW_WORKSPACE"].flatMap({ $0.isEmpty ? nil : $0 }) {
            let paths = WorkspacePaths(root: dir)
            guard try holdsConfig(paths.root) else { throw WorkspaceError.notFound(searchedFrom: paths.root) }
            return paths
        }
        var dir = URL(fileURLWithPath: start).standardizedFileURL
        while true {
            if try holdsConfig(dir.path) { return WorkspacePaths(root: dir.path) }
            let parent = dir.deletingLastPathComponent()
            if parent.path == dir.path { break }
            dir = parent
        }
        throw WorkspaceError.notFound(searchedFrom: start)
    }

    /// Whether `folder` holds a winnow.toml. A shared workspace is closed to everyone outside
    /// its group (2770): that is said as such, not as "no workspace here".
    static func holdsConfig(_ folder: String) throws -> Bool {
        var status = stat()
        if stat(folder + "/winnow.toml", &status) == 0 { return true }
        if errno == EACCES {
            throw WorkspaceError.io(path: folder, action: "open the workspace (not in its group?)", errno: EACCES)
        }
        return false
    }
}
