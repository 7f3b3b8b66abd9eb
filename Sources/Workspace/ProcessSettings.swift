import CProcessSettings

/// Process-wide settings of SQLite and the C allocator, each made once per process (see
/// CProcessSettings for what each does and why).
enum ProcessSettings {
    /// SQLite's memory statistics off. Opening an index makes it, which is before the process's
    /// first database opens (afterwards SQLite would refuse it).
    static func forSQLite() { _ = sqliteMade }

    /// Whether SQLite takes `file:` URIs (set with the above; false if SQLite was initialised
    /// before winnow could set it, and then no immutable read-only index is opened).
    static var sqliteURIs: Bool { sqliteMade }

    /// The allocator keeps freed memory for the next batch. An import makes it: the setting is
    /// process-wide, and only imports free and allocate batches of megabytes at this rate (made
    /// when the import starts it does as well as made first thing in `main`: 2.24-2.34 s against
    /// 2.20-2.38 s for a million rows in alternating runs).
    static func forImport() { importMade }

    /// Both SQLite settings at once (each only takes before SQLite's first open); true when
    /// URIs took.
    private static let sqliteMade: Bool = {
        _ = winnow_sqlite_disable_memory_statistics()
        return winnow_sqlite_enable_uri() == 0
    }()
    private static let importMade: Void = { winnow_keep_freed_memory() }()
}
