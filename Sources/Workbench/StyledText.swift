import TerminalCore
import WinnowCore

/// A run of text in one style.
public struct Span: Sendable, Equatable {
    public var text: String
    public var style: Style

    public init(_ text: String, _ style: Style = .plain) {
        self.text = text
        self.style = style
    }
}

/// One screen line: spans laid left to right.
public struct StyledLine: Sendable, Equatable {
    public var spans: [Span]

    public init(_ spans: [Span] = []) { self.spans = spans }
    public init(_ text: String, _ style: Style = .plain) { spans = [Span(text, style)] }

    public var text: String { spans.map(\.text).joined() }
    public var width: Int { spans.reduce(0) { $0 + DisplayWidth.of($1.text) } }

    /// Draws the line at (x, y), clipped to `width` columns.
    public func draw(on canvas: inout Canvas, x: Int, y: Int, width: Int) {
        var column = x
        for span in spans where column < x + width {
            column = canvas.put(span.text, x: column, y: y, style: span.style, limit: x + width - column)
        }
    }
}

/// Word wrapping by display width: breaks at spaces, splits a word only when it is wider than
/// the whole line, keeps each character's style, and never cuts a grapheme cluster (a flag, a
/// ZWJ family, a conjunct) in half: it moves to the next line whole. The one exception is a
/// cluster wider than a whole line (a long chain of conjuncts, which Unicode keeps as one
/// cluster): it is cut into the code-point runs terminals draw anyway (a spacing character
/// and the marks after it) rather than not shown at all.
public enum TextWrap {
    /// Wraps spans that may hold newlines into lines of at most `width` columns. Continuation
    /// lines get `indent` spaces.
    public static func wrap(_ spans: [Span], width: Int, indent: Int = 0) -> [StyledLine] {
        guard width > indent else { return [] }
        var lines: [StyledLine] = []
        var logical: [(Character, Style)] = []
        func flush() {
            lines += wrapLogical(logical, width: width, indent: indent)
            logical.removeAll(keepingCapacity: true)
        }
        let narrowest = width - indent
        for span in spans {
            for character in span.text {
                if character == "\n" || character == "\r\n" {
                    flush()
                } else if character.utf8.count > 3, DisplayWidth.of(character) > narrowest {
                    for piece in pieces(of: character) { logical.append((piece, span.style)) }
                } else {
                    logical.append((character, span.style))
                }
            }
        }
        flush()
        return lines
    }

    public static func wrap(_ text: String, style: Style = .plain, width: Int, indent: Int = 0) -> [StyledLine] {
        wrap([Span(text, style)], width: width, indent: indent)
    }

    /// A cluster cut before each spacing code point; the cluster itself when a piece would not
    /// be a cluster of its own.
    static func pieces(of character: Character) -> [Character] {
        var pieces: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in character.unicodeScalars {
            if DisplayWidth.of(scalar) > 0 && !current.isEmpty {
                pieces.append(String(current))
                current = String.UnicodeScalarView()
            }
            current.append(scalar)
        }
        if !current.isEmpty { pieces.append(String(current)) }
        guard pieces.count > 1, pieces.allSatisfy({ $0.count == 1 }) else { return [character] }
        return pieces.map { Character($0) }
    }

    private static func wrapLogical(_ characters: [(Character, Style)], width: Int, indent: Int) -> [StyledLine] {
        if characters.isEmpty { return [StyledLine()] }
        var lines: [StyledLine] = []
        var start = 0
        var first = true
        while start < characters.count {
            let available = first ? width : width - indent
            var used = 0
            var end = start
            var lastBreak: Int?
            while end < characters.count {
                let w = DisplayWidth.of(characters[end].0)
                if used + w > available { break }
                if characters[end].0 == " " { lastBreak = end }
                used += w
                end += 1
            }
            var next = end
            if end < characters.count, characters[end].0 == " " {
                next = end + 1  // the line ends exactly at a space: break there, drop the space
            } else if end < characters.count, let lastBreak, lastBreak > start {
                end = lastBreak + 1  // break after the last space; the space itself is not drawn
                next = end
            }
            if end == start {  // a character wider than the line: draw it anyway
                end = start + 1
                next = end
            }
            var slice = Array(characters[start..<end])
            while slice.count > 1, slice.last?.0 == " ", end < characters.count { slice.removeLast() }
            lines.append(line(from: slice, indent: first ? 0 : indent))
            start = next
            first = false
        }
        return lines
    }

    private static func line(from characters: [(Character, Style)], indent: Int) -> StyledLine {
        var spans: [Span] = indent > 0 ? [Span(String(repeating: " ", count: indent))] : []
        for (character, style) in characters {
            if let last = spans.last, last.style == style {
                spans[spans.count - 1].text.append(character)
            } else {
                spans.append(Span(String(character), style))
            }
        }
        return StyledLine(spans)
    }
}

extension Span {
    /// Untrusted text made safe for the terminal (row content, config, log fields), keeping
    /// line breaks when `multiLine`.
    public static func untrusted(_ text: String, _ style: Style = .plain, multiLine: Bool = false) -> Span {
        Span(Sanitiser.clean(text, mode: multiLine ? .multiLine : .singleLine), style)
    }
}
