import Foundation
import WinnowCore

/// A file of OpenAssistant message trees, expanded into a derived file of ordinary rows
/// (`MessageTree`) before import.
///
/// Why a derived file: the index stores each row as (source, offset, length) of one line of an
/// immutable, content-addressed source, and reindex and `mix verify` re-read those bytes. A tree
/// line holds many rows, so the rows need lines of their own. The derived file is deterministic
/// (the same tree file always gives the same bytes, so re-importing it is a no-op), it is what
/// the import entry's `source` names, and replay reads it like any other source. The original
/// file is stored in `sources/` under its own SHA-256 too, named in the entry's summary
/// (`expanded_from.source`), so nothing of what was given is lost.
///
/// A file is expanded when its first record that parses is a tree; any later record that is
/// not one is quarantined (against the original, with its line), as are trees with a member of
/// the wrong type.
final class TreeExpansion {
    /// The derived rows, one per line, canonical JSON; a temporary file in `sources/`.
    let derivedPath: String
    let original: SourceCopy
    private(set) var originalSHA = ""
    private(set) var trees = 0
    private(set) var conversations = 0
    private(set) var pairs = 0
    private(set) var quarantined: [QuarantinedRecord] = []

    private init(derivedPath: String, original: SourceCopy) {
        self.derivedPath = derivedPath
        self.original = original
    }

    func discard() {
        original.discard()
        unlink(derivedPath)
    }

    /// Counts and the original's hash, for the import entry's summary.
    var json: JSONValue {
        .object([
            ("conversations", .int(conversations)), ("format", .string("oasst-trees")),
            ("preference_pairs", .int(pairs)), ("quarantined", .int(quarantined.count)),
            ("source", .string(originalSHA)), ("trees", .int(trees)),
        ])
    }

    /// Expands `file` when its first record is a message tree; nil (having read one batch)
    /// when it is not. The temporary files are named like an import's copy, so an interrupted
    /// expansion is cleaned up the same way (`WorkspaceSession.removeAbandonedCopies`).
    static func expandIfTrees(_ file: String, paths: WorkspacePaths, maxLine: Int) throws -> TreeExpansion? {
        guard try startsWithTree(file, maxLine: maxLine) else { return nil }
        let stem = paths.sources + "/.importing-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let expansion = TreeExpansion(derivedPath: stem + "-derived", original: try SourceCopy(path: stem + "-original"))
        do {
            try expansion.expand(file, maxLine: maxLine)
        } catch {
            expansion.discard()
            throw error
        }
        return expansion
    }

    private static func startsWithTree(_ file: String, maxLine: Int) throws -> Bool {
        let splitter = RecordSplitter(input: try InputFile(path: file), maxRecordBytes: maxLine) { _ in }
        guard let batch = try splitter.nextBatch() else { return false }
        for span in batch.spans where span.problem == nil {
            guard let value = try? JSONValue.parse(Array(batch.bytes[span.start..<span.end])) else { continue }
            return MessageTree.isTree(value)
        }
        return false
    }

    private func expand(_ file: String, maxLine: Int) throws {
        var hash = StreamingHash()
        let splitter = RecordSplitter(input: try InputFile(path: file), maxRecordBytes: maxLine) { [original] chunk in
            hash.update(chunk)
            try original.write(chunk)
        }
        guard FileManager.default.createFile(atPath: derivedPath, contents: nil, attributes: [.posixPermissions: 0o640]),
              let out = FileHandle(forWritingAtPath: derivedPath) else {
            throw WorkspaceError.io(path: derivedPath, action: "create it", errno: errno)
        }
        defer { try? out.close() }
        var pending: [UInt8] = []
        while let batch = try splitter.nextBatch() {
            if !batch.fresh.isEmpty {
                try batch.bytes.withUnsafeBytes { try splitter.sink(UnsafeRawBufferPointer(rebasing: $0[batch.fresh])) }
            }
            for span in batch.spans {
                let quarantine = { (reason: String) in
                    self.quarantined.append(.init(line: span.line, offset: span.offset, length: span.length, reason: reason, element: span.element))
                }
                if let problem = span.problem { quarantine(problem); continue }
                let record = batch.bytes[span.start..<span.end]
                if record.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }) { continue }
                let value: JSONValue
                do { value = try JSONValue.parse(Array(record)) } catch {
                    quarantine("invalid JSON: \(error)")
                    continue
                }
                guard MessageTree.isTree(value) else {
                    quarantine("not an OpenAssistant message tree, in a file whose first record is one (import other rows from a file of their own)")
                    continue
                }
                do throws(RowProblem) {
                    let rows = try MessageTree.expand(value)
                    trees += 1
                    for row in rows {
                        if row["messages"] != nil { conversations += 1 } else { pairs += 1 }
                        pending += row.canonicalBytes
                        pending.append(0x0A)
                    }
                } catch {
                    quarantine("OpenAssistant tree: \(error.reason)")
                }
            }
            if pending.count > 1 << 20 {
                try out.write(contentsOf: pending)
                pending.removeAll(keepingCapacity: true)
            }
        }
        try out.write(contentsOf: pending)
        originalSHA = hash.finalizeHex()
    }

    /// Stores the original under its hash and lists its quarantined records (inside the import's
    /// transaction, after the derived source was stored).
    func commitOriginal(file: String, paths: WorkspacePaths) throws {
        try original.commit(to: paths.source(originalSHA))
        if !quarantined.isEmpty {
            try QuarantineWriter.write(quarantined, file: file, source: originalSHA, paths: paths)
        }
    }
}
