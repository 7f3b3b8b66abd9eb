import Foundation

/// A group from the system's group database (`/etc/group`, or whatever NSS serves: `getent
/// group NAME` shows the same), for `winnow init --group` and `winnow doctor`.
public struct UnixGroup: Sendable, Equatable {
    public let name: String
    public let gid: gid_t

    public init(name: String, gid: gid_t) {
        self.name = name
        self.gid = gid
    }

    /// The group called `name`, or nil when the system has none by that name.
    public static func named(_ name: String) -> UnixGroup? {
        guard !name.isEmpty else { return nil }
        return lookUp { entry, buffer, size, result in getgrnam_r(name, &entry, buffer, size, &result) }
    }

    /// The group with this id, or nil when it has no entry (a file chowned to a bare number).
    public static func withID(_ gid: gid_t) -> UnixGroup? {
        lookUp { entry, buffer, size, result in getgrgid_r(gid, &entry, buffer, size, &result) }
    }

    /// `name` for a group id, or the bare number when it has no entry.
    public static func describe(_ gid: gid_t) -> String {
        withID(gid).map { "'\($0.name)'" } ?? "\(gid) (no such group)"
    }

    /// The reentrant lookup with a buffer grown until the entry fits (a group with many
    /// members can need more than the usual 1 KiB).
    private static func lookUp(
        _ call: (inout group, UnsafeMutablePointer<CChar>, Int, inout UnsafeMutablePointer<group>?) -> Int32
    ) -> UnixGroup? {
        var size = 1024
        while size <= 1 << 22 {
            var entry = group()
            var result: UnsafeMutablePointer<group>?
            let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: size)
            defer { buffer.deallocate() }
            let status = call(&entry, buffer, size, &result)
            if status == ERANGE {
                size *= 4
                continue
            }
            guard status == 0, result != nil, let name = entry.gr_name else { return nil }
            return UnixGroup(name: String(cString: name), gid: entry.gr_gid)
        }
        return nil
    }

    /// Whether this process may give files to the group and write as a member: it is root,
    /// or the group is its effective or a supplementary group. (A user added to a group gets
    /// it at their next login, not in a shell already open: `id -Gn` shows what counts.)
    public var includesThisProcess: Bool {
        if geteuid() == 0 || getegid() == gid { return true }
        let count = getgroups(0, nil)
        guard count > 0 else { return false }
        var groups = [gid_t](repeating: 0, count: Int(count))
        let filled = getgroups(count, &groups)
        return groups.prefix(Int(max(0, filled))).contains(gid)
    }
}
