/// Which of a row's fields are its content: what `text(of:)` renders, in reading order, and
/// what `unusedMembers` counts as read. One list serves both, so a field can never be shown to
/// the reviewer without being counted as used, or counted as used without being shown.
extension RowRecognizer {
    /// The content fields of `shape`, in reading order, for a rendering version. A system
    /// prompt first, then earlier turns (`history`), then the prompt side, then the answer.
    static func contentOrder(_ shape: RowShape, rendering: Int) -> [RowField] {
        rendering >= 2 ? current[shape.index] : legacy[shape.index]
    }

    private static let current: [[RowField]] = RowShape.allCases.map { shape in
        switch shape {
        case .chat: return [.system, .messages, .conversations]
        case .alpaca: return [.system, .history, .instruction, .input, .output, .instances]
        case .promptResponse: return [.system, .history, .prompt, .instruction, .question, .input, .response, .completion, .answer]
        case .preference: return [.prompt, .chosen, .rejected]
        case .hh: return [.chosen, .rejected]
        case .dolly: return [.instruction, .context, .response]
        }
    }

    /// Rendering 1: before issue 10 (no system prompt, history or instances; a prompt-response
    /// row's `input` was not read).
    private static let legacy: [[RowField]] = RowShape.allCases.map { shape in
        switch shape {
        case .chat: return [.messages, .conversations]
        case .alpaca: return [.instruction, .input, .output]
        case .promptResponse: return [.prompt, .instruction, .question, .response, .completion, .answer]
        default: return current[shape.index]
        }
    }

    /// Whether the row renders `field` (one of its shape's content fields): it has it, and no
    /// field that takes precedence over it. `messages` wins over `conversations`; an `output`
    /// (given or mapped, e.g. `--map output=instances.0.output`) wins over reading every
    /// Self-Instruct instance, so a mapped row reads what the map says and the summary names
    /// the instance members the map left out.
    @inline(__always)
    func renders(_ field: RowField, _ view: RowView) -> Bool {
        guard has(field, view) else { return false }
        switch field {
        case .conversations: return !has(.messages, view)
        case .instances: return !has(.output, view)
        default: return true
        }
    }
}

extension RowShape {
    /// Position in `allCases`, without searching it.
    public var index: Int {
        switch self {
        case .chat: return 0
        case .alpaca: return 1
        case .promptResponse: return 2
        case .preference: return 3
        case .hh: return 4
        case .dolly: return 5
        }
    }
}
