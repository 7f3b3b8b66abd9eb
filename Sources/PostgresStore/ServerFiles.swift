import Foundation
import NIOCore
import PostgresNIO
import WinnowCore

/// The store's content-addressed files (sources, verdict files; see `fileStatements`): put one
/// from this box, fetch one another box put, and never use bytes whose SHA-256 is not their name.
public struct ServerFiles: Sendable {
    public let connection: ServerConnection
    var url: String { connection.url.text }

    /// Bytes per part: well under PostgreSQL's 1 GB value limit, few enough round trips.
    public static let partSize = 4 << 20

    public init(_ connection: ServerConnection) {
        self.connection = connection
    }

    /// Whether the store holds a file named `sha`.
    public func has(_ sha: String) throws(StoreError) -> Bool {
        let doing = "look for stored file \(sha)"
        let rows = try connection.query("SELECT 1 FROM public.winnow_file WHERE sha = \(sha)", doing: doing)
        return !rows.isEmpty
    }

    /// Stores the file at `path` as `sha` unless the store has it, in one transaction. The
    /// bytes are hashed as they are sent: a file that is not `sha` is refused before commit.
    public func put(_ sha: String, from path: String) throws {
        if try has(sha) { return }
        do {
            try send(sha, from: path)
        } catch let error as StoreError where error.isPermissionDenied {
            guard case let .refused(url, doing, state, message, _) = error else { throw error }
            throw StoreError.refused(url: url, doing: doing, sqlState: state, message: message,
                                     detail: "files are stored by the store's leads (the owner and members of winnow_lead), who import and run gates")
        }
    }

    private func send(_ sha: String, from path: String) throws {
        try connection.transaction(doing: "store file \(sha)") {
            let parts = try sendParts(sha, from: path)
            try record(sha, parts: parts)
        }
    }

    /// Inserts the parts of the file at `path` under `sha`, inside the caller's transaction,
    /// hashing the bytes as they go: a file that is not `sha` is refused before its `winnow_file`
    /// row (`record`) is written. `keepGoing` is asked before each part (an upload whose file
    /// turned out not to be wanted stops early).
    func sendParts(_ sha: String, from path: String, keepGoing: () -> Bool = { true }) throws -> (count: Int32, size: Int64) {
        let doing = "store file \(sha)"
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw StoreError.unexpected(url: url, doing: doing, reason: "cannot open \(path) to send it")
        }
        defer { try? handle.close() }
        var hasher = StreamingHash()
        var part: Int32 = 0
        var size: Int64 = 0
        while true {
            guard keepGoing() else { throw ServerFileUpload.NotWanted() }
            let data = try handle.read(upToCount: Self.partSize) ?? Data()
            if data.isEmpty { break }
            data.withUnsafeBytes { hasher.update($0) }
            size += Int64(data.count)
            let bytes = ByteBuffer(bytes: data)
            try connection.query("INSERT INTO public.winnow_file_part(sha, part, bytes) VALUES (\(sha), \(part), \(bytes))", doing: doing)
            part += 1
        }
        let computed = hasher.finalizeHex()
        guard computed == sha else {
            throw StoreError.unexpected(url: url, doing: doing, reason: "\(path) hashes to \(computed), not \(sha): it changed since it was stored")
        }
        return (part, size)
    }

    /// The row that makes a file's parts a file, written last in the transaction that sent them.
    func record(_ sha: String, parts: (count: Int32, size: Int64)) throws(StoreError) {
        try connection.query("INSERT INTO public.winnow_file(sha, size, parts) VALUES (\(sha), \(parts.size), \(parts.count))",
                             doing: "store file \(sha)")
    }

    /// Writes the stored file `sha` to `path` (through a temporary name, renamed once its hash
    /// is checked). Returns false when the store has no such file.
    public func fetch(_ sha: String, to path: String, mode: mode_t = 0o440) throws -> Bool {
        let doing = "fetch stored file \(sha)"
        let files = try connection.query("SELECT parts, size, owner::text FROM public.winnow_file WHERE sha = \(sha)", doing: doing)
        guard let file = files.first else { return false }
        let parts = try file.value(at: 0, "parts", as: Int32.self, url: url, doing: doing)
        let size = try file.value(at: 1, "size", as: Int64.self, url: url, doing: doing)
        let owner = try file.value(at: 2, "owner", as: String.self, url: url, doing: doing)
        let temporary = path + ".fetching-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: nil, attributes: [.posixPermissions: 0o640]),
              let handle = FileHandle(forWritingAtPath: temporary) else {
            throw StoreError.unexpected(url: url, doing: doing, reason: "cannot create \(temporary)")
        }
        var keep = false
        defer {
            try? handle.close()
            if !keep { try? FileManager.default.removeItem(atPath: temporary) }
        }
        var hasher = StreamingHash()
        var written: Int64 = 0
        for part in 0..<parts {
            let rows = try connection.query("SELECT bytes FROM public.winnow_file_part WHERE sha = \(sha) AND part = \(part)", doing: doing)
            guard let row = rows.first else {
                throw StoreError.unexpected(url: url, doing: doing, reason: "part \(part) of \(parts) is missing (stored by \(owner))")
            }
            var buffer = try row.value(at: 0, "bytes", as: ByteBuffer.self, url: url, doing: doing)
            let data = buffer.readBytes(length: buffer.readableBytes) ?? []
            data.withUnsafeBytes { hasher.update($0) }
            written += Int64(data.count)
            try handle.write(contentsOf: data)
        }
        let computed = hasher.finalizeHex()
        guard computed == sha, written == size else {
            throw StoreError.unexpected(url: url, doing: doing,
                                        reason: "the stored bytes (\(written) of \(size), put by role \(owner)) hash to \(computed), not \(sha); not used")
        }
        try handle.synchronize()
        chmod(temporary, mode)
        guard rename(temporary, path) == 0 else {
            throw StoreError.unexpected(url: url, doing: doing, reason: "cannot rename \(temporary) to \(path): \(String(cString: strerror(errno)))")
        }
        keep = true
        return true
    }
}
