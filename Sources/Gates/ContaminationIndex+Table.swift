import Foundation
import WinnowCore

extension ContaminationIndex {
    /// The items of a CSV or TSV eval file (RFC 4180: fields may be quoted, `""` is a quote,
    /// quoted fields may span lines; a BOM and CRLF line ends are fine).
    ///
    /// With a header (its first record names a known column: question, prompt, instruction,
    /// input, text, answer, ...), named columns are read by name: prompt columns and choice
    /// columns (`A`..`J`, `option_a`, `choice1`, `ending0`) are the prompt side, answer columns
    /// the answer side, `id` the id, the rest metadata. Without one, the layout is MMLU's: the
    /// last column is the answer, every other column (question, then choices) the prompt; a
    /// single column is all prompt. A record with a different number of fields than the first
    /// is a bad line, not guessed at.
    static func parseTable(_ bytes: [UInt8], name: String, separator: UInt8, strict: Bool) throws(ContaminationError) -> Loaded {
        var result = Loaded()
        var records = TableRecords(bytes: bytes, separator: separator)
        var layout: TableLayout?
        while let record = records.next() {
            let location = SourceLocation(file: name, line: record.line)
            if layout == nil, case .success(let fields) = record.fields {
                let first = TableLayout(first: fields)
                layout = first
                if first.hasHeader {
                    guard first.columns.contains(.prompt) else {
                        throw .noItems(file: name, reason: "the header names no prompt column (question, prompt, "
                            + "instruction, input, text, or choices A-J); columns: \(fields.joined(separator: ", "))")
                    }
                    continue
                }
            }
            do throws(RowProblem) {
                let fields = try record.fields.get()
                guard let layout else { continue }
                guard fields.count == layout.columns.count else {
                    throw RowProblem("\(fields.count) fields where the \(layout.hasHeader ? "header has" : "first record has") \(layout.columns.count)")
                }
                var item = EvalItem(id: "\(name):\(record.line)", file: name, line: record.line, prompt: [])
                for (column, field) in zip(layout.columns, fields) where !SchemaGate.isBlank(field) {
                    switch column {
                    case .prompt: item.prompt.append(field)
                    case .answer: item.answer.append(field)
                    case .id: item.id = field
                    case .other: break
                    }
                }
                guard !item.prompt.isEmpty else { throw RowProblem("no prompt text in this record") }
                result.items.append(item)
            } catch {
                if strict { throw .badLine(location, error.reason) }
                result.warnings.append(LoadWarning(location: location, reason: error.reason))
            }
        }
        return result
    }
}

/// Which columns of a table hold what, from its first record.
struct TableLayout {
    enum Column: Equatable { case prompt, answer, id, other }
    var hasHeader: Bool
    var columns: [Column]

    init(first fields: [String]) {
        let names = fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        let known = names.map(Self.column(named:))
        hasHeader = fields.allSatisfy { $0.count <= 40 && !$0.contains("\n") }
            && known.contains { $0 == .prompt || $0 == .answer }
            && names.contains { EvalFields.promptKeys.contains($0) || EvalFields.answerKeys.contains($0) || EvalFields.contentKeys.contains($0) }
        if hasHeader {
            columns = known.map { $0 ?? .other }
        } else if fields.count == 1 {
            columns = [.prompt]
        } else {
            columns = Array(repeating: .prompt, count: fields.count - 1) + [.answer]
        }
    }

    /// A header name's column, nil when it names nothing known.
    static func column(named name: String) -> Column? {
        if EvalFields.promptKeys.contains(name) || EvalFields.contentKeys.contains(name) { return .prompt }
        if EvalFields.answerKeys.contains(name) || name == "label" { return .answer }
        if name == "id" || name == "question_id" { return .id }
        // Choices: "a".."j", "option_a", "choice 1", "ending0".
        if name.count == 1, let c = name.unicodeScalars.first, ("a"..."j").contains(c) { return .prompt }
        for stem in ["option", "choice", "ending"] where name.hasPrefix(stem) {
            let rest = name.dropFirst(stem.count).drop { $0 == "_" || $0 == " " }
            if !rest.isEmpty && rest.count <= 2 && rest.allSatisfy({ $0.isLetter || $0.isNumber }) { return .prompt }
        }
        return nil
    }
}

/// The records of CSV/TSV bytes, each with the line it starts on.
struct TableRecords {
    struct Record {
        var line: Int
        var fields: Result<[String], RowProblem>
    }

    let bytes: [UInt8]
    let separator: UInt8
    var position = 0
    var line = 1

    init(bytes: [UInt8], separator: UInt8) {
        self.bytes = bytes
        self.separator = separator
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { position = 3 }
    }

    /// The next non-blank record; a malformed one comes back as a failure and reading goes on
    /// at the next line.
    mutating func next() -> Record? {
        while position < bytes.count {
            let start = line
            var fields: [String] = []
            var problem: String?
            var field: [UInt8] = []
            var ended = false
            while !ended {
                field.removeAll(keepingCapacity: true)
                if position < bytes.count && bytes[position] == UInt8(ascii: "\"") {
                    position += 1
                    var closed = false
                    while position < bytes.count {
                        let b = bytes[position]
                        position += 1
                        if b == UInt8(ascii: "\"") {
                            if position < bytes.count && bytes[position] == UInt8(ascii: "\"") {
                                field.append(b)
                                position += 1
                                continue
                            }
                            closed = true
                            break
                        }
                        if b == 0x0A { line += 1 }
                        field.append(b)
                    }
                    if !closed { problem = problem ?? "a quoted field is never closed" }
                    if position < bytes.count && bytes[position] != separator && bytes[position] != 0x0A && bytes[position] != 0x0D {
                        problem = problem ?? "text after the closing quote of a field"
                        while position < bytes.count && bytes[position] != separator && bytes[position] != 0x0A { position += 1 }
                    }
                } else {
                    while position < bytes.count && bytes[position] != separator && bytes[position] != 0x0A {
                        field.append(bytes[position])
                        position += 1
                    }
                    if field.last == 0x0D && (position >= bytes.count || bytes[position] == 0x0A) { field.removeLast() }
                }
                if position < bytes.count && bytes[position] == 0x0D { position += 1 }
                if let text = String(validating: field, as: UTF8.self) {
                    fields.append(text)
                } else {
                    problem = problem ?? "not valid UTF-8"
                }
                if position >= bytes.count {
                    ended = true
                } else if bytes[position] == separator {
                    position += 1
                } else {
                    position += 1  // the newline
                    line += 1
                    ended = true
                }
            }
            if problem == nil && fields.count == 1 && fields[0].allSatisfy(\.isWhitespace) { continue }
            return Record(line: start, fields: problem.map { .failure(RowProblem($0)) } ?? .success(fields))
        }
        return nil
    }
}
