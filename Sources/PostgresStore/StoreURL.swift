import Foundation
import WinnowCore

/// Where a PostgreSQL store is: a libpq-style connection URL, read the way `psql` reads it, so a
/// team copies the same string between winnow.toml, `psql` and their scripts.
///
///     postgresql:///labels                              the box's socket (/var/run/postgresql), database labels
///     postgresql:///labels?host=/srv/pg                 a socket in another folder
///     postgresql://%2Fsrv%2Fpg/labels                   the same, the folder percent-encoded as the host
///     postgresql://ana@db.internal:5433/labels?sslmode=require
///
/// What libpq leaves to defaults, this does too: the user is the operating system's user (what
/// peer authentication expects), the database is named after the user, the port is 5432.
///
/// A password in the URL is refused: the URL is kept in winnow.toml, which every member of the
/// workspace's group reads. `PGPASSWORD` or peer authentication on the box's socket carry it
/// instead. Any parameter this does not understand is refused by name rather than ignored, as
/// libpq does: a misspelt `sslmode` must not quietly connect without TLS.
public struct StoreURL: Sendable, Hashable, CustomStringConvertible {
    public enum Endpoint: Sendable, Hashable {
        /// The server's Unix socket: `folder/.s.PGSQL.port`.
        case socket(folder: String, port: Int)
        case tcp(host: String, port: Int)
    }

    /// libpq's `sslmode`, the values this client can honour.
    public enum TLSMode: String, Sendable, CaseIterable {
        case disable, prefer, require
        /// Encrypted, and the server's certificate checked against the system's roots and the host name.
        case verifyFull = "verify-full"
    }

    public var endpoint: Endpoint
    public var user: String
    public var database: String
    public var tls: TLSMode
    /// The URL as it was written (what winnow.toml keeps).
    public var text: String

    public static let defaultSocketFolder = "/var/run/postgresql"
    public static let defaultPort = 5432

    /// The socket file for a socket endpoint.
    public var socketPath: String? {
        if case let .socket(folder, port) = endpoint { return folder + "/.s.PGSQL.\(port)" }
        return nil
    }

    public var description: String { text }

    /// Reads `text`. `operatingSystemUser` is the default role (the caller passes the process's
    /// passwd name; tests pass their own).
    public init(_ text: String, operatingSystemUser: String) throws(StoreError) {
        self.text = text
        let shown = Self.redacted(text)
        func bad(_ part: String, _ reason: String) -> StoreError { .badURL(url: shown, part: part, reason: reason) }
        let schemes = ["postgresql://", "postgres://"]
        guard let scheme = schemes.first(where: { text.hasPrefix($0) }) else {
            throw bad("scheme", "a store URL starts with postgresql:// (for example postgresql:///labels)")
        }
        var rest = Substring(text.dropFirst(scheme.count))
        var query = Substring("")
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        var authority = rest
        var path = Substring("")
        if let slash = rest.firstIndex(of: "/") {
            authority = rest[..<slash]
            path = rest[rest.index(after: slash)...]
        }
        var user: String?
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            authority = authority[authority.index(after: at)...]
            if userInfo.contains(":") {
                throw bad("password", "a password in the URL would be readable by everyone who reads winnow.toml; "
                    + "use peer authentication on the box's socket, or PGPASSWORD")
            }
            user = try Self.decode(userInfo, part: "user", url: shown)
        }
        var host: String?
        var port: Int?
        if !authority.isEmpty {
            if authority.contains(",") { throw bad("host", "one host only (a list of hosts is not supported)") }
            var hostPart = authority
            // An IPv6 address is bracketed ([::1]:5432): the port's colon is the one after "]".
            let portSearch = authority.first == "[" ? authority[(authority.firstIndex(of: "]") ?? authority.startIndex)...] : authority
            if let colon = portSearch.lastIndex(of: ":") {
                hostPart = authority[..<colon]
                port = try Self.port(authority[authority.index(after: colon)...], url: shown)
            }
            host = try Self.decode(hostPart, part: "host", url: shown)
        }
        var database = path.isEmpty ? nil : try Self.decode(path, part: "database", url: shown)
        var tls: TLSMode?
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = try Self.decode(parts[0], part: "parameter", url: shown)
            let value = try Self.decode(parts.count > 1 ? parts[1] : "", part: key, url: shown)
            switch key {
            case "host": host = value
            case "port": port = try Self.port(Substring(value), url: shown)
            case "user": user = value
            case "dbname": database = value
            case "sslmode":
                guard let mode = TLSMode(rawValue: value) else {
                    throw bad("sslmode", "\(value) is not one of " + TLSMode.allCases.map(\.rawValue).joined(separator: ", "))
                }
                tls = mode
            case "password":
                throw bad("password", "a password in the URL would be readable by everyone who reads winnow.toml; "
                    + "use peer authentication on the box's socket, or PGPASSWORD")
            default:
                throw bad(key, "not a parameter winnow understands (host, port, user, dbname, sslmode)")
            }
        }
        let resolvedPort = port ?? Self.defaultPort
        if let host, !host.isEmpty, !host.hasPrefix("/") {
            endpoint = .tcp(host: host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host,
                            port: resolvedPort)
            self.tls = tls ?? .prefer
        } else {
            let folder = host.flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultSocketFolder
            endpoint = .socket(folder: folder, port: resolvedPort)
            if let tls, tls != .disable, tls != .prefer {
                throw bad("sslmode", "\(tls.rawValue) asks for TLS, which a Unix socket does not use; leave sslmode out")
            }
            self.tls = .disable
        }
        self.user = user.flatMap { $0.isEmpty ? nil : $0 } ?? operatingSystemUser
        self.database = database.flatMap { $0.isEmpty ? nil : $0 } ?? self.user
        for (part, value) in [("user", self.user), ("database", self.database)] where value.utf8.count > 63 {
            throw bad(part, "\(value) is longer than PostgreSQL's 63-byte names")
        }
    }

    /// `text` with any password in it (user:PASSWORD@, password=PASSWORD) replaced by ***, so
    /// an error about a password does not print it.
    static func redacted(_ text: String) -> String {
        var result = text
        if let scheme = result.range(of: "://") {
            let afterScheme = result[scheme.upperBound...]
            let authorityEnd = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? result.endIndex
            if let at = result[scheme.upperBound..<authorityEnd].lastIndex(of: "@"),
               let colon = result[scheme.upperBound..<at].firstIndex(of: ":") {
                result.replaceSubrange(result.index(after: colon)..<at, with: "***")
            }
        }
        if let query = result.firstIndex(of: "?") {
            let pairs = result[result.index(after: query)...].split(separator: "&", omittingEmptySubsequences: false)
            let cleaned = pairs.map { $0.hasPrefix("password=") ? "password=***" : String($0) }
            result = String(result[...query]) + cleaned.joined(separator: "&")
        }
        return result
    }

    static func port(_ text: Substring, url: String) throws(StoreError) -> Int {
        guard let port = Int(text), (1...65535).contains(port) else {
            throw .badURL(url: url, part: "port", reason: "\(text) is not a port number (1-65535)")
        }
        return port
    }

    static func decode(_ text: Substring, part: String, url: String) throws(StoreError) -> String {
        guard let decoded = String(text).removingPercentEncoding else {
            throw .badURL(url: url, part: part, reason: "bad percent-encoding")
        }
        guard !decoded.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw .badURL(url: url, part: part, reason: "control characters are not allowed")
        }
        return decoded
    }
}
