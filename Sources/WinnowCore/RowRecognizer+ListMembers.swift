/// Members inside a rendered list that the rendering does not show: a chat message's `name`,
/// `tool_calls`, `tool_call_id` or `weight`, a content part that is an image, a Self-Instruct
/// instance's extra keys. A tool call is exactly what a reviewer of an agent's answer must see,
/// and an assistant turn whose content is only a tool call renders as nothing at all; counted
/// here, the import summary says so ("not used: messages.*.tool_calls in 1 row") instead of the
/// row passing review as if it were whole.
///
/// Paths name the list's field and `*` for the element (`messages.*.name`), once per row however
/// many elements have the member, so the summary counts rows. The common message (role and
/// content, nothing else) is recognised by its member count alone: no key is decoded.
extension RowRecognizer {
    /// Dotted paths (with `*` for list positions) of members the rendering of `field`'s list
    /// at `node` leaves out; `path` is the field's own dotted name.
    func unusedInList(_ node: Int, path: String, field: RowField, _ view: RowView) -> [String] {
        let tape = view.tape, source = view.source
        guard tape.kind(node) == .array else { return [] }
        var named: Set<String> = []
        var element = node + 1
        for _ in 0..<Int(tape.nodes[node].count) {
            defer { element = Int(tape.nodes[element].next) }
            guard tape.kind(element) == .object else { continue }
            var read: [Int] = []
            if field == .instances {
                read = ["input", "output"].compactMap { tape.member(element, named: Array($0.utf8), source: source) }
            } else {
                // What `roleAndContent` reads: role (or ShareGPT's from) and content (or value).
                if let role = tape.member(element, named: "role", source: source) ?? tape.member(element, named: "from", source: source) {
                    read.append(role)
                }
                if let content = tape.member(element, named: "content", source: source) ?? tape.member(element, named: "value", source: source) {
                    read.append(content)
                    if tape.kind(content) == .array {
                        for part in unusedInContentParts(content, view) { named.insert("\(path).*.content.*.\(part)") }
                    }
                }
            }
            guard Int(tape.nodes[element].count) > read.count else { continue }
            forEachMember(of: element, tape) { key, value in
                if read.contains(value) || Self.holdsNothing(value, tape) { return }
                named.insert("\(path).*.\(tape.decodeString(key, source: source))")
            }
        }
        return named.sorted()
    }

    /// Members of content parts (`[{"type": "text", "text": ...}]`) besides the text and its type:
    /// an image or audio part is not shown.
    private func unusedInContentParts(_ content: Int, _ view: RowView) -> Set<String> {
        let tape = view.tape, source = view.source
        var named: Set<String> = []
        for part in tape.elements(content) where tape.kind(part) == .object {
            let read = [tape.member(part, named: "type", source: source), tape.member(part, named: "text", source: source)].compactMap { $0 }
            guard Int(tape.nodes[part].count) > read.count else { continue }
            forEachMember(of: part, tape) { key, value in
                if read.contains(value) || Self.holdsNothing(value, tape) { return }
                named.insert(tape.decodeString(key, source: source))
            }
        }
        return named
    }

    /// Calls `body(key node, value node)` for each member of the object at `object`.
    private func forEachMember(of object: Int, _ tape: JSONTape, _ body: (Int, Int) -> Void) {
        var key = object + 1
        for _ in 0..<Int(tape.nodes[object].count) {
            let value = key + 1
            body(key, value)
            key = Int(tape.nodes[value].next)
        }
    }

    /// null, "", [] or {}: nothing to lose.
    static func holdsNothing(_ node: Int, _ tape: JSONTape) -> Bool {
        switch tape.kind(node) {
        case .null: return true
        case .string: return tape.nodes[node].end == tape.nodes[node].start
        case .array, .object: return tape.nodes[node].count == 0
        default: return false
        }
    }
}
