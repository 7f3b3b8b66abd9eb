import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

/// One connection to a PostgreSQL store, used synchronously.
///
/// winnow's commands and the review desk are synchronous (one reviewer, one keystroke, one
/// answer), and PostgresNIO is asynchronous. Rather than make every caller async, a connection
/// waits on PostgresNIO's futures from the calling thread; the I/O runs on NIO's shared event
/// loop. A caller never runs on that loop, so the wait cannot deadlock it. Statements from one
/// connection run one at a time (the lock), as a PostgreSQL session requires.
///
/// PostgresNIO's own log is discarded: its messages can carry server text, and winnow reports
/// every failure as a `StoreError`, through the sanitiser, in one place.
///
/// A connection the server dropped (a restart, a network cut) is made again before the next
/// statement, but never inside a transaction and never for the statement that failed: that
/// one's error says it may or may not have been done, and the caller (a reviewer) decides. So a
/// review session outlives a server restart, losing only the keystroke that met it.
public final class ServerConnection: @unchecked Sendable {
    public let url: StoreURL
    private var connection: PostgresConnection
    /// The statement in flight on `connection` (see `InFlight`), made anew with each connection.
    private var inFlight: InFlight
    /// PostgresNIO's log, discarded (see above): one for every connection.
    private static let logger = Logger(label: "winnow.store", factory: { _ in SwiftLogNoOpLogHandler() })
    private var logger: Logger { Self.logger }
    /// Held for one statement, and from BEGIN to COMMIT for a transaction (recursive: the
    /// transaction's own statements take it again), so another thread's statement never runs
    /// inside someone else's transaction.
    private let mutex = NSRecursiveLock()
    private var closed = false
    /// Inside BEGIN ... COMMIT: a lost connection is not replaced until the transaction ends.
    private var inTransaction = false
    let timeoutSeconds: Int64
    /// The longest a statement may take before the connection is closed under it: a server
    /// that stopped answering (a cut network, a stopped machine) ends in an error, not a hang.
    public var statementDeadlineSeconds: Int64 = 60

    private init(url: StoreURL, connection: PostgresConnection, timeoutSeconds: Int64) {
        self.url = url
        self.connection = connection
        self.inFlight = InFlight(watching: connection)
        self.timeoutSeconds = timeoutSeconds
    }

    deinit { close() }

    /// Connects as the URL's role; the password, where the server asks for one, comes from
    /// `PGPASSWORD` (never from the URL, see `StoreURL`).
    public static func connect(_ url: StoreURL, timeoutSeconds: Int64 = 10) throws(StoreError) -> ServerConnection {
        ServerConnection(url: url, connection: try open(url, timeoutSeconds: timeoutSeconds), timeoutSeconds: timeoutSeconds)
    }

    private static func open(_ url: StoreURL, timeoutSeconds: Int64) throws(StoreError) -> PostgresConnection {
        let password = ProcessInfo.processInfo.environment["PGPASSWORD"]
        var configuration: PostgresConnection.Configuration
        switch url.endpoint {
        case .socket:
            let path = url.socketPath ?? ""
            guard FileManager.default.fileExists(atPath: path) else {
                throw .unreachable(url: url.text, reason: "no server socket at \(path) (is PostgreSQL running on this box?)")
            }
            configuration = .init(unixSocketPath: path, username: url.user, password: password, database: url.database)
        case let .tcp(host, port):
            configuration = .init(host: host, port: port, username: url.user, password: password, database: url.database,
                                  tls: try tls(for: url))
        }
        configuration.options.connectTimeout = .seconds(timeoutSeconds)
        configuration.options.additionalStartupParameters = [("application_name", "winnow")]
        do {
            return try PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.next(), configuration: configuration, id: 1, logger: logger
            ).wait()
        } catch {
            throw .unreachable(url: url.text, reason: describe(error, connecting: true))
        }
    }

    static func tls(for url: StoreURL) throws(StoreError) -> PostgresConnection.Configuration.TLS {
        var client = TLSConfiguration.makeClientConfiguration()
        if url.tls != .verifyFull { client.certificateVerification = .none }
        do {
            switch url.tls {
            case .disable: return .disable
            case .prefer: return .prefer(try NIOSSLContext(configuration: client))
            case .require, .verifyFull: return .require(try NIOSSLContext(configuration: client))
            }
        } catch {
            throw .unreachable(url: url.text, reason: "cannot set up TLS: \(error)")
        }
    }

    /// Runs one statement and returns its rows. `doing` says what for, in the words an error
    /// message needs ("append to the log").
    @discardableResult
    public func query(_ query: PostgresQuery, doing: String) throws(StoreError) -> [PostgresRow] {
        mutex.lock()
        defer { mutex.unlock() }
        guard !closed else { throw .lost(url: url.text, doing: doing, reason: "the connection was closed") }
        if connection.isClosed {
            guard !inTransaction else {
                throw .lost(url: url.text, doing: doing, reason: "the server closed the connection in the middle of a transaction")
            }
            connection = try Self.open(url, timeoutSeconds: timeoutSeconds)
            inFlight = InFlight(watching: connection)
        }
        let running = connection, statement = inFlight, seconds = statementDeadlineSeconds
        let answer = statement.start(on: running.eventLoop)
        let deadline = running.eventLoop.scheduleTask(in: .seconds(statementDeadlineSeconds)) {
            statement.finish(.failure(InFlight.Gone.noAnswer(seconds: seconds)))
            let closing: EventLoopFuture<Void> = running.close()
            _ = closing
        }
        defer { deadline.cancel() }
        running.query(query, logger: logger).whenComplete { statement.finish($0.map(\.rows)) }
        do {
            return try answer.wait()
        } catch let gone as InFlight.Gone {
            throw .lost(url: url.text, doing: doing, reason: gone.reason)
        } catch {
            throw classify(error, doing: doing)
        }
    }

    /// Runs SQL written by an admin's tool (set-up scripts, the benchmarks' roles), one
    /// statement, no parameters: never with text from a row, a file or a reviewer.
    public func execute(adminSQL sql: String, doing: String) throws(StoreError) {
        try query(PostgresQuery(unsafeSQL: sql), doing: doing)
    }

    /// Runs `body` between BEGIN and COMMIT; any error rolls back and is rethrown. The
    /// connection is a session: only this thread's statements run inside.
    public func transaction<T>(doing: String, _ body: () throws -> T) throws -> T {
        mutex.lock()
        defer { mutex.unlock() }
        try begin(doing: doing, refusal: "a transaction was asked for inside another")
        defer { setInTransaction(false) }
        do {
            let value = try body()
            try query("COMMIT", doing: doing)
            return value
        } catch {
            _ = try? query("ROLLBACK", doing: doing)
            throw error
        }
    }

    /// Runs `body` between BEGIN and ROLLBACK: nothing it does is committed, whether its
    /// statements succeed or fail. A ROLLBACK that does not get through closes the connection,
    /// so no later statement runs inside the transaction (the next one connects again).
    ///
    /// `body` runs single statements only: a `transaction` (a multi-entry append, a file
    /// upload) inside it is refused, as this is inside another transaction.
    public func rolledBack(doing: String, _ body: () -> Void) throws(StoreError) {
        mutex.lock()
        defer { mutex.unlock() }
        try begin(doing: doing, refusal: "a rolled-back block was asked for inside a transaction")
        defer { setInTransaction(false) }
        body()
        do {
            try query("ROLLBACK", doing: doing)
        } catch {
            try? connection.close().wait()
            throw error
        }
    }

    /// BEGIN for `transaction` and `rolledBack`, refused (with `refusal`) inside a transaction
    /// already open: a nested one's COMMIT or ROLLBACK would end the outer transaction, and its
    /// end would mark the connection as out of one while it is still in it.
    private func begin(doing: String, refusal: String) throws(StoreError) {
        guard !inTransaction else { throw .unexpected(url: url.text, doing: doing, reason: refusal) }
        try query("BEGIN", doing: doing)
        setInTransaction(true)
    }

    private func setInTransaction(_ value: Bool) {
        mutex.lock()
        inTransaction = value
        mutex.unlock()
    }

    public func close() {
        mutex.lock()
        defer { mutex.unlock() }
        guard !closed else { return }
        closed = true
        try? connection.close().wait()
    }

    /// The server's refusal as the server said it; a broken connection as lost.
    func classify(_ error: any Error, doing: String) -> StoreError {
        if let psql = error as? PSQLError {
            if let info = psql.serverInfo, let message = info[.message] {
                return .refused(url: url.text, doing: doing, sqlState: info[.sqlState] ?? "?????", message: message,
                                detail: info[.detail] ?? info[.hint])
            }
            if psql.code == .serverClosedConnection || psql.code == .clientClosedConnection || psql.code == .uncleanShutdown
                || psql.code == .connectionError {
                return .lost(url: url.text, doing: doing, reason: Self.describe(error, connecting: false))
            }
        }
        return .unexpected(url: url.text, doing: doing, reason: Self.describe(error, connecting: false))
    }

    /// Words for a failure that is not the server's own message.
    static func describe(_ error: any Error, connecting: Bool) -> String {
        guard let psql = error as? PSQLError else { return "\(error)" }
        if let message = psql.serverInfo?[.message] {
            return message + (psql.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? "")
        }
        switch psql.code {
        case .authMechanismRequiresPassword:
            return "the server asks for a password: set PGPASSWORD, or use peer authentication on the box's socket"
        case .unsupportedAuthMechanism:
            return "the server asks for an authentication method this client does not support"
        case .sslUnsupported:
            return "the server does not offer TLS (sslmode=require asks for it)"
        case .serverClosedConnection, .uncleanShutdown:
            return "the server closed the connection" + (connecting ? " (it may be starting up or shutting down)" : "")
        default:
            if let underlying = psql.underlying { return "\(underlying)" }
            return "\(psql.code)"
        }
    }
}

/// A row's column read as a type, or `StoreError.unexpected` naming the column. By position:
/// PostgresNIO's by-name look-up stops the process when a column is missing.
extension PostgresRow {
    func value<T: PostgresDecodable>(
        at index: Int, _ name: String, as type: T.Type, url: String, doing: String
    ) throws(StoreError) -> T {
        let cells = makeRandomAccess()
        guard index < cells.count else {
            throw .unexpected(url: url, doing: doing, reason: "no column \(name) in the answer")
        }
        do {
            return try cells[index].decode(T.self)
        } catch {
            throw .unexpected(url: url, doing: doing, reason: "column \(name) is not \(T.self)")
        }
    }
}

/// The one statement in flight on a connection, answered by whichever comes first: the
/// server's answer, the connection's end, or the statement's deadline.
///
/// Why not just wait on PostgresNIO's future: a statement sent as the server went down (a
/// `pg_ctl restart -m immediate` in the fault test) once never had its future completed, not
/// even when the connection was closed under it, and `winnow decide` waited for ever. A
/// statement cannot be answered once its connection has closed, so then it is failed here
/// (after a moment, so PostgresNIO's own error, which says more, wins when it comes).
final class InFlight: @unchecked Sendable {
    enum Gone: Error {
        case closed
        case noAnswer(seconds: Int64)

        var reason: String {
            switch self {
            case .closed: return "the server closed the connection"
            case .noAnswer(let seconds): return "no answer within \(seconds) s; the connection was closed"
            }
        }
    }

    private let lock = NSLock()
    private var promise: EventLoopPromise<[PostgresRow]>?
    private var closed = false

    init(watching connection: PostgresConnection) {
        connection.closeFuture.whenComplete { [weak self] _ in
            connection.eventLoop.scheduleTask(in: .milliseconds(500)) { self?.closedNow() }
        }
    }

    /// The answer to the statement about to be sent.
    func start(on loop: any EventLoop) -> EventLoopFuture<[PostgresRow]> {
        let promise = loop.makePromise(of: [PostgresRow].self)
        lock.lock()
        self.promise = promise
        let gone = closed
        lock.unlock()
        if gone { finish(.failure(Gone.closed)) }
        return promise.futureResult
    }

    /// The first of the three to come answers; the others find nothing to do.
    func finish(_ result: Result<[PostgresRow], any Error>) {
        lock.lock()
        let promise = self.promise
        self.promise = nil
        lock.unlock()
        promise?.completeWith(result)
    }

    private func closedNow() {
        lock.lock()
        closed = true
        lock.unlock()
        finish(.failure(Gone.closed))
    }
}
