import Foundation

/// Running a command as a user without privileges, for tests of what such a user can and
/// cannot do (file permissions mean nothing to root, and CI runs the tests as root).
public enum Unprivileged {
    /// The user and group id commands drop to: `nobody` / `nogroup` on Debian, by number so the
    /// names need not exist.
    public static let uid = 65534, gid = 65534

    /// What to put before a command to run it unprivileged: as root, util-linux's `setpriv`
    /// (or `runuser`) dropping to `uid`; as anyone else, nothing (permissions already apply);
    /// nil when running as root and neither tool is installed.
    public static let wrapper: [String]? = {
        guard getuid() == 0 else { return [] }
        for dir in ["/usr/bin", "/bin", "/usr/sbin", "/sbin"] {
            if FileManager.default.isExecutableFile(atPath: dir + "/setpriv") {
                return [dir + "/setpriv", "--reuid=\(uid)", "--regid=\(gid)", "--clear-groups"]
            }
        }
        for dir in ["/usr/sbin", "/sbin", "/usr/bin"] where FileManager.default.isExecutableFile(atPath: dir + "/runuser") {
            return [dir + "/runuser", "-u", "#\(uid)", "--"]
        }
        return nil
    }()

    public static var isAvailable: Bool { wrapper != nil }

    /// What to put before a command to run it as the OS user `name` (its uid and primary
    /// group, no others): root only, with setpriv; nil otherwise or when there is no such user.
    public static func asUser(_ name: String) -> [String]? {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"), let entry = getpwnam(name) else { return nil }
        return ["/usr/bin/setpriv", "--reuid=\(entry.pointee.pw_uid)", "--regid=\(entry.pointee.pw_gid)", "--clear-groups"]
    }

    /// Makes `path` and everything in it readable and not writable by anyone but root (`a+rX,a-w`),
    /// and the folders above it up to `top` traversable, so the unprivileged user can read it.
    public static func makeReadOnly(_ path: String, traversableFrom top: String) throws {
        try runShell("chmod -R a+rX,a-w '\(path)'")
        let top = URL(fileURLWithPath: top).standardizedFileURL.path
        var dir = URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent().path
        while dir.hasPrefix(top) {
            try runShell("chmod a+rx '\(dir)'")
            dir = (dir as NSString).deletingLastPathComponent
        }
    }

    /// Whether this process can give a command a private mount namespace with a read-only bind
    /// mount (root with CAP_SYS_ADMIN, `unshare` installed): tried once on a scratch folder.
    public static let canMountReadOnly: Bool = {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare") else { return false }
        let dir = NSTemporaryDirectory() + "/winnow-rocheck-\(getpid())"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let process = Process()
        let wrapper = readOnlyMount(dir)
        process.executableURL = URL(fileURLWithPath: wrapper[0])
        // The mount must hold: touching a file in it must fail.
        process.arguments = Array(wrapper.dropFirst()) + ["/bin/sh", "-c", "! touch '\(dir)/x' 2>/dev/null"]
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    /// What to put before a command to run it in a private mount namespace where `path` is bind
    /// mounted read-only onto itself (nothing outside the command sees the mount).
    public static func readOnlyMount(_ path: String) -> [String] {
        let quoted = "'" + path.replacingOccurrences(of: "'", with: "'\\''") + "'"
        return ["/usr/bin/unshare", "-m", "--propagation", "private", "/bin/sh", "-c",
                "mount --bind \(quoted) \(quoted) && mount -o remount,bind,ro \(quoted) && exec \"$0\" \"$@\""]
    }
}
