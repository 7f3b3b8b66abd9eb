import Foundation
import WinnowCore

/// Why eval files could not be loaded: a file that cannot be read, a bad line in strict mode,
/// or a file with no usable item at all (a contamination check that silently checks nothing is
/// worse than an error).
public enum ContaminationError: UserFacingError, Equatable {
    case unreadable(file: String, reason: String)
    case badLine(SourceLocation, String)
    case noItems(file: String, reason: String)

    public var message: String {
        switch self {
        case .unreadable(let file, let reason): return "\(file): cannot read the eval file: \(reason)"
        case .badLine(let location, let reason): return "\(location): \(reason)"
        case .noItems(let file, let reason): return "\(file): no eval items (\(reason))"
        }
    }
}

extension ContaminationIndex {
    /// A line of an eval file that was left out, with where and why. Returned, never dropped:
    /// the workspace shows them so a person knows the eval set is smaller than the file.
    public struct LoadWarning: Sendable, Equatable, CustomStringConvertible {
        public var location: SourceLocation
        public var reason: String
        public var description: String { "\(location): \(reason)" }
    }

    /// The eval items read from files, and the lines left out.
    public struct Loaded: Sendable {
        public var items: [EvalItem]
        public var warnings: [LoadWarning]
    }

    /// Fields read when a line is not one of the row shapes winnow imports, in this order
    /// (question/answer sets such as GSM8K are a known shape; bare `prompt` or
    /// `instruction`/`input` sets are not).
    static let textFields: [StaticString] = [
        "question", "prompt", "instruction", "input", "context", "query", "problem", "text",
        "answer", "output", "response", "completion", "solution",
    ]

    /// Reads eval files (JSON Lines, or one JSON array) and builds the index. `files` are named
    /// as in the settings; relative names are read from `directory` (the workspace). With
    /// `strict`, the first bad line throws; otherwise bad lines come back as warnings.
    public static func load(
        files: [String], relativeTo directory: String? = nil, n: Int = 13, minimumWords: Int = 8, strict: Bool = false
    ) throws(ContaminationError) -> (index: ContaminationIndex, warnings: [LoadWarning]) {
        var items: [EvalItem] = []
        var warnings: [LoadWarning] = []
        for file in files {
            let path = file.hasPrefix("/") || directory == nil ? file : directory! + "/" + file
            let loaded = try readEvalFile(path: path, name: file, strict: strict)
            items += loaded.items
            warnings += loaded.warnings
        }
        return (ContaminationIndex(items: items, n: n, minimumWords: minimumWords), warnings)
    }

    /// The items of one eval file. `name` is what findings and messages call it.
    public static func readEvalFile(path: String, name: String? = nil, strict: Bool = false) throws(ContaminationError) -> Loaded {
        let name = name ?? path
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw .unreadable(file: name, reason: exists ? "permission denied or not a file" : "no such file")
        }
        let loaded = try parseEvalItems(Array(data), name: name, strict: strict)
        if loaded.items.isEmpty {
            let reason = loaded.warnings.first.map { "first problem: \($0)" } ?? "the file is empty"
            throw .noItems(file: name, reason: reason)
        }
        return loaded
    }

    /// The items in an eval file's bytes: one JSON object per line, or a JSON array of objects.
    public static func parseEvalItems(_ bytes: [UInt8], name: String, strict: Bool = false) throws(ContaminationError) -> Loaded {
        var result = Loaded(items: [], warnings: [])
        var failure: ContaminationError?
        bytes.withUnsafeBufferPointer { all in
            var start = 0
            if all.count >= 3 && all[0] == 0xEF && all[1] == 0xBB && all[2] == 0xBF { start = 3 }
            var first = start
            while first < all.count && (all[first] == 0x20 || all[first] == 0x0A || all[first] == 0x0D || all[first] == 0x09) {
                first += 1
            }
            var tape = JSONTape()
            func take(_ record: UnsafeBufferPointer<UInt8>, line: Int) -> Bool {
                do throws(ContaminationError) {
                    result.items.append(try item(record, tape: &tape, name: name, line: line))
                } catch {
                    guard case .badLine(let location, let reason) = error, !strict else {
                        failure = error
                        return false
                    }
                    result.warnings.append(LoadWarning(location: location, reason: reason))
                }
                return true
            }
            if first < all.count && all[first] == UInt8(ascii: "[") {
                // One JSON array (Alpaca-style .json files): each element is an item.
                do throws(JSONSyntaxError) {
                    try tape.parse(UnsafeBufferPointer(rebasing: all[start...]))
                } catch {
                    failure = .badLine(SourceLocation(file: name, line: line(of: start + error.offset, in: all)),
                                       "not valid JSON: \(error.reason)")
                    return
                }
                let whole = tape
                for element in whole.elements(0) {
                    let node = whole.nodes[element]
                    let range = Int(node.start) + start..<Int(node.end) + start
                    let isString = node.kind == .string
                    let record = UnsafeBufferPointer(rebasing: all[(isString ? range.lowerBound - 1 : range.lowerBound)..<(isString ? range.upperBound + 1 : range.upperBound)])
                    guard take(record, line: line(of: range.lowerBound, in: all)) else { return }
                }
                return
            }
            var lineNumber = 0
            var lineStart = start
            while lineStart < all.count {
                lineNumber += 1
                var end = lineStart
                while end < all.count && all[end] != 0x0A { end += 1 }
                var body = end
                if body > lineStart && all[body - 1] == 0x0D { body -= 1 }
                let record = UnsafeBufferPointer(rebasing: all[lineStart..<body])
                if record.contains(where: { $0 != 0x20 && $0 != 0x09 }) {
                    guard take(record, line: lineNumber) else { return }
                }
                lineStart = end + 1
            }
        }
        if let failure { throw failure }
        return result
    }

    /// 1-based line number of a byte offset.
    static func line(of offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var line = 1
        for i in 0..<min(offset, bytes.count) where bytes[i] == 0x0A { line += 1 }
        return line
    }

    /// One record's eval item: the text of a row shape winnow imports, else the text fields
    /// above; a record with neither is a bad line. The id is the record's own, else `file:line`.
    static func item(_ record: UnsafeBufferPointer<UInt8>, tape: inout JSONTape, name: String, line: Int)
        throws(ContaminationError) -> EvalItem
    {
        let location = SourceLocation(file: name, line: line)
        do throws(JSONSyntaxError) {
            try tape.parse(record)
        } catch {
            throw .badLine(location, "not valid JSON: \(error.reason) (byte \(error.offset + 1) of the line)")
        }
        guard tape.kind(0) == .object else { throw .badLine(location, "expected a JSON object") }
        var text = ""
        if case .success(let row) = RowRecognizer().recognize(tape, source: record) {
            text = RowRecognizer().text(of: row.shape, tape, source: record).fullText
        }
        if text.isEmpty {
            var parts: [String] = []
            for field in textFields {
                if let node = tape.member(0, named: field, source: record), tape.kind(node) == .string {
                    let value = tape.decodeString(node, source: record)
                    if !SchemaGate.isBlank(value) { parts.append(value) }
                }
            }
            text = parts.joined(separator: "\n\n")
        }
        guard !text.isEmpty else {
            throw .badLine(location, "no text to compare: none of the row shapes winnow imports, and no "
                + "question, prompt, instruction, input or answer field")
        }
        var id = "\(name):\(line)"
        if let node = tape.member(0, named: "id", source: record) {
            switch tape.kind(node) {
            case .string: id = tape.decodeString(node, source: record)
            case .number: if case .number(let number)? = try? tape.value(node, source: record) { id = number.text }
            default: break
            }
        }
        return EvalItem(id: id, file: name, line: line, text: text)
    }
}
