import Foundation
import GRDB
import WinnowCore

/// Reads rows back from their stored sources: the exact bytes, the parsed value, and the text
/// segments gates and the review screen work on. A row is re-recognised with the options its
/// import recorded, so it reads the same way it imported whatever the config says today.
public final class RowStore {
    let paths: WorkspacePaths
    let index: RowIndex
    private var recognizers: [String: RowRecognizer] = [:]
    /// Open sources, by hash: read with `pread`, closed by `closeFiles` or with the store.
    private var descriptors: [String: Int32] = [:]
    /// Reused by `text(of:source:shape:id:)`: a tape keeps its capacity between rows.
    var scratchTape = JSONTape()

    public init(paths: WorkspacePaths, index: RowIndex) {
        self.paths = paths
        self.index = index
    }

    deinit { closeFiles() }

    /// How many sources this store has open.
    var openFiles: Int { descriptors.count }

    /// Closes the sources this store has open (the next read opens its source again); the
    /// recognizers it made are kept. A store kept for a long job closes its files between
    /// parts of it, so a job that keeps many stores does not hold many descriptors each.
    func closeFiles() {
        for descriptor in descriptors.values { close(descriptor) }
        descriptors.removeAll()
    }

    /// The row's bytes exactly as they stand in its source.
    public func bytes(of row: IndexedRow) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: Int(row.length))
        try bytes.withUnsafeMutableBytes { try read(into: $0, from: row.source, at: row.offset, for: row) }
        return bytes
    }

    /// Fills `buffer` from `source` at `offset` with preads (no seek, no Data); `row` names the
    /// row (the first of a block) in errors.
    func read(into buffer: UnsafeMutableRawBufferPointer, from source: String, at offset: Int64, for row: IndexedRow) throws {
        switch Self.readFully(buffer, from: try descriptor(of: source), at: offset) {
        case .read: return
        case .failed(let code):
            throw WorkspaceError.io(path: paths.display(paths.source(source)), action: "read row \(row.id)", errno: code)
        case .pastTheEnd:
            throw WorkspaceError.index(path: index.path, reason: "row \(row.id) points past the end of source \(source.prefix(12))")
        }
    }

    enum FullRead: Equatable {
        case read
        case failed(errno: Int32)
        case pastTheEnd
    }

    /// Fills `buffer` from `descriptor` at `offset` with preads, through interruptions and short
    /// reads.
    static func readFully(_ buffer: UnsafeMutableRawBufferPointer, from descriptor: Int32, at offset: Int64) -> FullRead {
        var done = 0
        while done < buffer.count {
            let n = pread(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
            if n < 0 && errno == EINTR { continue }
            if n < 0 { return .failed(errno: errno) }
            if n == 0 { return .pastTheEnd }
            done += n
        }
        return .read
    }

    /// The source's descriptor, opened on first use. Only a source that is not there is
    /// "missing"; any other failure (out of descriptors, no permission) says what it was.
    private func descriptor(of source: String) throws -> Int32 {
        if let open = descriptors[source] { return open }
        let path = paths.source(source)
        let opened = open(path, O_RDONLY | O_CLOEXEC)
        guard opened >= 0 else {
            if errno == ENOENT { throw WorkspaceError.sourceMissing(sha: source, path: paths.display(path)) }
            throw WorkspaceError.io(path: paths.display(path), action: "open it", errno: errno)
        }
        descriptors[source] = opened
        return opened
    }

    /// The row as a JSON value (member order as written).
    public func value(of row: IndexedRow) throws -> JSONValue {
        do { return try JSONValue.parse(try bytes(of: row)) } catch let error as WorkspaceError { throw error } catch {
            throw WorkspaceError.index(path: index.path, reason: "row \(row.id) no longer parses: \(error)")
        }
    }

    /// The row's readable text, segment by segment.
    public func text(of row: IndexedRow) throws -> RowText {
        try text(of: try bytes(of: row), source: row.source, shape: row.shape, id: row.id)
    }

    func recognizer(for source: String) throws -> RowRecognizer {
        if let known = recognizers[source] { return known }
        let options = try index.read { db in
            try String.fetchOne(db, sql: "SELECT options FROM sources WHERE sha = ?", arguments: [source])
        }
        let recognizer = Self.recognizer(options: try options.map { try JSONValue.parse($0) } ?? .object([]))
        recognizers[source] = recognizer
        return recognizer
    }

    /// How rows of a source imported with `options` (its `sources.options`) are read: what every
    /// reviewer, gate and mix sees of them.
    static func recognizer(options: JSONValue) -> RowRecognizer {
        ImportOptions.replaying(options)?.0 ?? RowRecognizer()
    }
}
