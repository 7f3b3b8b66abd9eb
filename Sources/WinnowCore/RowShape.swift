/// The shapes of training rows people already have on disk; import recognises each row's shape
/// on its own, so one file may mix them.
public enum RowShape: String, Sendable, CaseIterable, Codable {
    /// `messages: [{role, content}]` (OpenAI style) or ShareGPT `conversations: [{from, value}]`.
    case chat
    /// `instruction`, optional `input`, `output` (Stanford Alpaca).
    case alpaca
    /// `prompt` with `response` or `completion`; also `question`/`answer` and `instruction`/`response`.
    case promptResponse = "prompt-response"
    /// `prompt`, `chosen`, `rejected` (TRL); chosen/rejected may be strings or message lists.
    case preference
    /// Anthropic HH-RLHF: `chosen`/`rejected` transcripts of "\n\nHuman: ...\n\nAssistant: ...".
    case hh
    /// Databricks Dolly: `instruction`, `context`, `response`, `category`.
    case dolly

    /// The value `--format` takes; `auto` is represented as nil.
    public static func parseFormat(_ text: String) -> RowShape?? {
        if text == "auto" { return .some(nil) }
        if let shape = RowShape(rawValue: text) { return .some(shape) }
        return nil
    }

    /// "a" or "an", for messages ("missing 'output' for an alpaca row").
    public var article: String { self == .alpaca ? "an" : "a" }

    public static var formatNames: [String] { ["auto"] + allCases.map(\.rawValue) }
}

/// Human or synthetic, as the row says or the import flags say; unknown when neither does
/// (the mixer will not count an unknown row as human).
public enum Origin: String, Sendable, CaseIterable, Codable {
    case human
    case synthetic
    case unknown
}

/// The provenance fields winnow keeps for each row (DESIGN.md: origin, generator, template,
/// seed, temperature, created, slice tags), plus the AI judge's score when the row carries one.
public struct Provenance: Sendable, Equatable, Codable {
    public var origin: Origin = .unknown
    public var generator: String?
    public var template: String?
    public var seed: String?
    public var temperature: Double?
    public var created: String?
    public var slices: [String] = []
    public var judgeScore: Double?

    public init() {}
}

extension RowShape {
    /// A row with a chosen and a rejected answer (TRL preference, hh-rlhf).
    public var isPreferencePair: Bool { self == .preference || self == .hh }
}

/// The provenance and content fields import looks up, by the names `--map` and the config use.
public enum RowField: String, Sendable, CaseIterable {
    case id, origin, generator, template, seed, temperature, created, slice
    case judgeScore = "judge_score"
    case messages, conversations, instruction, input, output, prompt, response, completion
    case question, answer, chosen, rejected, context, category
    /// A system prompt beside the turns (LLaMA-Factory's Alpaca and ShareGPT formats).
    case system
    /// Earlier turns as `[[prompt, answer], ...]` (LLaMA-Factory's Alpaca format).
    case history
    /// Self-Instruct's `[{input, output}, ...]` examples of one instruction.
    case instances
    /// Of a preference pair: the generator that wrote each side (the pair gate compares them).
    case chosenGenerator = "chosen_generator"
    case rejectedGenerator = "rejected_generator"

    /// Position in `allCases`, without hashing (used in the import hot loop).
    public var ordinal: Int {
        switch self {
        case .id: return 0
        case .origin: return 1
        case .generator: return 2
        case .template: return 3
        case .seed: return 4
        case .temperature: return 5
        case .created: return 6
        case .slice: return 7
        case .judgeScore: return 8
        case .messages: return 9
        case .conversations: return 10
        case .instruction: return 11
        case .input: return 12
        case .output: return 13
        case .prompt: return 14
        case .response: return 15
        case .completion: return 16
        case .question: return 17
        case .answer: return 18
        case .chosen: return 19
        case .rejected: return 20
        case .context: return 21
        case .category: return 22
        case .system: return 23
        case .history: return 24
        case .instances: return 25
        case .chosenGenerator: return 26
        case .rejectedGenerator: return 27
        }
    }

    /// Where a field is looked for when neither the config nor `--map` says otherwise; the first
    /// path that exists wins.
    public var defaultPaths: [String] {
        switch self {
        case .id: return ["id"]
        case .origin: return ["meta.origin", "origin"]
        case .generator: return ["meta.generator", "generator", "meta.model"]
        case .template: return ["meta.template", "template"]
        case .seed: return ["meta.seed_id", "meta.seed", "seed_id"]
        case .temperature: return ["meta.temperature", "temperature"]
        case .created: return ["meta.created", "created"]
        case .slice: return ["meta.slice", "meta.slices", "slice"]
        case .judgeScore: return ["meta.judge_score", "judge_score"]
        case .chosenGenerator: return ["meta.chosen_generator", "chosen_generator", "meta.chosen_model", "chosen_model"]
        case .rejectedGenerator: return ["meta.rejected_generator", "rejected_generator", "meta.rejected_model", "rejected_model"]
        default: return [rawValue]
        }
    }
}
