/// The readable text of a row, as labelled segments in reading order: what gates scan, what the
/// review screen shows, what near-duplicate and contamination checks compare. Extracted from
/// the stored bytes on demand; never stored.
public struct RowText: Sendable, Equatable {
    public struct Segment: Sendable, Equatable {
        /// "system", "user", "assistant" (chat roles as written, lowercased; a `history` pair's
        /// two turns are "user" and "assistant"), or the field name: "system", "instruction",
        /// "input", "output", "context", "prompt", "response", "chosen", "rejected".
        public var label: String
        public var text: String
        /// For preference pairs: which side a turn belongs to ("chosen" / "rejected"), else nil.
        public var side: String?

        public init(label: String, text: String, side: String? = nil) {
            self.label = label
            self.text = text
            self.side = side
        }

        /// Text a model wrote (assistant turns, outputs, responses, chosen/rejected answers).
        public var isAnswer: Bool {
            ["assistant", "gpt", "model", "bot", "chatbot", "output", "response", "completion", "answer"].contains(label)
                || side != nil
        }
    }

    public var segments: [Segment]
    /// Of a preference pair: who wrote each side ("chosen" / "rejected" → generator), where the
    /// row says (`chosen_generator`, `rejected_generator`); read from the row with its text,
    /// since the index keeps one generator per row. Empty otherwise.
    public var sideGenerators: [String: String] = [:]

    public init(segments: [Segment], sideGenerators: [String: String] = [:]) {
        self.segments = segments
        self.sideGenerators = sideGenerators
    }

    /// All segments joined by blank lines (for whole-row checks such as length and duplicates).
    public var fullText: String { segments.map(\.text).joined(separator: "\n\n") }

    /// The answer side only (what a generator wrote), joined.
    public var answerText: String { segments.filter(\.isAnswer).map(\.text).joined(separator: "\n\n") }

    /// The prompt side only (what the model was asked), joined.
    public var promptText: String { segments.filter { !$0.isAnswer }.map(\.text).joined(separator: "\n\n") }
}

extension RowRecognizer {
    /// The row's text segments for its shape; empty segments are left out. The row must have
    /// been recognised (so its fields have the types the shape needs).
    public func text(of shape: RowShape, _ tape: JSONTape, source: UnsafeBufferPointer<UInt8>) -> RowText {
        withView(tape, source: source) { text(of: shape, $0) }
    }

    private func text(of shape: RowShape, _ view: RowView) -> RowText {
        let tape = view.tape, source = view.source
        var segments: [RowText.Segment] = []
        func add(_ field: RowField, label: String? = nil, side: String? = nil) {
            guard let (node, _) = find(field, view) else { return }
            if tape.kind(node) == .string {
                let text = tape.decodeString(node, source: source)
                if !text.isEmpty { segments.append(.init(label: label ?? field.rawValue, text: text, side: side)) }
            } else if tape.kind(node) == .array {
                messages(node, side: side)
            }
        }
        func messages(_ node: Int, side: String?) {
            for message in tape.elements(node) where tape.kind(message) == .object {
                guard let (role, content) = Self.roleAndContent(message, tape, source) else { continue }
                var text = ""
                if tape.kind(content) == .string {
                    text = tape.decodeString(content, source: source)
                } else if tape.kind(content) == .array {
                    text = tape.elements(content).compactMap { part in
                        tape.member(part, named: "text", source: source).map { tape.decodeString($0, source: source) }
                    }.joined(separator: "\n")
                }
                if !text.isEmpty { segments.append(.init(label: role, text: text, side: side)) }
            }
        }
        for field in Self.contentOrder(shape, rendering: rendering) where renders(field, view) {
            switch field {
            case .chosen, .rejected:
                if shape == .hh {
                    guard let (node, _) = find(field, view), tape.kind(node) == .string else { continue }
                    segments += Self.transcript(tape.decodeString(node, source: source), side: field.rawValue)
                } else {
                    add(field, side: field.rawValue)
                }
            case .history:
                // [[prompt, answer], ...]: earlier turns, before the instruction (validated).
                guard let (node, _) = find(field, view) else { continue }
                for pair in tape.elements(node) {
                    for (turn, label) in zip(tape.elements(pair), ["user", "assistant"]) where tape.kind(turn) == .string {
                        let text = tape.decodeString(turn, source: source)
                        if !text.isEmpty { segments.append(.init(label: label, text: text)) }
                    }
                }
            case .instances:
                // Self-Instruct: every instance's input and output, in order, after the instruction.
                guard let (node, _) = find(field, view) else { continue }
                for instance in tape.elements(node) where tape.kind(instance) == .object {
                    let input = tape.member(instance, named: "input", source: source)
                    let output = tape.member(instance, named: "output", source: source)
                    for (label, value) in [("input", input), ("output", output)] {
                        guard let value, tape.kind(value) == .string else { continue }
                        let text = tape.decodeString(value, source: source)
                        if !text.isEmpty { segments.append(.init(label: label, text: text)) }
                    }
                }
            default:
                add(field)
            }
        }
        var sides: [String: String] = [:]
        if shape.isPreferencePair {
            for (field, side) in [(RowField.chosenGenerator, "chosen"), (.rejectedGenerator, "rejected")] {
                guard let (node, _) = find(field, view) else { continue }
                // Import refused any other type (`readProvenance`), so nothing is dropped here.
                let text = tape.kind(node) == .string ? tape.decodeString(node, source: source).trimmingSpaces
                    : tape.kind(node) == .number ? tape.decodeNumberText(node, source: source) : ""
                if !text.isEmpty { sides[side] = text }
            }
        }
        return RowText(segments: segments, sideGenerators: sides)
    }

    /// Splits an HH-RLHF transcript ("\n\nHuman: ...\n\nAssistant: ...") into turns.
    public static func transcript(_ text: String, side: String) -> [RowText.Segment] {
        var segments: [RowText.Segment] = []
        var rest = Substring(text)
        let markers = [("\n\nHuman:", "user"), ("\n\nAssistant:", "assistant")]
        var current: (label: String, start: Substring.Index)?
        while !rest.isEmpty {
            let next = markers.compactMap { marker, label in rest.range(of: marker).map { ($0, label) } }
                .min { $0.0.lowerBound < $1.0.lowerBound }
            guard let (range, label) = next else { break }
            if let current {
                let body = text[current.start..<range.lowerBound].trimmingSpaces
                if !body.isEmpty { segments.append(.init(label: current.label, text: body, side: side)) }
            }
            current = (label, range.upperBound)
            rest = text[range.upperBound...]
        }
        if let current {
            let body = text[current.start...].trimmingSpaces
            if !body.isEmpty { segments.append(.init(label: current.label, text: body, side: side)) }
        } else if !text.isEmpty {
            segments.append(.init(label: "transcript", text: text, side: side))
        }
        return segments
    }
}

extension Substring {
    var trimmingSpaces: String { String(self).trimmingSpaces }
}
