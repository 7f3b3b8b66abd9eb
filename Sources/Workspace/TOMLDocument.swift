import CProcessSettings
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
        if let line = Self.headerWithoutName(lines) {
            throw WorkspaceError.config(SourceLocation(file: path, line: line),
                                        "invalid TOML: a [table] header needs a name right after '['")
        }
        do {
            // Named for the C assertion handler: toml++ has internal checks malformed input
            // can reach (see CProcessSettings), and the message must name the file.
            let shown = Sanitiser.clean(path)
            let table = try shown.withCString { name in
                winnow_parsing_toml(name)
                defer { winnow_parsing_toml(nil) }
                return try TOMLTable(string: text)
            }
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

    /// The first line whose `[` or `[[` is not followed by a key: toml++ (inside TOMLKit) stops
    /// such a header with a C assertion, which aborts the whole process, so it is refused here,
    /// with its line, before the parser sees it (the fuzzer found `[` alone on a line).
    static func headerWithoutName(_ lines: [Substring]) -> Int? {
        for (i, raw) in lines.enumerated() {
            var rest = raw.drop { $0 == " " || $0 == "\t" }
            guard rest.first == "[" else { continue }
            rest = rest.dropFirst()
            if rest.first == "[" { rest = rest.dropFirst() }
            rest = rest.drop { $0 == " " || $0 == "\t" }
            guard let first = rest.first else { return i + 1 }
            let isKeyStart = first.isASCII && (first.isLetter || first.isNumber || first == "_" || first == "-")
                || first == "\"" || first == "'"
            if !isKeyStart { return i + 1 }
        }
        return nil
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
