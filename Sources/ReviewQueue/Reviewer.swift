import Foundation
import ProvenanceLog
import Workspace

/// The person at the keyboard, as the operating system says: uid, user name, and the groups
/// that decide which slices they may see (a slice's `group` in winnow.toml). Never from a flag
/// or `$USER`, so nobody reviews a medical row by typing another name.
public struct Reviewer: Sendable, Equatable {
    public var uid: Int
    public var user: String
    public var groups: Set<String>

    public init(uid: Int, user: String, groups: Set<String>) {
        self.uid = uid
        self.user = user
        self.groups = groups
    }

    /// Who reviews through `session`: on a PostgreSQL store the role the server authenticated,
    /// whose groups are the roles it is a member of (a slice's `group` names a role there); in a
    /// file workspace the operating system's user and groups.
    public init(session: WorkspaceSession) {
        if let identity = session.store?.identity {
            self.init(uid: identity.uid, user: identity.user, groups: identity.roles)
        } else {
            self = .current()
        }
    }

    public static func current() -> Reviewer {
        let actor = LogActor.current
        return Reviewer(uid: actor.uid, user: actor.user, groups: groupNames(of: actor.user, uid: uid_t(actor.uid)))
    }

    /// Every group the user belongs to (primary and supplementary), by name.
    static func groupNames(of user: String, uid: uid_t) -> Set<String> {
        var names = Set<String>()
        var primary = getgid()
        if let entry = getpwuid(uid) { primary = entry.pointee.pw_gid }
        var count: Int32 = 64
        var ids = [gid_t](repeating: 0, count: Int(count))
        if getgrouplist(user, primary, &ids, &count) < 0 {
            ids = [gid_t](repeating: 0, count: Int(count))
            _ = getgrouplist(user, primary, &ids, &count)
        }
        for gid in ids.prefix(Int(max(0, count))) {
            if let group = getgrgid(gid), let name = group.pointee.gr_name { names.insert(String(cString: name)) }
        }
        return names
    }

    /// Whether the reviewer may see and decide rows of a slice that requires `group`.
    public func mayReview(group: String?) -> Bool {
        guard let group else { return true }
        return groups.contains(group)
    }
}
