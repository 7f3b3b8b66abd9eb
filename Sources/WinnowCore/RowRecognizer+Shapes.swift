/// Shape detection and the content checks each shape needs ("missing or empty content",
/// "wrong types"), phrased with the field path so a person can find the problem in the file.
extension RowRecognizer {
    func has(_ field: RowField, _ view: RowView) -> Bool {
        find(field, view) != nil
    }

    func detectShape(_ view: RowView) -> Result<RowShape, RowProblem> {
        let tape = view.tape
        let source = view.source
        if let format { return .success(format) }
        let h = { (f: RowField) in has(f, view) }
        if h(.messages) || h(.conversations) { return .success(.chat) }
        if h(.chosen) && h(.rejected) {
            if h(.prompt) { return .success(.preference) }
            if let (node, _) = find(.chosen, view), tape.kind(node) == .array { return .success(.preference) }
            return .success(.hh)
        }
        if h(.instruction) {
            if h(.output) { return .success(.alpaca) }
            if h(.response) { return .success(h(.context) || h(.category) ? .dolly : .promptResponse) }
            // Self-Instruct: the instruction's examples as `instances: [{input, output}]`.
            if rendering >= 2 && h(.instances) { return .success(.alpaca) }
        }
        if h(.prompt) && (h(.response) || h(.completion)) { return .success(.promptResponse) }
        if h(.question) && h(.answer) { return .success(.promptResponse) }
        let names = tape.memberNames(0, source: source).prefix(8).map { "\"\($0)\"" }
        return .failure(RowProblem(
            "no known row shape (members: \(names.isEmpty ? "none" : names.joined(separator: ", "))); "
                + "expected messages, instruction/output, prompt/response, prompt/chosen/rejected, "
                + "chosen/rejected transcripts or instruction/context/response, or name the fields with --map"))
    }

    func validate(_ shape: RowShape, _ view: RowView) -> RowProblem? {
        if let problem = validateShape(shape, view) { return problem }
        guard rendering >= 2 else { return nil }
        // The fields conversation-like shapes may carry beside their own (LLaMA-Factory); the
        // same as `contentOrder` lists for them.
        switch shape {
        case .chat:
            return optionalText(.system, view)
        case .alpaca, .promptResponse:
            return optionalText(.system, view) ?? validateHistory(view) ?? optionalText(.input, view)
        case .preference, .hh, .dolly:
            return nil
        }
    }

    private func validateShape(_ shape: RowShape, _ view: RowView) -> RowProblem? {
        switch shape {
        case .chat:
            return validateChat(view)
        case .alpaca:
            return requireText(.instruction, view, shape)
                ?? optionalText(.input, view)
                ?? (renders(.instances, view) && rendering >= 2 ? validateInstances(view) : requireText(.output, view, shape))
        case .promptResponse:
            if has(.prompt, view) {
                return requireText(.prompt, view, shape)
                    ?? requireText(has(.response, view) ? .response : .completion, view, shape)
            }
            if has(.instruction, view) {
                return requireText(.instruction, view, shape) ?? requireText(.response, view, shape)
            }
            return requireText(.question, view, shape) ?? requireText(.answer, view, shape)
        case .preference:
            if has(.prompt, view), let problem = requireTextOrMessages(.prompt, view, shape) {
                return problem
            }
            return requireTextOrMessages(.chosen, view, shape)
                ?? requireTextOrMessages(.rejected, view, shape)
        case .hh:
            return requireTranscript(.chosen, view) ?? requireTranscript(.rejected, view)
        case .dolly:
            return requireText(.instruction, view, shape)
                ?? optionalText(.context, view)
                ?? requireText(.response, view, shape)
                ?? optionalText(.category, view)
        }
    }

    /// `history: [[prompt, answer], ...]`, each turn a string (LLaMA-Factory's Alpaca format).
    func validateHistory(_ view: RowView) -> RowProblem? {
        let tape = view.tape
        guard let (node, path) = find(.history, view), tape.kind(node) != .null else { return nil }
        guard tape.kind(node) == .array else {
            return RowProblem("'\(name(path))' is \(Self.kindName(tape.kind(node))), expected a list of [prompt, answer] pairs")
        }
        for (i, pair) in tape.elements(node).enumerated() {
            let turns = tape.kind(pair) == .array ? tape.elements(pair) : []
            guard turns.count == 2, turns.allSatisfy({ tape.kind($0) == .string }) else {
                let what = tape.kind(pair) == .array ? "a list of \(turns.count) items" : Self.kindName(tape.kind(pair))
                return RowProblem("'\(name(path))[\(i)]' is \(what), expected [prompt, answer] (two strings)")
            }
        }
        return nil
    }

    /// Self-Instruct's `instances: [{input, output}, ...]`: at least one, each with an output.
    func validateInstances(_ view: RowView) -> RowProblem? {
        let tape = view.tape, source = view.source
        guard let (node, path) = find(.instances, view) else { return RowProblem("missing 'output' for an alpaca row") }
        guard tape.kind(node) == .array else {
            return RowProblem("'\(name(path))' is \(Self.kindName(tape.kind(node))), expected a list of {input, output} objects")
        }
        let instances = tape.elements(node)
        guard !instances.isEmpty else { return RowProblem("'\(name(path))' is empty") }
        for (i, instance) in instances.enumerated() {
            let at = "\(name(path))[\(i)]"
            guard tape.kind(instance) == .object else {
                return RowProblem("'\(at)' is \(Self.kindName(tape.kind(instance))), expected an {input, output} object")
            }
            if let input = tape.member(instance, named: "input", source: source), tape.kind(input) != .string && tape.kind(input) != .null {
                return RowProblem("'\(at).input' is \(Self.kindName(tape.kind(input))), expected a string")
            }
            guard let output = tape.member(instance, named: "output", source: source) else { return RowProblem("'\(at)' has no 'output'") }
            guard tape.kind(output) == .string else {
                return RowProblem("'\(at).output' is \(Self.kindName(tape.kind(output))), expected a string")
            }
            guard tape.isNonBlankString(output, source: source) else { return RowProblem("'\(at).output' is empty") }
        }
        return nil
    }

    func requireText(_ field: RowField, _ view: RowView, _ shape: RowShape) -> RowProblem? {
        let tape = view.tape
        let source = view.source
        guard let (node, path) = find(field, view) else {
            return RowProblem("missing '\(field.rawValue)' for \(shape.article) \(shape.rawValue) row")
        }
        guard tape.kind(node) == .string else {
            return RowProblem("'\(name(path))' is \(Self.kindName(tape.kind(node))), expected a string")
        }
        guard tape.isNonBlankString(node, source: source) else { return RowProblem("'\(name(path))' is empty") }
        return nil
    }

    func optionalText(_ field: RowField, _ view: RowView) -> RowProblem? {
        let tape = view.tape
        guard let (node, path) = find(field, view) else { return nil }
        let kind = tape.kind(node)
        guard kind == .string || kind == .null else {
            return RowProblem("'\(name(path))' is \(Self.kindName(kind)), expected a string")
        }
        return nil
    }

    func requireTextOrMessages(_ field: RowField, _ view: RowView, _ shape: RowShape) -> RowProblem? {
        let tape = view.tape
        guard let (node, path) = find(field, view) else {
            return RowProblem("missing '\(field.rawValue)' for \(shape.article) \(shape.rawValue) row")
        }
        if tape.kind(node) == .array {
            return validateMessages(node, path: name(path), view, needsAssistant: field != .prompt)
        }
        return requireText(field, view, shape)
    }

    func requireTranscript(_ field: RowField, _ view: RowView) -> RowProblem? {
        let tape = view.tape
        let source = view.source
        if let problem = requireText(field, view, .hh) { return problem }
        let (node, path) = find(field, view)!
        let text = tape.decodeString(node, source: source)
        guard text.contains("Human:") && text.contains("Assistant:") else {
            return RowProblem("'\(name(path))' is not a Human:/Assistant: transcript, and the row has no 'prompt'")
        }
        return nil
    }

    func validateChat(_ view: RowView) -> RowProblem? {
        let tape = view.tape
        let field: RowField = has(.messages, view) ? .messages : .conversations
        guard let (node, path) = find(field, view) else {
            return RowProblem("missing 'messages' for a chat row")
        }
        guard tape.kind(node) == .array else {
            return RowProblem("'\(name(path))' is \(Self.kindName(tape.kind(node))), expected a list of messages")
        }
        return validateMessages(node, path: name(path), view, needsAssistant: true)
    }

    static let assistantRoles: Set<String> = ["assistant", "gpt", "model", "bot", "chatbot"]

    /// The common spelling compared in place; other spellings decoded and lowercased.
    func isAssistantRole(_ node: Int, _ view: RowView) -> Bool {
        let tape = view.tape
        let source = view.source
        let n = tape.nodes[node]
        if !n.flag {
            let raw = UnsafeBufferPointer(rebasing: source[Int(n.start)..<Int(n.end)])
            if raw.equals("assistant") { return true }
            if raw.equals("user") || raw.equals("system") { return false }
        }
        return Self.assistantRoles.contains(tape.decodeString(node, source: source).lowercased())
    }

    /// Each message needs a role and text content; a conversation needs at least one assistant
    /// turn with something in it, or there is nothing to review.
    func validateMessages(_ node: Int, path: String, _ view: RowView, needsAssistant: Bool) -> RowProblem? {
        let tape = view.tape
        let source = view.source
        // Walked by the tape's links: `elements` built an array per row.
        let count = tape.kind(node) == .array ? Int(tape.nodes[node].count) : 0
        guard count > 0 else { return RowProblem("'\(path)' is empty") }
        var assistantWithContent = false
        var next = node + 1
        for i in 0..<count {
            let message = next
            next = Int(tape.nodes[message].next)
            // Built only for a message: formatting it for every turn of every row costs.
            func at() -> String { "\(path)[\(i)]" }
            guard tape.kind(message) == .object else {
                return RowProblem("'\(at())' is \(Self.kindName(tape.kind(message))), expected a message object")
            }
            // Name the member the row actually has: ShareGPT writes "from" and "value".
            var roleKey = "role"
            var roleNode = tape.member(message, named: "role", source: source)
            if roleNode == nil, let from = tape.member(message, named: "from", source: source) {
                roleKey = "from"
                roleNode = from
            }
            guard let roleNode else { return RowProblem("'\(at())' has no 'role'") }
            guard tape.kind(roleNode) == .string, tape.isNonBlankString(roleNode, source: source) else {
                return RowProblem("'\(at()).\(roleKey)' is \(tape.kind(roleNode) == .string ? "empty" : Self.kindName(tape.kind(roleNode))), expected a role name")
            }
            var contentKey = "content"
            var contentNode = tape.member(message, named: "content", source: source)
            if contentNode == nil, let value = tape.member(message, named: "value", source: source) {
                contentKey = "value"
                contentNode = value
            }
            var hasText = false
            if let contentNode {
                switch tape.kind(contentNode) {
                case .string: hasText = tape.isNonBlankString(contentNode, source: source)
                case .array:
                    // Content parts: [{"type": "text", "text": "..."}]
                    for part in tape.elements(contentNode) {
                        if tape.kind(part) == .object, let text = tape.member(part, named: "text", source: source),
                           tape.isNonBlankString(text, source: source) { hasText = true }
                    }
                case .null:
                    if tape.member(message, named: "tool_calls", source: source) == nil {
                        return RowProblem("'\(at()).\(contentKey)' is null")
                    }
                default:
                    return RowProblem("'\(at()).\(contentKey)' is \(Self.kindName(tape.kind(contentNode))), expected a string")
                }
            } else if tape.member(message, named: "tool_calls", source: source) == nil {
                return RowProblem("'\(at())' has no 'content'")
            }
            if hasText && !assistantWithContent && isAssistantRole(roleNode, view) { assistantWithContent = true }
        }
        if needsAssistant && !assistantWithContent {
            return RowProblem("'\(path)' has no assistant turn with content")
        }
        return nil
    }
}
