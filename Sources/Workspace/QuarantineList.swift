import Foundation
import WinnowCore

/// Reads the quarantine lists back for listings.
public enum QuarantineList {
    public struct Record: Sendable {
        public var file: String
        public var line: Int
        public var reason: String
        public var raw: JSONValue
        /// "file:line", plus the element index in a JSON array file ("file:1 [2335]").
        public var location: String {
            let element = raw["element"]?.intValue.map { " [\($0)]" } ?? ""
            return "\(file):\(line)\(element)"
        }
        /// The start of the raw line, sanitised (invalid UTF-8 shows as \\xNN), ready to print.
        public var preview: String {
            let bytes = raw["raw_base64"]?.stringValue.flatMap { Data(base64Encoded: $0) } ?? Data()
            return Sanitiser.clean(bytes: bytes.prefix(160))
        }
    }

    /// Every record, or only those of one source, ordered by file then line.
    public static func load(_ paths: WorkspacePaths, source: String? = nil) throws -> [Record] {
        let files: [String]
        if let source {
            files = [paths.quarantineFile(source)]
        } else {
            files = ((try? FileManager.default.contentsOfDirectory(atPath: paths.quarantine)) ?? [])
                .filter { $0.hasSuffix(".jsonl") }.sorted().map { paths.quarantine + "/" + $0 }
        }
        var records: [Record] = []
        for file in files {
            for value in try QuarantineWriter.read(file) {
                records.append(Record(
                    file: value["file"]?.stringValue ?? "?", line: value["line"]?.intValue ?? 0,
                    reason: value["reason"]?.stringValue ?? "?", raw: value))
            }
        }
        return records.sorted {
            ($0.file, $0.line, $0.raw["element"]?.intValue ?? 0) < ($1.file, $1.line, $1.raw["element"]?.intValue ?? 0)
        }
    }
}
