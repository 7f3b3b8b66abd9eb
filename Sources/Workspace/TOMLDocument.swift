import Foundation
import TOMLKit
import WinnowCore

/// A parsed TOML file as a `JSONValue` tree, plus enough of its text to say on which line a
/// key stands. Public so other TOML files winnow reads (mix specs) report errors the same way. TOMLKit reports syntax errors with a line; for semantic errors (a wrong type, an
/// unknown key) the line is found from the text, so every config message can name one.
public struct TOMLDocument {
    public let path: String
    public let root: JSONValue
    let lines: [Substring]

    public init(path: String, text: String) throws {
        self.path = path
        lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        do {
            let table = try TOMLTable(string: text)
            root = Self.convert(table)
        } catch let error as TOMLParseError {
            throw WorkspaceError.config(
                SourceLocation(file: path, line: error.source.begin.line, column: error.source.begin.column),
                "invalid TOML: \(error.description)")
        }
    }

    static func convert(_ value: TOMLValueConvertible) -> JSONValue {
        switch value.type {
        case .table:
            guard let table = value.table else { return .null }
            return .object(table.keys.sorted().compactMap { key in table[key].map { (key, convert($0)) } })
        case .array:
            guard let array = value.array else { return .null }
            return .array(array.map { convert($0) })
        case .string: return .string(value.string ?? "")
        case .int: return .int(value.int ?? 0)
        case .double: return .double(value.double ?? 0)
        case .bool: return .bool(value.bool ?? false)
        default: return .string(value.debugDescription)
        }
    }

    /// The line where `key` is set inside `[table]` (dotted table path), or the table's header.
    public func line(table: [String], key: String? = nil) -> Int? {
        var inTable = table.isEmpty
        var headerLine: Int?
        let header = table.joined(separator: ".")
        for (i, raw) in lines.enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[") {
                let name = line.trimmingCharacters(in: CharacterSet(charactersIn: "[] \t"))
                    .components(separatedBy: "#")[0].trimmingCharacters(in: .whitespaces)
                inTable = name == header
                if inTable && headerLine == nil { headerLine = i + 1 }
                continue
            }
            if inTable, let key, line.hasPrefix(key) {
                let rest = line.dropFirst(key.count).trimmingCharacters(in: .whitespaces)
                if rest.hasPrefix("=") { return i + 1 }
            }
        }
        return headerLine
    }

    public func location(table: [String], key: String? = nil) -> SourceLocation {
        SourceLocation(file: path, line: line(table: table, key: key))
    }
}
