import Foundation
import ProvenanceLog
import WinnowCore

/// Streams the log's entries in order for replay and listings, one line at a time (the log of
/// a busy workspace is large). Each line is fully checked as it is read; a bad line stops the
/// stream with an error naming it, so replay never applies an entry it cannot trust.
public enum LogStream {
    /// Calls `body` for each entry with seq > `after`, at most `limit` of them.
    public static func forEach(
        path: String, displayPath: String? = nil, after: Int = 0, limit: Int = .max,
        _ body: (LogEntry) throws -> Void
    ) throws {
        guard let file = fopen(path, "rb") else {
            if errno == ENOENT { return }
            throw WorkspaceError.io(path: path, action: "read the log", errno: errno)
        }
        defer { fclose(file) }
        var lineNumber = 0
        var delivered = 0
        var linePointer: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(linePointer) }
        while delivered < limit {
            let length = getline(&linePointer, &capacity, file)
            if length < 0 { break }
            lineNumber += 1
            guard let linePointer, length > 0, linePointer[length - 1] == 0x0A else { break }  // torn tail: open repairs it
            if lineNumber <= after { continue }
            let bytes = UnsafeRawBufferPointer(start: linePointer, count: length - 1)
            let entry = try LogEntry(parsing: Array(bytes.bindMemory(to: UInt8.self)),
                                     location: SourceLocation(file: displayPath ?? path, line: lineNumber))
            try body(entry)
            delivered += 1
        }
    }

    /// All entries, or the last `tail` of them.
    public static func entries(path: String, displayPath: String? = nil, tail: Int? = nil) throws -> [LogEntry] {
        var entries: [LogEntry] = []
        try forEach(path: path, displayPath: displayPath) { entry in
            entries.append(entry)
            if let tail, entries.count > tail { entries.removeFirst(entries.count - tail) }
        }
        return entries
    }
}
