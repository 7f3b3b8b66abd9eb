import Foundation
import WinnowCore

/// Why appends to one log stopped.
struct PoisonRecord: Sendable {
    var detail: String
    var sinceSeq: Int
}

/// Logs this process has stopped writing to, by real path: a second `LogFile` opened on the
/// same log after an I/O error must not quietly start writing again. (Not by inode: an inode
/// freed by a deleted file is soon reused by an unrelated one.)
final class PoisonRegistry: @unchecked Sendable {
    static let shared = PoisonRegistry()
    private let mutex = NSLock()
    private var records: [String: PoisonRecord] = [:]

    func record(for path: String) -> PoisonRecord? {
        mutex.lock()
        defer { mutex.unlock() }
        return records[path]
    }

    func poison(_ path: String, _ record: PoisonRecord) {
        mutex.lock()
        defer { mutex.unlock() }
        if records[path] == nil { records[path] = record }
    }
}

extension LogFile {
    /// Appends one entry: envelope from the OS (actor, time) and the log (seq, prev), then
    /// write, fdatasync, and only then return it.
    @discardableResult
    public func append(_ payload: some LogPayload) throws(LogError) -> LogEntry {
        try append([payload as any LogPayload])[0]
    }

    /// Appends several entries under one lock with one write and one fdatasync: an import's
    /// gate flags, a retraction's consequences. They share a timestamp. Either all of them are
    /// on disk when this returns, or it throws.
    @discardableResult
    public func append(_ payloads: [any LogPayload]) throws(LogError) -> [LogEntry] {
        guard !payloads.isEmpty else { return [] }
        guard !readOnly else { throw .readOnly(file: displayPath) }
        for payload in payloads { try payload.validate() }
        return try locked { () throws(LogError) -> [LogEntry] in
            if let stop = poison ?? PoisonRegistry.shared.record(for: realPath) {
                throw .writesStopped(file: displayPath, detail: stop.detail, sinceSeq: stop.sinceSeq)
            }
            let head = try currentHead()
            let ts = LogTimestamp.now()
            var entries: [LogEntry] = []
            entries.reserveCapacity(payloads.count)
            var bytes: [UInt8] = []
            var prev = head
            for payload in payloads {
                let (entry, line) = try LogEntry.seal(
                    seq: prev.seq + 1, prev: prev.hash, ts: ts,
                    actor: LogActor.current.acting(asGate: payload.gateName), tool: tool,
                    kind: type(of: payload).kind.rawValue, fields: payload.toFields())
                entries.append(entry)
                bytes.append(contentsOf: line)
                prev = LogHead(seq: entry.seq, hash: entry.hash)
            }
            let start = cached?.size ?? 0
            try writeDurably(bytes, at: start, firstSeq: head.seq + 1)
            cached = (start + bytes.count, prev)
            return entries
        }
    }

    /// One write (looping only on a short write), then fdatasync. A write that fails part-way
    /// is truncated back so no half line is left; an I/O error on either poisons the log.
    func writeDurably(_ bytes: [UInt8], at start: Int, firstSeq: Int) throws(LogError) {
        let code = io.writeAll(fd, bytes)
        if code != 0 {
            let truncated = ftruncate(fd, off_t(start)) == 0
            if code == EIO || !truncated {
                let detail = "write: \(LogError.describe(errno: code))"
                    + (truncated ? "" : "; the partial write could not be removed")
                throw stopWrites(detail, sinceSeq: firstSeq)
            }
            cached = nil
            throw .io(file: displayPath, operation: "append", errno: code)
        }
        let status = io.sync(fd)
        if status != 0 {
            throw stopWrites("fdatasync: \(LogError.describe(errno: -status))", sinceSeq: firstSeq)
        }
    }

    /// Stops all further appends to this file from this process; returns the error saying so.
    private func stopWrites(_ detail: String, sinceSeq: Int) -> LogError {
        let record = PoisonRecord(detail: detail, sinceSeq: sinceSeq)
        poison = record
        PoisonRegistry.shared.poison(realPath, record)
        cached = nil
        return .writesStopped(file: displayPath, detail: detail, sinceSeq: sinceSeq)
    }
}
