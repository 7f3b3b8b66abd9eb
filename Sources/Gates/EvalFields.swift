import WinnowCore

/// Finds the prompt side and the answer side of one eval record, whatever shape the eval set
/// ships in: the row shapes winnow imports (chat `messages`/`conversations`, alpaca, prompt and
/// response, preference, hh transcripts, dolly), FastChat question files (`turns`), bare
/// question/answer sets (GSM8K), multiple choice (`question` + `choices`, ARC's nested `stem`),
/// records that nest a list of instances (self-instruct's `instances[].input`, one eval item per
/// instance with the record's own fields in front), message trees (OASST `replies`), and a bare
/// JSON string (a prompt).
///
/// Keys are compared case-insensitively (`Instruction` is `instruction`); two keys of one object
/// that differ only in case are a bad record, since which one is meant cannot be known.
/// Unknown string fields (`category`, `source`, `lang`) are metadata and not compared; a record
/// with no text at all is a bad record, never an empty item.
enum EvalFields {
    struct Parts: Sendable, Equatable {
        var prompt: [String] = []
        var answer: [String] = []
        var firstTurn: String?
        var count: Int { prompt.count + answer.count }
    }

    enum Side { case prompt, answer }

    /// Always prompt side.
    static let promptKeys: Set<String> = [
        "question", "prompt", "instruction", "input", "context", "query", "problem", "passage", "stem", "choices",
        "options",
    ]
    /// Always answer side.
    static let answerKeys: Set<String> = [
        "answer", "answers", "output", "outputs", "response", "completion", "solution", "target", "targets",
        "reference", "chosen", "rejected",
    ]
    /// The side of the object they are in: prompt, unless its role says it is an assistant's.
    static let contentKeys: Set<String> = ["text", "content"]
    /// Lists of turns.
    static let messageKeys: Set<String> = ["messages", "conversations", "conversation", "turns", "dialog", "dialogue"]
    static let roleKeys: Set<String> = ["role", "from", "speaker", "author"]
    static let assistantRoles: Set<String> = ["assistant", "gpt", "bot", "model", "chatbot", "ai"]
    static let userRoles: Set<String> = ["user", "human", "prompter", "customer"]

    enum Role { case system, user, assistant, other }

    /// What a walk over a record found: its text, and the lists of objects it nests.
    struct Collected {
        var parts = Parts()
        var nested: [[JSONValue]] = []
    }

    /// The record's eval items: usually one; one per nested instance (or leaf of a message tree).
    static func items(of value: JSONValue) throws(RowProblem) -> [Parts] {
        switch value {
        case .string(let text):
            guard !SchemaGate.isBlank(text) else { throw RowProblem("an empty string: no text to compare") }
            return [Parts(prompt: [text])]
        case .object:
            let object = try lowercasingKeys(value)
            var collected = Collected()
            walk(object.objectValue ?? [], side: .prompt, into: &collected)
            let items = expand(collected, prefix: 0)
            guard !items.isEmpty else {
                throw RowProblem("no text to compare: none of the row shapes winnow imports, and no question, prompt, "
                    + "instruction, input, turns, text or answer field")
            }
            return items
        default:
            throw RowProblem("expected a JSON object or a JSON string, found \(value.typeName)")
        }
    }

    /// The record's own id (`id` or `question_id`, a string or a number), if it has one.
    static func id(of value: JSONValue) -> String? {
        for (key, member) in value.objectValue ?? [] where ["id", "question_id"].contains(key.lowercased()) {
            if let text = member.stringValue { return text }
            if case .number(let number) = member { return number.text }
        }
        return nil
    }

    /// The value with every object's keys lowercased; keys that collide when lowercased throw.
    static func lowercasingKeys(_ value: JSONValue) throws(RowProblem) -> JSONValue {
        switch value {
        case .object(let members):
            var seen: [String: String] = [:]
            var result: [(String, JSONValue)] = []
            for (key, member) in members {
                let lower = key.lowercased()
                if let other = seen[lower] {
                    throw RowProblem("keys \"\(other)\" and \"\(key)\" differ only in case: which one is meant is unclear")
                }
                seen[lower] = key
                result.append((lower, try lowercasingKeys(member)))
            }
            return .object(result)
        case .array(let elements):
            var result: [JSONValue] = []
            for element in elements { result.append(try lowercasingKeys(element)) }
            return .array(result)
        default:
            return value
        }
    }

    static func role(of members: [(String, JSONValue)]) -> Role? {
        guard let name = members.first(where: { roleKeys.contains($0.0) })?.1.stringValue?.lowercased() else { return nil }
        if assistantRoles.contains(name) { return .assistant }
        if userRoles.contains(name) { return .user }
        return name == "system" ? .system : .other
    }

    /// Collects an object's text by its keys. A role (`role`, `from`) decides the side of its
    /// `text`/`content`; objects under other keys are walked too (`data: {...}`); lists of
    /// objects under other keys are nested instances, expanded later.
    static func walk(_ members: [(String, JSONValue)], side: Side, into collected: inout Collected) {
        let role = role(of: members)
        let side: Side = role == .assistant ? .answer : role == nil ? side : .prompt
        for (key, value) in members {
            if roleKeys.contains(key) { continue }
            if messageKeys.contains(key) {
                turns(value, into: &collected)
            } else if promptKeys.contains(key) {
                add(value, .prompt, into: &collected)
            } else if answerKeys.contains(key) {
                add(value, .answer, into: &collected)
            } else if contentKeys.contains(key) {
                add(value, side, userTurn: role == .user, into: &collected)
            } else if case .object(let inner) = value {
                walk(inner, side: side, into: &collected)
            } else if case .array(let elements) = value, elements.contains(where: { $0.objectValue != nil }) {
                collected.nested.append(elements)
            }
            // Anything else is metadata: ids, categories, scores, flags.
        }
    }

    /// Adds text: a string (an hh transcript is split into its turns), each element of a list,
    /// or an object's text by its keys.
    static func add(_ value: JSONValue, _ side: Side, userTurn: Bool = false, into collected: inout Collected) {
        switch value {
        case .string(let text):
            guard !SchemaGate.isBlank(text) else { return }
            if isTranscript(text) {
                for segment in RowRecognizer.transcript(text.hasPrefix("Human:") ? "\n\n" + text : text, side: "") {
                    if segment.label == "assistant" {
                        appendTurn(segment.text, .answer, into: &collected)
                    } else {
                        appendTurn(segment.text, .prompt, user: segment.label == "user", into: &collected)
                    }
                }
            } else if userTurn {
                appendTurn(text, .prompt, user: true, into: &collected)
            } else if side == .prompt {
                collected.parts.prompt.append(text)
            } else {
                collected.parts.answer.append(text)
            }
        case .array(let elements):
            for element in elements { add(element, side, into: &collected) }
        case .object(let members):
            walk(members, side: side, into: &collected)
        default:
            break  // Numbers and booleans: answer indexes and labels, trivial to match.
        }
    }

    /// Whether a string is an hh transcript (holds "\n\nHuman:" or starts with "Human:"): a byte
    /// scan, since Foundation's `contains` on every eval string was a fifth of loading GSM8K.
    static func isTranscript(_ text: String) -> Bool {
        let marker = Array("Human:".utf8)
        var text = text
        return text.withUTF8 { bytes in
            guard bytes.count >= marker.count else { return false }
            for i in 0...(bytes.count - marker.count) where bytes[i] == 0x48 {
                guard i == 0 || (i >= 2 && bytes[i - 1] == 0x0A && bytes[i - 2] == 0x0A) else { continue }
                if (0..<marker.count).allSatisfy({ bytes[i + $0] == marker[$0] }) { return true }
            }
            return false
        }
    }

    /// A list of turns: strings are user turns (FastChat question files), objects carry a role.
    static func turns(_ value: JSONValue, into collected: inout Collected) {
        guard case .array(let elements) = value else {
            add(value, .prompt, userTurn: value.stringValue != nil, into: &collected)
            return
        }
        for element in elements {
            switch element {
            case .string(let text):
                guard !SchemaGate.isBlank(text) else { continue }
                appendTurn(text, .prompt, user: true, into: &collected)
            case .object(let members):
                let role = role(of: members) ?? .user
                let body = members.first { ["content", "value", "text", "message"].contains($0.0) }?.1
                guard let body else { continue }
                var text = body.stringValue ?? ""
                if case .array(let parts) = body {
                    text = parts.compactMap { $0["text"]?.stringValue ?? $0.stringValue }.joined(separator: "\n")
                }
                guard !SchemaGate.isBlank(text) else { continue }
                appendTurn(text, role == .assistant ? .answer : .prompt, user: role == .user, into: &collected)
            default:
                continue
            }
        }
    }

    /// A conversation turn. The same turn seen again (an hh record's chosen and rejected
    /// transcripts share their Human turns; so do chat preference pairs) is kept once.
    static func appendTurn(_ text: String, _ side: Side, user: Bool = false, into collected: inout Collected) {
        if side == .prompt {
            if user && collected.parts.firstTurn == nil { collected.parts.firstTurn = text }
            if !collected.parts.prompt.contains(text) { collected.parts.prompt.append(text) }
        } else if !collected.parts.answer.contains(text) {
            collected.parts.answer.append(text)
        }
    }

    /// One item per nested instance that adds text (with the record's text in front), recursively;
    /// the record itself when none does and it has text beyond `prefix` parts of its own.
    static func expand(_ collected: Collected, prefix: Int) -> [Parts] {
        var result: [Parts] = []
        for list in collected.nested {
            for element in list {
                guard case .object(let members) = element else { continue }
                var child = Collected(parts: collected.parts)
                walk(members, side: .prompt, into: &child)
                result += expand(child, prefix: collected.parts.count)
            }
        }
        if result.isEmpty && collected.parts.count > prefix { result = [collected.parts] }
        return result
    }
}
