import Foundation
import PostgresStore
import ProvenanceLog
import WinnowCore

/// `winnow log export`: the workspace's log as a JSONL file that `winnow log verify`, and the
/// README's three lines of Python, prove on any machine. From a store, the entries are read
/// from the server (each checked and chained as it arrives), not from this box's replica; from
/// a file workspace, the log file is copied. Either way the written file is proved with
/// `LogVerifier` before it takes its name: an export that does not verify is removed, and the
/// command fails naming the entry.
public enum LogExport {
    public struct Summary: Sendable {
        public var entries: Int
        public var head: LogHead
        /// The store the entries came from, nil for a file workspace.
        public var store: String?
    }

    public static func write(_ session: WorkspaceSession, to path: String) throws -> Summary {
        let temporary = path + ".exporting-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: nil, attributes: [.posixPermissions: 0o640]),
              let handle = FileHandle(forWritingAtPath: temporary) else {
            throw WorkspaceError.io(path: temporary, action: "create it", errno: errno)
        }
        var done = false
        defer {
            try? handle.close()
            if !done { unlink(temporary) }
        }
        if let store = session.store {
            var buffer: [UInt8] = []
            try store.server.forEachPage(after: .empty) { page in
                buffer.removeAll(keepingCapacity: true)
                for (_, line) in page {
                    buffer.append(contentsOf: line.utf8)
                    buffer.append(0x0A)
                }
                try handle.write(contentsOf: buffer)
            }
        } else {
            guard let input = FileHandle(forReadingAtPath: session.paths.log) else {
                throw WorkspaceError.io(path: session.paths.display(session.paths.log), action: "read it", errno: errno)
            }
            defer { try? input.close() }
            while let chunk = try input.read(upToCount: 8 << 20), !chunk.isEmpty { try handle.write(contentsOf: chunk) }
        }
        try handle.synchronize()
        switch try LogVerifier.verify(path: temporary, displayPath: path) {
        case .failed(let failure):
            throw WorkspaceError.logDisagrees(log: path, line: failure.line, reason: failure.problem.description + "; nothing was exported")
        case let .ok(count, headSeq, headHash):
            guard rename(temporary, path) == 0 else { throw WorkspaceError.io(path: path, action: "rename the export to it", errno: errno) }
            done = true
            return Summary(entries: count, head: LogHead(seq: headSeq, hash: headHash), store: session.store?.server.connection.url.text)
        }
    }
}
