import Foundation
import WinnowCore

/// A log file kept as a replica of a log that lives elsewhere (a PostgreSQL store): entries are
/// written there, by the server, and copied here as they are, byte for byte, so every reader of
/// the log file (`log verify`, the index's catch-up, the mixer) works on either store.
extension LogFile {
    /// Appends entries written elsewhere, each line as it is. Under the lock, entries this file
    /// already holds are left out, after checking the one at the file's head is the same entry
    /// (same hash): two processes on one box bring the replica up to date without writing an
    /// entry twice. Every line must pass `LogEntry(parsing:)` (the caller checked that), and the
    /// first new one must follow the head; a replica that disagrees with its source throws
    /// `.corrupt` and nothing is written. Returns how many entries were added.
    @discardableResult
    public func appendReplicated(_ entries: [(entry: LogEntry, line: String)]) throws(LogError) -> Int {
        guard !entries.isEmpty else { return 0 }
        guard !readOnly else { throw .readOnly(file: displayPath) }
        return try locked { () throws(LogError) -> Int in
            if let stop = poison ?? PoisonRegistry.shared.record(for: realPath) {
                throw .writesStopped(file: displayPath, detail: stop.detail, sinceSeq: stop.sinceSeq)
            }
            let head = try currentHead()
            var prev = head
            var bytes: [UInt8] = []
            for (entry, line) in entries {
                if entry.seq < head.seq { continue }
                if entry.seq == head.seq {
                    guard entry.hash == head.hash else {
                        throw .corrupt(LogFailure(file: displayPath, line: head.seq, problem: .badHash(computed: entry.hash, stored: head.hash)))
                    }
                    continue
                }
                guard entry.seq == prev.seq + 1 else {
                    throw .corrupt(LogFailure(file: displayPath, line: prev.seq + 1, problem: .wrongSeq(expected: prev.seq + 1, found: entry.seq)))
                }
                guard entry.prev == prev.hash else {
                    throw .corrupt(LogFailure(file: displayPath, line: entry.seq, problem: .brokenChain(expected: prev.hash, found: entry.prev)))
                }
                bytes.append(contentsOf: line.utf8)
                bytes.append(0x0A)
                prev = LogHead(seq: entry.seq, hash: entry.hash)
            }
            guard !bytes.isEmpty else { return 0 }
            let start = cached?.size ?? 0
            try writeDurably(bytes, at: start, firstSeq: head.seq + 1)
            cached = (start + bytes.count, prev)
            return prev.seq - head.seq
        }
    }
}

extension LogFile {
    /// Runs `body` holding the log's exclusive lock, so no process appends meanwhile: for work
    /// that reads the whole log and must know it did not grow under it (moving the log into a
    /// store). Other processes' appends wait, then go on.
    public func holdingLock<T>(_ body: () throws -> T) throws -> T {
        guard !readOnly else { throw LogError.readOnly(file: displayPath) }
        mutex.lock()
        defer { mutex.unlock() }
        while flock(lockFD, LOCK_EX) != 0 {
            guard errno == EINTR else { throw LogError.lastIO(displayPath + ".lock", "lock") }
        }
        defer { _ = flock(lockFD, LOCK_UN) }
        guard FileIdentity(path: path) == identity else { throw LogError.replaced(file: displayPath) }
        return try body()
    }
}
