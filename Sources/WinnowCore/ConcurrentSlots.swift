import Foundation

/// One result slot per worker of a `DispatchQueue.concurrentPerform`, behind a lock: each
/// worker writes its own slot once, the caller reads them all in order afterwards, so parallel
/// work comes back in a deterministic order.
public final class ConcurrentSlots<T>: @unchecked Sendable {
    private var slots: [T?]
    private let lock = NSLock()

    public init(count: Int) { slots = Array(repeating: nil, count: count) }

    public func set(_ index: Int, _ value: T) { lock.withLock { slots[index] = value } }

    public func get(_ index: Int) -> T? { lock.withLock { slots[index] } }
}
