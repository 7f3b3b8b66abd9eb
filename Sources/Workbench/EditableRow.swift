import Foundation
import WinnowCore

/// A row as text a person edits comfortably: each piece of content (a turn, an instruction,
/// an answer) under a header naming exactly where it lives in the JSON, everything else
/// (ids, provenance, roles) untouched. Reading it back replaces only those strings, so an
/// edit can change what was said but never the row's structure or its provenance.
struct EditableRow {
    /// Member names whose string values are content worth editing.
    static let contentKeys: Set<String> = [
        "content", "value", "text", "instruction", "input", "output", "prompt", "response", "completion",
        "chosen", "rejected", "context", "question", "answer", "system",
    ]
    /// Subtrees that are metadata, never content.
    static let skippedKeys: Set<String> = ["meta", "metadata", "provenance", "id", "_id"]

    enum PathStep: Equatable {
        case member(String)
        case element(Int)
    }

    struct Piece: Equatable {
        var path: [PathStep]
        var text: String
        /// A role written next to the piece (chat turns), to make the header readable.
        var role: String?

        var pathText: String {
            path.map { step -> String in
                switch step {
                case .member(let name): return "." + name
                case .element(let i): return "[\(i)]"
                }
            }.joined().drop { $0 == "." }.description
        }
    }

    /// Why edited text could not be read back, with the line.
    struct Problem: Error, Equatable {
        var line: Int
        var message: String
    }

    let original: JSONValue
    let pieces: [Piece]

    init(_ row: JSONValue) {
        original = row
        var found: [Piece] = []
        Self.collect(row, path: [], role: nil, into: &found)
        pieces = found
    }

    static let headerPrefix = "=== "
    static let headerSuffix = " ==="

    /// The text handed to the editor.
    func document(id: String) -> String {
        var out = """
            # winnow: editing row \(id). Change the text under each === header; keep the headers.
            # Lines starting with '#' before the first header are ignored. Save and quit to review the diff;
            # quit without saving (or empty the file) to cancel.

            """
        for piece in pieces {
            let role = piece.role.map { " (\($0))" } ?? ""
            out += "\(Self.headerPrefix)\(piece.pathText)\(role)\(Self.headerSuffix)\n\(piece.text)\n"
        }
        return out
    }

    /// Reads an edited document back into a row; throws with the line of the first problem.
    func read(_ edited: String) throws(Problem) -> JSONValue {
        var texts: [String] = []
        var current: [Substring]?
        var expected = 0
        let lines = edited.split(separator: "\n", omittingEmptySubsequences: false)
        for (number, line) in lines.enumerated() {
            if line.hasPrefix(Self.headerPrefix) && line.hasSuffix(Self.headerSuffix) && line.count >= 8 {
                if let current { texts.append(Self.join(current)) }
                guard expected < pieces.count else {
                    throw Problem(line: number + 1, message: "one header too many: the row has \(pieces.count) pieces of text")
                }
                let header = line.dropFirst(Self.headerPrefix.count).dropLast(Self.headerSuffix.count)
                let path = header.split(separator: " ", maxSplits: 1).first.map(String.init) ?? ""
                guard path == pieces[expected].pathText else {
                    throw Problem(line: number + 1, message: "expected the header for \(pieces[expected].pathText) here, found '\(path)'")
                }
                expected += 1
                current = []
            } else if current != nil {
                current?.append(line)
            } else if !line.hasPrefix("#") && !line.trimmingCharacters(in: .whitespaces).isEmpty {
                throw Problem(line: number + 1, message: "text before the first === header")
            }
        }
        if let current { texts.append(Self.join(current)) }
        guard texts.count == pieces.count else {
            throw Problem(line: lines.count, message: "missing header for \(pieces[texts.count].pathText): keep every === header")
        }
        var row = original
        for (piece, text) in zip(pieces, texts) { row = Self.replacing(row, at: piece.path[...], with: text) }
        return row
    }

    /// A piece's text ends at the next header; the newline before that header is the separator.
    private static func join(_ lines: [Substring]) -> String {
        var lines = lines
        if lines.last == "" { lines.removeLast() }
        return lines.joined(separator: "\n")
    }

    private static func collect(_ value: JSONValue, path: [PathStep], role: String?, into found: inout [Piece]) {
        switch value {
        case .object(let fields):
            let turnRole = fields.first { ["role", "from", "speaker"].contains($0.0) }?.1.stringValue
            for (name, member) in fields where !skippedKeys.contains(name) {
                if case .string(let text) = member, contentKeys.contains(name) {
                    found.append(Piece(path: path + [.member(name)], text: text, role: turnRole ?? role))
                } else {
                    collect(member, path: path + [.member(name)], role: turnRole ?? role, into: &found)
                }
            }
        case .array(let elements):
            for (i, element) in elements.enumerated() { collect(element, path: path + [.element(i)], role: role, into: &found) }
        default:
            break
        }
    }

    private static func replacing(_ value: JSONValue, at path: ArraySlice<PathStep>, with text: String) -> JSONValue {
        guard let step = path.first else { return .string(text) }
        switch (step, value) {
        case (.member(let name), .object(var fields)):
            if let i = fields.firstIndex(where: { $0.0 == name }) { fields[i].1 = replacing(fields[i].1, at: path.dropFirst(), with: text) }
            return .object(fields)
        case (.element(let i), .array(var elements)) where i < elements.count:
            elements[i] = replacing(elements[i], at: path.dropFirst(), with: text)
            return .array(elements)
        default:
            return value
        }
    }
}
