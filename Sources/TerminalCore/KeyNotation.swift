/// Vim-style key names, as keymaps and the help screen write them: `a`, `<C-d>`, `<Enter>`,
/// `<S-Tab>`, `<M-x>`, `<F5>`, `<lt>` for `<`, `<Space>`; several in a row make a sequence
/// (`gg`, `<C-w>j`).
public enum KeyNotation {
    private static let named: [(String, Key)] = [
        ("Enter", .enter), ("CR", .enter), ("Return", .enter), ("Tab", .tab), ("S-Tab", .backTab),
        ("Esc", .escape), ("BS", .backspace), ("Backspace", .backspace), ("Del", .delete), ("Delete", .delete),
        ("Insert", .insert), ("Up", .up), ("Down", .down), ("Left", .left), ("Right", .right),
        ("Home", .home), ("End", .end), ("PageUp", .pageUp), ("PageDown", .pageDown),
        ("Space", .character(" ")), ("lt", .character("<")), ("Bar", .character("|")),
    ]

    /// Why a key name could not be read, with the offending piece.
    public struct Problem: Error, Equatable, Sendable {
        public var message: String
    }

    /// Parses a sequence; throws with a message naming the piece that is not a key.
    ///
    /// A `<` must open a `<name>`: `<C-d` without its `>` would otherwise quietly become four
    /// keys. A lone `<` is still taken as itself, since that cannot be misread.
    public static func parse(_ text: String) throws(Problem) -> [Key] {
        var keys: [Key] = []
        var rest = Substring(text)
        guard !rest.isEmpty else { throw Problem(message: "empty key") }
        if text == "<" { return [.character("<")] }
        while let first = rest.first {
            if first == "<" {
                guard let close = rest.firstIndex(of: ">"), close > rest.index(after: rest.startIndex) else {
                    throw Problem(message: "'\(rest)' has a '<' that opens no key name (write a literal < as <lt>)")
                }
                let name = String(rest[rest.index(after: rest.startIndex)..<close])
                keys.append(try key(named: name))
                rest = rest[rest.index(after: close)...]
            } else {
                try checkTypeable(first)
                keys.append(.character(first))
                rest = rest.dropFirst()
            }
        }
        return keys
    }

    /// Spaces, control characters and invisible ones (zero-width, bidi marks) cannot be read back
    /// from a keymap file reliably, so they must be written by name or not at all.
    private static func checkTypeable(_ character: Character) throws(Problem) {
        if character == " " || character.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw Problem(message: "write spaces and control characters by name, e.g. <Space> or <C-a>")
        }
        if let hidden = character.unicodeScalars.first(where: { $0.properties.generalCategory == .format }) {
            let code = String(hidden.value, radix: 16, uppercase: true)
            throw Problem(message: "U+\(String(repeating: "0", count: max(0, 4 - code.count)))\(code) is an invisible character, not a key")
        }
    }

    /// A character after `C-` or `M-`: itself, or a name for one that cannot stand in `<...>`.
    private static func modified(_ base: Substring) -> Character? {
        switch base.lowercased() {
        case "lt": return "<"
        case "gt": return ">"
        case "space": return " "
        case "bar": return "|"
        default: return base.count == 1 ? base.first : nil
        }
    }

    private static func key(named name: String) throws(Problem) -> Key {
        if let match = named.first(where: { $0.0.lowercased() == name.lowercased() }) { return match.1 }
        let lower = name.lowercased()
        if lower.hasPrefix("c-"), let character = modified(name.dropFirst(2)) {
            let folded = Character(character.lowercased())
            if folded.isLetter && folded.isASCII || "@[\\]^_".contains(folded) { return .control(folded) }
        }
        if lower.hasPrefix("m-") || lower.hasPrefix("a-"), let character = modified(name.dropFirst(2)),
           (try? checkTypeable(character)) != nil || character == " " {
            return .alt(character)
        }
        if lower.hasPrefix("f"), name.count > 1, name.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber }),
           let number = Int(name.dropFirst()), (1...24).contains(number) {
            return .function(number)
        }
        throw Problem(message: "<\(name)> is not a key name (try <C-x>, <M-x>, <Enter>, <Esc>, <Tab>, <Space>, <Up>, <PageDown>, <F1>)")
    }

    /// The canonical name of a key: the inverse of `parse` for one key.
    public static func name(_ key: Key) -> String {
        switch key {
        case .character(" "): return "<Space>"
        case .character("<"): return "<lt>"
        case .character(let character): return String(character)
        case .control(let character): return "<C-\(character)>"
        case .alt(" "): return "<M-Space>"
        case .alt("<"): return "<M-lt>"
        case .alt(">"): return "<M-gt>"
        case .alt(let character): return "<M-\(character)>"
        case .enter: return "<Enter>"
        case .tab: return "<Tab>"
        case .backTab: return "<S-Tab>"
        case .escape: return "<Esc>"
        case .backspace: return "<BS>"
        case .delete: return "<Del>"
        case .insert: return "<Insert>"
        case .up: return "<Up>"
        case .down: return "<Down>"
        case .left: return "<Left>"
        case .right: return "<Right>"
        case .home: return "<Home>"
        case .end: return "<End>"
        case .pageUp: return "<PageUp>"
        case .pageDown: return "<PageDown>"
        case .function(let number): return "<F\(number)>"
        }
    }

    public static func name(_ keys: [Key]) -> String { keys.map(name).joined() }
}
