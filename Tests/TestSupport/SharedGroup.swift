import Foundation

/// A Unix group for tests of shared workspaces (`winnow init --group`, `winnow doctor`): one
/// that exists on the machine and that this process may give files to.
///
/// As root (CI), Debian's `users` group (gid 100) when it exists, so nothing on the machine is
/// changed; without it, a group made for the test with `groupadd` and removed with `groupdel`
/// when the value is released. As anyone else, the process's own primary group (chown to it
/// is always allowed). `Unprivileged.member(of:)` runs a command as another user in it.
public final class SharedGroup: @unchecked Sendable {
    public let name: String
    public let gid: UInt32
    private let created: Bool

    public init() throws {
        if getuid() != 0 {
            guard let entry = getgrgid(getgid()) else { throw CocoaError(.featureUnsupported) }
            name = String(cString: entry.pointee.gr_name)
            gid = getgid()
            created = false
            return
        }
        if let entry = getgrnam("users") {
            name = "users"
            gid = entry.pointee.gr_gid
            created = false
            return
        }
        let made = "winnow-test-\(getpid())"
        try runShell("groupadd '\(made)'")
        guard let entry = getgrnam(made) else { throw CocoaError(.featureUnsupported) }
        name = made
        gid = entry.pointee.gr_gid
        created = true
    }

    deinit {
        if created { try? runShell("groupdel '\(name)'") }
    }

    /// A group id other than this one that this process may give files to, for a file
    /// "owned by another group": as root any (nogroup, 65534); otherwise another of this
    /// process's supplementary groups, or nil when it has none.
    public var another: UInt32? {
        if getuid() == 0 { return gid == 65534 ? 65533 : 65534 }
        let count = getgroups(0, nil)
        guard count > 0 else { return nil }
        var groups = [gid_t](repeating: 0, count: Int(count))
        _ = getgroups(count, &groups)
        return groups.first { $0 != gid }
    }
}

extension Unprivileged {
    /// What to put before a command to run it as the unprivileged user (`uid`) with `group` as
    /// a supplementary group: a member of a shared workspace's team who is not its creator.
    /// Only as root (setpriv); nil otherwise.
    public static func member(of group: SharedGroup) -> [String]? {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else { return nil }
        return ["/usr/bin/setpriv", "--reuid=\(uid)", "--regid=\(gid)", "--groups=\(group.gid)"]
    }

    /// Lets every user pass through `path` and the folders above it up to `top` (a fresh
    /// temporary folder is 0700), without making anything readable or writable.
    public static func makeTraversable(_ path: String, from top: String) throws {
        let top = URL(fileURLWithPath: top).standardizedFileURL.path
        var dir = URL(fileURLWithPath: path).standardizedFileURL.path
        while dir.hasPrefix(top) {
            try runShell("chmod a+x '\(dir)'")
            dir = (dir as NSString).deletingLastPathComponent
        }
    }
}
