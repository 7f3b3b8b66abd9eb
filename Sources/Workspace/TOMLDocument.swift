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
            root = try Self.convert(table)
        } catch let error as TOMLParseError {
            throw WorkspaceError.config(
                SourceLocation(file: path, line: error.source.begin.line, column: error.source.begin.column),
                "invalid TOML: \(error.description)")
        } catch let error as NonFinite {
            let location = SourceLocation(file: path, line: Self.line(in: lines, table: Array(error.path.dropLast()), key: error.path.last))
            throw WorkspaceError.config(location, "\(error.path.joined(separator: ".")): must be a finite number, found nan or inf")
        }
    }

    /// A nan or infinite number and where it stands (key path).
    struct NonFinite: Error { var path: [String] }

    /// TOML spells nan and inf; no winnow setting means them, and canonical JSON (the config's
    /// hash) has no form for them (formatting one is a precondition failure): refused with the
    /// key's line before anything else reads the file.
    static func convert(_ value: TOMLValueConvertible, path: [String] = []) throws(NonFinite) -> JSONValue {
        switch value.type {
        case .table:
            guard let table = value.table else { return .null }
            var members: [(String, JSONValue)] = []
            for key in table.keys.sorted() {
                if let member = table[key] { members.append((key, try convert(member, path: path + [key]))) }
            }
            return .object(members)
        case .array:
            guard let array = value.array else { return .null }
            var items: [JSONValue] = []
            for item in array { items.append(try convert(item, path: path)) }
            return .array(items)
        case .string: return .string(value.string ?? "")
        case .int: return .int(value.int ?? 0)
        case .double:
            let number = value.double ?? 0
            guard number.isFinite else { throw NonFinite(path: path) }
            return .double(number)
        case .bool: return .bool(value.bool ?? false)
        default: return .string(value.debugDescription)
        }
    }

    /// The line where `key` is set inside `[table]` (dotted table path), or the table's header.
    public func line(table: [String], key: String? = nil) -> Int? {
        Self.line(in: lines, table: table, key: key)
    }

    static func line(in lines: [Substring], table: [String], key: String?) -> Int? {
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
