extension RowRecognizer {
    /// A chat row's messages as (role, byte range of the content in `source`), read exactly as
    /// `text(of: .chat, ...)` reads them (role or from, lowercased; content or value; empty
    /// contents left out), but only when every content is a string with no escapes: then its
    /// bytes are already what canonical JSON writes, and a writer can copy them instead of
    /// decoding and re-escaping. nil when any message needs the decoding path.
    public func rawChatTurns(_ tape: JSONTape, source: UnsafeBufferPointer<UInt8>) -> [(role: String, content: Range<Int>)]? {
        // A system prompt beside the turns (`system`) is a segment of its own: decode the row.
        guard let (node, _) = withView(tape, source: source, { view in
                  rendering >= 2 && renders(.system, view) ? nil : find(.messages, view) ?? find(.conversations, view)
              }),
              tape.kind(node) == .array else { return nil }
        var turns: [(role: String, content: Range<Int>)] = []
        for message in tape.elements(node) where tape.kind(message) == .object {
            guard let (role, content) = Self.roleAndContent(message, tape, source) else { continue }
            let value = tape.nodes[content]
            guard value.kind == .string, !value.flag else { return nil }
            if value.end > value.start { turns.append((role, Int(value.start)..<Int(value.end))) }
        }
        return turns
    }

    /// A chat message's role (role or from, lowercased; "?" when neither) and its content node
    /// (content or value); nil when it has no content.
    static func roleAndContent(_ message: Int, _ tape: JSONTape, _ source: UnsafeBufferPointer<UInt8>) -> (role: String, content: Int)? {
        let role = (tape.member(message, named: "role", source: source) ?? tape.member(message, named: "from", source: source))
            .map { tape.decodeString($0, source: source).lowercased() } ?? "?"
        guard let content = tape.member(message, named: "content", source: source)
                ?? tape.member(message, named: "value", source: source) else { return nil }
        return (role, content)
    }
}
