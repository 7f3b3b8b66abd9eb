import PostgresStore
import Testing

/// Store URLs read as libpq reads them, and refused by name where winnow would otherwise
/// guess: a password kept in winnow.toml, a parameter it does not know, TLS on a socket.
@Suite struct StoreURLTests {
    func url(_ text: String) throws(StoreError) -> StoreURL { try StoreURL(text, operatingSystemUser: "ana") }

    @Test func theBoxSocketAndLibpqDefaults() throws {
        let plain = try url("postgresql:///labels")
        #expect(plain.endpoint == .socket(folder: "/var/run/postgresql", port: 5432))
        #expect(plain.socketPath == "/var/run/postgresql/.s.PGSQL.5432")
        #expect(plain.user == "ana" && plain.database == "labels" && plain.tls == .disable)
        let bare = try url("postgres://")
        #expect(bare.database == "ana" && bare.user == "ana")
    }

    @Test func aSocketFolderAsHostParameterOrEncodedHost() throws {
        let parameter = try url("postgresql:///labels?host=/tmp/pg%20run&port=5433&user=ben")
        #expect(parameter.endpoint == .socket(folder: "/tmp/pg run", port: 5433))
        #expect(parameter.user == "ben" && parameter.socketPath == "/tmp/pg run/.s.PGSQL.5433")
        let encoded = try url("postgresql://ben@%2Fsrv%2Fpg/labels")
        #expect(encoded.endpoint == .socket(folder: "/srv/pg", port: 5432) && encoded.user == "ben")
    }

    @Test func tcpHostsPortsAndTLSModes() throws {
        let tcp = try url("postgresql://ben@db.internal:5433/labels?sslmode=require")
        #expect(tcp.endpoint == .tcp(host: "db.internal", port: 5433) && tcp.tls == .require && tcp.database == "labels")
        #expect(try url("postgresql://10.0.0.2/labels").tls == .prefer)
        #expect(try url("postgresql://[::1]:6000/x").endpoint == .tcp(host: "::1", port: 6000))
        #expect(try url("postgresql://h/x?sslmode=verify-full").tls == .verifyFull)
    }

    @Test func refusalsNameThePart() throws {
        let cases: [(String, String)] = [
            ("mysql://x/y", "scheme"),
            ("postgresql://ana:secret@host/db", "password"),
            ("postgresql:///db?password=secret", "password"),
            ("postgresql:///db?sslmod=require", "sslmod"),
            ("postgresql:///db?sslmode=maybe", "sslmode"),
            ("postgresql:///db?sslmode=require", "sslmode"),
            ("postgresql://host:99999/db", "port"),
            ("postgresql://a,b/db", "host"),
            ("postgresql:///db%0A", "database"),
            ("postgresql:///" + String(repeating: "d", count: 64), "database"),
        ]
        for (text, part) in cases {
            do {
                _ = try url(text)
                Issue.record("\(text) was accepted")
            } catch {
                guard case let .badURL(shown, named, _) = error else { Issue.record("\(text): \(error)"); continue }
                #expect(named == part, "\(text): \(error.message)")
                #expect(!error.message.contains("secret"), "the password was printed: \(error.message)")
                #expect(shown == text.replacingOccurrences(of: "secret", with: "***"))
            }
        }
    }
}
