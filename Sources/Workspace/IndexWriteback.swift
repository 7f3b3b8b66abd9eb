import Foundation

/// Flushes a bulk load's index pages to disk every so often while the load runs, so the sync at
/// its commit has only the last moments' pages left to write.
///
/// Why: the kernel starts writing dirty pages back only when a tenth of memory is dirty, so a
/// million-row load left ~165 MB for the commit's sync, 0.09 s with nothing else to do (the
/// parsers had finished). Synced on the side while the parsers still run, it overlaps them.
///
/// It syncs through a descriptor of its own, which stays open for the life of the process, one
/// per index file: closing any descriptor of a file drops every POSIX lock the process holds on
/// that file, SQLite's locks included, so this descriptor must never be closed while SQLite may
/// hold one.
final class IndexWriteback: @unchecked Sendable {
    private let fd: Int32
    private let interval: TimeInterval
    private let condition = NSCondition()
    private var stopped = false
    private var running = false

    /// nil when the file cannot be opened (then the commit simply syncs everything itself).
    init?(path: String, interval: TimeInterval = 0.25) {
        guard let fd = Self.descriptor(for: path) else { return nil }
        self.fd = fd
        self.interval = interval
        running = true
        let thread = Thread { [self] in run() }
        thread.start()
    }

    private func run() {
        condition.lock()
        while !stopped {
            if !condition.wait(until: Date(timeIntervalSinceNow: interval)) && !stopped {
                condition.unlock()
                _ = fdatasync(fd)
                condition.lock()
            }
        }
        running = false
        condition.broadcast()
        condition.unlock()
    }

    /// Stops syncing and waits for a sync in progress to finish.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        while running { condition.wait() }
        condition.unlock()
    }

    private static let registry = NSLock()
    nonisolated(unsafe) private static var descriptors: [String: Int32] = [:]

    private static func descriptor(for path: String) -> Int32? {
        registry.lock()
        defer { registry.unlock() }
        if let fd = descriptors[path] { return fd }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        descriptors[path] = fd
        return fd
    }
}
