import CProcessSettings

/// Process-wide settings of SQLite and the C allocator, each made once per process (see
/// CProcessSettings for what each does and why).
enum ProcessSettings {
    /// SQLite's memory statistics off. Opening an index makes it, which is before the process's
    /// first database opens (afterwards SQLite would refuse it).
    static func forSQLite() { sqliteMade }

    /// The allocator keeps freed memory for the next batch. An import makes it: the setting is
    /// process-wide, and only imports free and allocate batches of megabytes at this rate (made
    /// when the import starts it does as well as made first thing in `main`: 2.24-2.34 s against
    /// 2.20-2.38 s for a million rows in alternating runs).
    static func forImport() { importMade }

    private static let sqliteMade: Void = { _ = winnow_sqlite_disable_memory_statistics() }()
    private static let importMade: Void = { winnow_keep_freed_memory() }()
}
