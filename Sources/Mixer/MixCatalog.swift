import Foundation
import ProvenanceLog
import WinnowCore
import Workspace

/// The mixes a workspace has built (from the log's `mix` entries, which record each folder, and
/// the mixes/ folder), and which of them contain given rows: what `rollback --dry-run` shows so
/// a data lead knows which trained models a retraction concerns.
public enum MixCatalog {
    public struct Hit: Sendable {
        public var directory: String
        public var rows: Int
    }

    public static func directories(_ session: WorkspaceSession) throws -> [String] {
        var found: [String] = []
        let reader = try LogReader(path: session.paths.log, displayPath: session.paths.display(session.paths.log))
        while let entry = try reader.next() {
            guard entry.knownKind == .mix, let dir = try entry.payload(MixPayload.self).extra["directory"]?.stringValue else { continue }
            found.append(dir.hasPrefix("/") ? dir : session.paths.root + "/" + dir)
        }
        for name in (try? FileManager.default.contentsOfDirectory(atPath: session.paths.mixes)) ?? [] where !name.hasPrefix(".") {
            found.append(session.paths.mixes + "/" + name)
        }
        var seen = Set<String>()
        return found.filter { FileManager.default.fileExists(atPath: $0 + "/manifest.json") && seen.insert($0).inserted }
    }

    /// Mixes holding at least one of `ids` (mixes written without provenance cannot be searched
    /// and are reported with -1 rows).
    public static func mixes(containing ids: Set<String>, in session: WorkspaceSession) throws -> [Hit] {
        guard !ids.isEmpty else { return [] }
        var hits: [Hit] = []
        for dir in try directories(session) {
            guard let manifest = try? MixManifest.read(directory: dir) else { continue }
            guard !manifest.stripProvenance else { hits.append(Hit(directory: dir, rows: -1)); continue }
            let rows = try MixDiff.rows(in: dir, manifest: manifest)
            let n = ids.reduce(0) { $0 + (rows[$1]?.copies ?? 0) }
            if n > 0 { hits.append(Hit(directory: session.paths.display(dir), rows: n)) }
        }
        return hits
    }
}
