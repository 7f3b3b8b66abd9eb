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
            // At most two members are read (role and content, or input and output): two locals,
            // no array, on every message of every row.
            var first: Int?, second: Int?
            if field == .instances {
                first = tape.member(element, named: "input", source: source)
                second = tape.member(element, named: "output", source: source)
            } else {
                // What `roleAndContent` reads: role (or ShareGPT's from) and content (or value).
                first = tape.member(element, named: "role", source: source) ?? tape.member(element, named: "from", source: source)
                second = tape.member(element, named: "content", source: source) ?? tape.member(element, named: "value", source: source)
                if let content = second, tape.kind(content) == .array {
                    for part in unusedInContentParts(content, view) { named.insert("\(path).*.content.*\(part)") }
                }
            }
            let read = (first == nil ? 0 : 1) + (second == nil ? 0 : 1)
            guard Int(tape.nodes[element].count) > read else { continue }
            for (key, value) in tape.members(element)
            where value != first && value != second && !Self.holdsNothing(value, tape) {
                named.insert("\(path).*.\(tape.decodeString(key, source: source))")
            }
        }
        return named.sorted()
    }

    /// What content parts (`[{"type": "text", "text": ...}]`) hold besides text, as path suffixes:
    /// ".image_url" for a member beside the text, "" for a part that is not an object with text
    /// (a bare string, an `{"type": "image"}` placeholder): none of them is shown.
    private func unusedInContentParts(_ content: Int, _ view: RowView) -> Set<String> {
        let tape = view.tape, source = view.source
        var named: Set<String> = []
        for part in tape.elements(content) where !Self.holdsNothing(part, tape) {
            guard tape.kind(part) == .object, let text = tape.member(part, named: "text", source: source) else {
                // Not a text part: named by its members besides its type, or, with none (a bare
                // string, an `{"type": "image"}` placeholder), as the part itself.
                var members = 0
                if tape.kind(part) == .object {
                    for (key, value) in tape.members(part) where !Self.holdsNothing(value, tape) {
                        let name = tape.decodeString(key, source: source)
                        guard name != "type" else { continue }
                        named.insert("." + name)
                        members += 1
                    }
                }
                if members == 0 { named.insert("") }
                continue
            }
            let type = tape.member(part, named: "type", source: source)
            let read = 1 + (type == nil ? 0 : 1)
            guard Int(tape.nodes[part].count) > read else { continue }
            for (key, value) in tape.members(part) where value != text && value != type && !Self.holdsNothing(value, tape) {
                named.insert("." + tape.decodeString(key, source: source))
            }
        }
        return named
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
