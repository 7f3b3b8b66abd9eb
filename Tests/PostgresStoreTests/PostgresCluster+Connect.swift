import PostgresStore
import TestSupport

/// Connections to a test cluster as a role, for the client library's tests (TestSupport does not
/// depend on PostgresStore, so this lives with the tests that use it).
extension PostgresCluster {
    /// A connection to `database` as `role` (the bootstrap superuser by default).
    func connect(_ database: String = "labels", as role: String = PostgresCluster.admin) throws -> ServerConnection {
        try ServerConnection.connect(try StoreURL(url(database: database, role: role), operatingSystemUser: role))
    }

    /// The store's log in `database`, as `role`.
    func log(_ database: String = "labels", as role: String = PostgresCluster.admin) throws -> ServerLog {
        ServerLog(try connect(database, as: role))
    }
}
