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
        for piece in pieces { out += "\(Self.header(for: piece))\n\(piece.text)\n" }
        return out
    }

    /// Reads an edited document back into a row; throws with the line of the first problem.
    /// A line is a header only where the next piece's header is expected and it names that
    /// piece's path, so text that merely looks like a header ("=== History ===") stays text.
    func read(_ edited: String) throws(Problem) -> JSONValue {
        // Split on LF bytes, not characters: "\r\n" is one Character and would hide a break.
        var lines = Array(edited.utf8).split(separator: 0x0A, omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        // The file's own final newline ends the last piece; it is not part of its text.
        if lines.last == "" { lines.removeLast() }
        var texts: [String] = []
        var current: [String]?
        for (number, line) in lines.enumerated() {
            if texts.count + (current == nil ? 0 : 1) < pieces.count,
               isHeader(line, for: pieces[texts.count + (current == nil ? 0 : 1)]) {
                if let current { texts.append(current.joined(separator: "\n")) }
                current = []
            } else if current != nil {
                current?.append(line)
            } else if !line.hasPrefix("#") && !line.trimmingCharacters(in: .whitespaces).isEmpty {
                throw Problem(line: number + 1, message: "text before the first === header")
            }
        }
        if let current { texts.append(current.joined(separator: "\n")) }
        guard texts.count == pieces.count else {
            throw Problem(line: lines.count, message: "missing the header '=== \(pieces[texts.count].pathText) ...': keep every === header")
        }
        var row = original
        for (piece, text) in zip(pieces, texts) { row = Self.replacing(row, at: piece.path[...], with: text) }
        return row
    }

    /// Only the exact header line the document was written with counts (a line of text that
    /// is character for character the next piece's header is the one thing misread).
    private func isHeader(_ line: String, for piece: Piece) -> Bool { line == Self.header(for: piece) }

    static func header(for piece: Piece) -> String {
        // A role comes from the row: one line, nothing an editor would act on.
        let role = piece.role.map { " (\(Sanitiser.clean($0)))" } ?? ""
        return "\(headerPrefix)\(piece.pathText)\(role)\(headerSuffix)"
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
            for (i, element) in elements.enumerated() {
                // LLaMA-Factory `history: [[prompt, answer], ...]`: bare strings, but turns.
                if case .string(let text) = element, path.count == 2, path.first == .member("history") {
                    found.append(Piece(path: path + [.element(i)], text: text, role: i == 0 ? "user" : "assistant"))
                } else {
                    collect(element, path: path + [.element(i)], role: role, into: &found)
                }
            }
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
