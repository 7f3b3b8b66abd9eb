import Foundation
import WinnowCore

/// Why a mix could not be built or checked, with the file, line or constraint it concerns.
/// The command line renders these in one place (`ErrorReport`), like every other error.
public enum MixError: UserFacingError {
    case spec(SourceLocation, String)
    /// `[generators]` names a mix that cannot be read, or a lineage that loops.
    case lineage(SourceLocation, String)
    case io(path: String, action: String, errno: Int32)
    /// The constraints cannot all hold: which one binds, and by how much the mix misses.
    case infeasible(binding: String, shortBy: Int, detail: String)
    case manifest(path: String, reason: String)
    case outputExists(path: String)
    /// Another command changed the workspace between the mix's checks and its scan of the rows.
    case workspaceMoved(checkedAt: Int, scannedAt: Int)

    public var message: String {
        switch self {
        case let .spec(location, reason), let .lineage(location, reason):
            return "\(location): \(reason)"
        case let .io(path, action, code):
            return "\(path): could not \(action): \(String(cString: strerror(code)))"
        case let .infeasible(binding, shortBy, detail):
            return "the mix spec cannot be met: \(binding) binds, \(shortBy) rows short\n\(detail)\n"
                + "(relax that constraint, add eligible rows, or build the largest mix that fits with --best-effort)"
        case let .manifest(path, reason):
            return "\(path): \(reason)"
        case let .outputExists(path):
            return "\(path) already exists; a mix is never overwritten (build it under another name, or --out DIR)"
        case let .workspaceMoved(checked, scanned):
            return "the workspace changed while the mix was being built (the log was at entry \(checked) when it was "
                + "proven and at \(scanned) when the rows were read); nothing was built: run winnow mix again"
        }
    }
}
