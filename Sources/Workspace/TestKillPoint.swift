import Foundation

/// A test hook, not a feature: `WINNOW_TEST_KILL_AT=NAME` makes the process SIGKILL itself when
/// it reaches the point called NAME, so a test can interrupt a command at an exact step (a
/// timer or a watched file races with the command). Points:
/// - `import-logged`: the import entry is in the log (fsynced), the index transaction holding
///   its rows is not yet committed.
/// - `import-before-gates`: the imports are logged and indexed, their gates not yet run.
/// Unset (always, outside tests), each check is one `getenv`.
public enum TestKillPoint {
    public static func reached(_ name: String) {
        guard let wanted = getenv("WINNOW_TEST_KILL_AT"), String(cString: wanted) == name else { return }
        kill(getpid(), SIGKILL)
    }
}
