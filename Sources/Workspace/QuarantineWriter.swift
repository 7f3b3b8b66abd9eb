import Foundation
import WinnowCore

/// Writes `quarantine/<source sha>.jsonl`: one line per record that did not import, with the
/// file, line, byte range in the stored source, the reason, and the raw bytes (base64, so
/// invalid UTF-8 and NULs survive). Nothing is lost: the source keeps the bytes too.
enum QuarantineWriter {
    static let rawLimit = 1 << 20

    static func write(_ records: [QuarantinedRecord], file: String, source: String, paths: WorkspacePaths) throws {
        let target = paths.quarantineFile(source)
        let stored = paths.source(source)
        guard let reader = FileHandle(forReadingAtPath: stored) else {
            throw WorkspaceError.io(path: stored, action: "read it back for the quarantine", errno: errno)
        }
        defer { try? reader.close() }
        var out = Data()
        for record in records {
            try reader.seek(toOffset: UInt64(record.offset))
            let raw = try reader.read(upToCount: Int(min(record.length, Int64(rawLimit)))) ?? Data()
            var fields: [(String, JSONValue)] = [
                ("file", .string(file)), ("source", .string(source)), ("line", .int(record.line)),
                ("offset", .int(Int(record.offset))), ("length", .int(Int(record.length))),
                ("reason", .string(record.reason)), ("raw_base64", .string(raw.base64EncodedString())),
            ]
            if record.length > Int64(rawLimit) { fields.append(("raw_truncated", .bool(true))) }
            if let element = record.element { fields.append(("element", .int(element))) }
            out.append(contentsOf: CanonicalJSON.bytes(.object(fields)))
            out.append(0x0A)
        }
        guard FileManager.default.createFile(atPath: target, contents: out, attributes: [.posixPermissions: 0o660]) else {
            throw WorkspaceError.io(path: target, action: "write the quarantine list", errno: errno)
        }
    }

    /// The list for a source read again: the new records, or no list when none are left.
    static func replace(_ records: [QuarantinedRecord], file: String, source: String, paths: WorkspacePaths) throws {
        if records.isEmpty {
            if unlink(paths.quarantineFile(source)) != 0 && errno != ENOENT {
                throw WorkspaceError.io(path: paths.quarantineFile(source), action: "remove the old quarantine list", errno: errno)
            }
            return
        }
        try write(records, file: file, source: source, paths: paths)
    }

    /// Reads a quarantine list back (for `winnow quarantine` listings and tests).
    public static func read(_ path: String) throws -> [JSONValue] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        return try data.split(separator: 0x0A).map { try JSONValue.parse(Array($0)) }
    }
}
