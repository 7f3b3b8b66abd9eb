import CProcessSettings

/// Process-wide settings of the C allocator and SQLite, made once (see CProcessSettings for
/// what each does and why). `winnow` makes them first thing in `main`, before SQLite starts;
/// opening an index makes them too, for processes that do not start in winnow's `main`, such as
/// the tests.
public enum ProcessSettings {
    public static func apply() { made }

    private static let made: Void = {
        winnow_keep_freed_memory()
        _ = winnow_sqlite_disable_memory_statistics()
    }()
}
