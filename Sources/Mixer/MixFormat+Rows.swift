import Foundation
import WinnowCore

/// Turning a row's readable text into the shape the mix's consumers load. Works from the
/// labelled segments import already understands, so every input shape (chat, Alpaca,
/// prompt/response, TRL or HH preference pairs, Dolly, mapped fields) converts the same way.
extension MixFormat {
    /// Whether rows of `shape` have a form in this format (decided before selection, so a row
    /// that cannot be written never counts toward a constraint).
    func accepts(_ shape: RowShape) -> Bool {
        switch self {
        case .chat, .alpaca: return true
        case .preference: return shape.isPreferencePair
        }
    }

    /// The row in this format, members in code-point order (what `MixField.write` expects), or
    /// nil when its text has no such form (no answer at all).
    func convert(_ text: RowText) -> [(String, MixField)]? {
        switch self {
        case .chat:
            let turns = Self.turns(text.segments.filter { $0.side != "rejected" })
            guard turns.contains(where: { $0.role == "assistant" }) else { return nil }
            return [("messages", .turns(turns))]
        case .preference:
            let prompt = text.segments.filter { $0.side == nil }.map(\.text).joined(separator: "\n\n")
            // HH transcripts carry the prompt inside each side: the shared leading turns.
            let chosen = text.segments.filter { $0.side == "chosen" }, rejected = text.segments.filter { $0.side == "rejected" }
            var shared = 0
            while shared < chosen.count - 1 && shared < rejected.count - 1 && chosen[shared].text == rejected[shared].text
                && chosen[shared].label == rejected[shared].label { shared += 1 }
            let leading = chosen.prefix(shared).map(\.text).joined(separator: "\n\n")
            let answer = { (side: [RowText.Segment]) in side.dropFirst(shared).map(\.text).joined(separator: "\n\n") }
            guard !chosen.isEmpty, !rejected.isEmpty else { return nil }
            let fullPrompt = [prompt, leading].filter { !$0.isEmpty }.joined(separator: "\n\n")
            return [("chosen", .text(answer(chosen))), ("prompt", .text(fullPrompt)), ("rejected", .text(answer(rejected)))]
        case .alpaca:
            let segments = text.segments.filter { $0.side != "rejected" }
            // Several outputs are Self-Instruct instances: written as a conversation, below.
            if let at = segments.firstIndex(where: { $0.label == "instruction" }),
               segments.lazy.filter({ $0.label == "output" }).count <= 1 {
                let rest = segments[at...]
                let input = rest.first { $0.label == "input" || $0.label == "context" }?.text ?? ""
                guard let output = rest.first(where: { $0.label == "output" || $0.label == "response" }) else { return nil }
                var fields = Self.alpaca(segments[at].text, input, output.text)
                // LLaMA-Factory's Alpaca fields for what came before the instruction: a system
                // prompt, and earlier turns as [prompt, answer] pairs.
                if let (system, history) = Self.history(Self.turns(Array(segments[..<at]))) {
                    if !history.isEmpty {
                        fields = MixField.inserting("history", .list(history.map { .list([.text($0.prompt), .text($0.answer)]) }), into: fields)
                    }
                    if let system { fields = MixField.inserting("system", .text(system), into: fields) }
                }
                return fields
            }
            // Conversations: the last answer is the output, the turn before it the instruction,
            // everything earlier the input (as "role: text" lines).
            let turns = Self.turns(segments)
            guard let last = turns.lastIndex(where: { $0.role == "assistant" }), last > 0 else { return nil }
            let context = turns[..<(last - 1)].map { "\($0.role): \($0.text)" }.joined(separator: "\n\n")
            return Self.alpaca(turns[last - 1].text, context, turns[last].text)
        }
    }

    /// Turns before an instruction as LLaMA-Factory's `system` and `history`: system turns
    /// first, then strict user/assistant pairs. nil when they are not that (a bare `prompt`
    /// beside an `instruction`), and then they are left out as before.
    static func history(_ turns: [(role: String, text: String)]) -> (system: String?, pairs: [(prompt: String, answer: String)])? {
        var rest = turns[...]
        var system: String?
        if let first = rest.first, first.role == "system" {
            system = first.text
            rest = rest.dropFirst()
        }
        var pairs: [(prompt: String, answer: String)] = []
        while let user = rest.first {
            let answer = rest.dropFirst().first
            guard user.role == "user", let answer, answer.role == "assistant" else { return nil }
            pairs.append((user.text, answer.text))
            rest = rest.dropFirst(2)
        }
        return (system, pairs)
    }

    static func alpaca(_ instruction: String, _ input: String, _ output: String) -> [(String, MixField)] {
        [("input", .text(input)), ("instruction", .text(instruction)), ("output", .text(output))]
    }

    /// A segment's role in the output: system, user or assistant.
    static func chatRole(_ segment: RowText.Segment) -> String {
        switch segment.label {
        case "system": return "system"
        case "user", "human", "prompter": return "user"
        default: return segment.isAnswer ? "assistant" : "user"
        }
    }

    /// Segments as chat turns: roles normalised to system / user / assistant, consecutive
    /// segments of one role joined.
    static func turns(_ segments: [RowText.Segment]) -> [(role: String, text: String)] {
        var turns: [(role: String, text: String)] = []
        for segment in segments {
            let role = chatRole(segment)
            if let last = turns.last, last.role == role {
                turns[turns.count - 1].text += "\n\n" + segment.text
            } else {
                turns.append((role, segment.text))
            }
        }
        return turns
    }
}

/// A value in an output row. Rows are written straight to bytes in canonical form (members in
/// code-point order, canonical escapes), the same bytes `JSONValue.canonicalBytes` would give,
/// without building and sorting a tree per row: this is the mixer's hot loop, so callers list
/// members already in order (the tests compare against `canonicalBytes`).
enum MixField {
    case text(String)
    case number(Int)
    case turns([(role: String, text: String)])
    case list([MixField])
    case object([(String, MixField)])

    /// Inserts a member where code-point order puts it (keys are ASCII: String order is byte order).
    static func inserting(_ key: String, _ value: MixField, into fields: [(String, MixField)]) -> [(String, MixField)] {
        var fields = fields
        fields.insert((key, value), at: fields.firstIndex { $0.0 > key } ?? fields.count)
        return fields
    }

    static func write(_ fields: [(String, MixField)], into out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        for (i, (key, value)) in fields.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            CanonicalJSON.writeString(key.utf8, into: &out)
            out.append(UInt8(ascii: ":"))
            value.write(into: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    func write(into out: inout [UInt8]) {
        switch self {
        case .text(let text): CanonicalJSON.writeString(text.utf8, into: &out)
        case .number(let n): out += String(n).utf8
        case .object(let fields): Self.write(fields, into: &out)
        case .list(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                item.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .turns(let turns):
            out.append(UInt8(ascii: "["))
            for (i, turn) in turns.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                out += #"{"content":"#.utf8
                CanonicalJSON.writeString(turn.text.utf8, into: &out)
                out += #","role":"#.utf8
                CanonicalJSON.writeString(turn.role.utf8, into: &out)
                out.append(UInt8(ascii: "}"))
            }
            out.append(UInt8(ascii: "]"))
        }
    }
}
