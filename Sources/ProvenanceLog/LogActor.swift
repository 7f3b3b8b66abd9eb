#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import WinnowCore

/// Who wrote an entry: the operating system's answer, never the reviewer's.
///
/// On a shared labelling box the log is evidence of who decided what. `$USER`, `$LOGNAME` and
/// command-line flags are whatever the person typing wants them to be, so the actor comes from
/// the process's real uid, the passwd entry for that uid, and the host name. Gate entries carry
/// the gate's name as well: the gate acted, on behalf of the person who ran the import.
public struct LogActor: Sendable, Hashable {
    public var uid: Int
    public var user: String
    public var host: String
    /// Set on `gate` entries: the automatic check that flagged or rejected a row.
    public var gate: String?

    public init(uid: Int, user: String, host: String, gate: String? = nil) {
        self.uid = uid
        self.user = user
        self.host = host
        self.gate = gate
    }

    /// This process's actor, looked up once (uid, passwd and host name do not change under us).
    public static let current: LogActor = LogActor(
        uid: Int(getuid()), user: userName(uid: getuid()), host: hostName())

    /// The same person, acting through a gate.
    public func acting(asGate name: String?) -> LogActor {
        var copy = self
        copy.gate = name
        return copy
    }

    /// The name in the passwd database (getpwuid_r), or "uid-N" when there is no entry, as in
    /// containers started with an arbitrary uid.
    static func userName(uid: uid_t) -> String {
        var record = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var size = max(Int(sysconf(Int32(_SC_GETPW_R_SIZE_MAX))), 1024)
        while size <= 1 << 20 {
            var buffer = [CChar](repeating: 0, count: size)
            let status = getpwuid_r(uid, &record, &buffer, buffer.count, &result)
            if status == ERANGE {
                size *= 4
                continue
            }
            if status == 0, result != nil, let name = record.pw_name {
                let text = String(cString: name)
                if !text.isEmpty { return text }
            }
            break
        }
        return "uid-\(uid)"
    }

    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "unknown-host" }
        let name = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        return name.isEmpty ? "unknown-host" : name
    }

    /// The actor as it appears in an entry.
    public var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("uid", .int(uid)), ("user", .string(user)), ("host", .string(host)),
        ]
        if let gate { members.append(("gate", .string(gate))) }
        return .object(members)
    }

    /// Reads an entry's actor; nil when a required member is missing or of the wrong type.
    public init?(json: JSONValue) {
        guard let uid = json["uid"]?.intValue, let user = json["user"]?.stringValue,
              let host = json["host"]?.stringValue else { return nil }
        let gate = json["gate"]
        if let gate, gate.stringValue == nil { return nil }
        self.init(uid: uid, user: user, host: host, gate: gate?.stringValue)
    }
}

/// Entry timestamps: RFC 3339, UTC, millisecond precision ("2025-06-01T09:30:00.125Z").
///
/// Fixed width and always UTC, so timestamps sort as text and a time-range rollback can compare
/// them without parsing; milliseconds because decisions come a few seconds apart and ties would
/// make "what happened first" depend on seq alone.
public enum LogTimestamp {
    public static func now() -> String {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return format(seconds: Int(spec.tv_sec), milliseconds: Int(spec.tv_nsec) / 1_000_000)
    }

    public static func format(seconds: Int, milliseconds: Int) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return pad(parts.tm_year + 1900, 4) + "-" + pad(parts.tm_mon + 1, 2) + "-" + pad(parts.tm_mday, 2)
            + "T" + pad(parts.tm_hour, 2) + ":" + pad(parts.tm_min, 2) + ":" + pad(parts.tm_sec, 2)
            + "." + pad(Int32(milliseconds), 3) + "Z"
    }

    /// True for "YYYY-MM-DDTHH:MM:SS[.fraction]Z": the shape `now()` writes (any fraction length
    /// accepted, so entries from other tools with seconds only still verify).
    public static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let pattern = Array("dddd-dd-ddTdd:dd:dd".utf8)
        guard bytes.count >= pattern.count + 1, bytes[bytes.count - 1] == UInt8(ascii: "Z") else {
            return false
        }
        for (i, p) in pattern.enumerated() {
            let b = bytes[i]
            if p == UInt8(ascii: "d") {
                guard b &- UInt8(ascii: "0") < 10 else { return false }
            } else if b != p {
                return false
            }
        }
        let rest = bytes.count - 1 - pattern.count
        if rest == 0 { return true }
        guard rest >= 2, bytes[pattern.count] == UInt8(ascii: ".") else { return false }
        for i in (pattern.count + 1)..<(bytes.count - 1) where bytes[i] &- UInt8(ascii: "0") >= 10 {
            return false
        }
        return true
    }

    public static func isValid(_ text: String) -> Bool {
        var copy = text
        return copy.withUTF8 { isValid($0) }
    }
}
