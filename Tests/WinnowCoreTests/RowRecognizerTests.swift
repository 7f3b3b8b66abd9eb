import Testing
@testable import WinnowCore

/// Parses one row and runs the recognizer on it, as import does.
func recognize(_ json: String, _ recognizer: RowRecognizer = RowRecognizer()) -> Result<RecognizedRow, RowProblem> {
    recognize(Array(json.utf8), recognizer)
}

func recognize(_ bytes: [UInt8], _ recognizer: RowRecognizer = RowRecognizer()) -> Result<RecognizedRow, RowProblem> {
    let tape: JSONTape
    do {
        tape = try JSONTape.parse(bytes)
    } catch {
        return .failure(RowProblem("test row does not parse: \(error.reason) at \(error.offset)"))
    }
    return bytes.withUnsafeBufferPointer { recognizer.recognize(tape, source: $0) }
}

/// Every row shape winnow knows is recognised automatically from realistic rows.
@Suite struct RowRecognizerTests {
    struct ShapeCase: Sendable, CustomTestStringConvertible {
        var name: String
        var row: String
        var shape: RowShape
        var testDescription: String { name }
    }

    static let shapes: [ShapeCase] = [
        ShapeCase(name: "OpenAI chat", row: #"""
            {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Capital of France?"},
             {"role": "assistant", "content": "Paris."}]}
            """#, shape: .chat),
        ShapeCase(name: "ShareGPT conversations", row: #"""
            {"id": "sg-1", "conversations": [{"from": "human", "value": "Write a haiku."},
             {"from": "gpt", "value": "Old pond / a frog jumps / the sound of water"}]}
            """#, shape: .chat),
        ShapeCase(name: "content parts", row: #"""
            {"messages": [{"role": "user", "content": [{"type": "text", "text": "What is in this image?"},
             {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}}]},
             {"role": "assistant", "content": [{"type": "text", "text": "A cat on a sofa."}]}]}
            """#, shape: .chat),
        ShapeCase(name: "tool call with null content", row: #"""
            {"messages": [{"role": "user", "content": "Weather in Paris?"},
             {"role": "assistant", "content": null, "tool_calls": [{"id": "c1", "type": "function",
              "function": {"name": "get_weather", "arguments": "{\"city\": \"Paris\"}"}}]},
             {"role": "tool", "tool_call_id": "c1", "content": "18C, cloudy"},
             {"role": "assistant", "content": "It is 18C and cloudy."}]}
            """#, shape: .chat),
        ShapeCase(name: "tool call without content member", row: #"""
            {"messages": [{"role": "user", "content": "Add 2 and 3"},
             {"role": "assistant", "tool_calls": [{"id": "c2", "type": "function", "function": {"name": "add", "arguments": "{}"}}]},
             {"role": "assistant", "content": "5"}]}
            """#, shape: .chat),
        ShapeCase(name: "escaped member name", row: #"{"me\u0073sages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}"#,
                  shape: .chat),
        ShapeCase(name: "Alpaca with input", row: #"""
            {"instruction": "Classify the sentiment.", "input": "I loved this film!", "output": "Positive"}
            """#, shape: .alpaca),
        ShapeCase(name: "Alpaca with empty input", row: #"{"instruction": "Name three primary colours.", "input": "", "output": "Red, yellow and blue."}"#,
                  shape: .alpaca),
        ShapeCase(name: "Alpaca without input", row: #"{"instruction": "Give a synonym for happy.", "output": "Joyful"}"#,
                  shape: .alpaca),
        ShapeCase(name: "prompt/response", row: #"{"prompt": "Explain recursion in one sentence.", "response": "A function that calls itself."}"#,
                  shape: .promptResponse),
        ShapeCase(name: "prompt/completion", row: #"{"prompt": "Once upon a time", "completion": " there was a fox."}"#,
                  shape: .promptResponse),
        ShapeCase(name: "GSM8K question/answer", row: #"""
            {"question": "Janet\u2019s ducks lay 16 eggs per day. She eats three. How many are left?",
             "answer": "16 - 3 = <<16-3=13>>13\n#### 13"}
            """#, shape: .promptResponse),
        ShapeCase(name: "instruction/response without context", row: #"{"instruction": "Translate 'cat' to French.", "response": "chat"}"#,
                  shape: .promptResponse),
        ShapeCase(name: "TRL preference, strings", row: #"""
            {"prompt": "Is the sky blue?", "chosen": "Yes, on a clear day, because of Rayleigh scattering.", "rejected": "No."}
            """#, shape: .preference),
        ShapeCase(name: "TRL preference, conversational without prompt", row: #"""
            {"chosen": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello! How can I help?"}],
             "rejected": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "What."}]}
            """#, shape: .preference),
        ShapeCase(name: "TRL preference, conversational with prompt", row: #"""
            {"prompt": [{"role": "user", "content": "Hi"}], "chosen": [{"role": "assistant", "content": "Hello!"}],
             "rejected": [{"role": "assistant", "content": "Go away."}]}
            """#, shape: .preference),
        ShapeCase(name: "HH-RLHF transcripts", row: #"""
            {"chosen": "\n\nHuman: How do I boil an egg?\n\nAssistant: Simmer it for nine minutes.",
             "rejected": "\n\nHuman: How do I boil an egg?\n\nAssistant: Why would you?"}
            """#, shape: .hh),
        ShapeCase(name: "Dolly", row: #"""
            {"instruction": "When did Virgin Australia start operating?",
             "context": "Virgin Australia commenced services on 31 August 2000 as Virgin Blue.",
             "response": "Virgin Australia commenced services on 31 August 2000.", "category": "closed_qa"}
            """#, shape: .dolly),
        ShapeCase(name: "Dolly with empty context", row: #"""
            {"instruction": "Which is a species of fish? Tope or Rope", "context": "", "response": "Tope", "category": "classification"}
            """#, shape: .dolly),
    ]

    @Test("shapes are recognised automatically", arguments: shapes)
    func recognisesShape(_ c: ShapeCase) throws {
        let row = try recognize(c.row).get()
        #expect(row.shape == c.shape)
        #expect(row.provenance == Provenance())
        #expect(row.conflicts.isEmpty)
    }

    @Test("a forced format that fits is used", arguments: [
        (#"{"question": "2+2?", "answer": "4"}"#, RowShape.promptResponse),
        (#"{"chosen": "\n\nHuman: a\n\nAssistant: b", "rejected": "\n\nHuman: a\n\nAssistant: c"}"#, .preference),
        (#"{"instruction": "Say hi", "input": "", "output": "hi", "messages": 3}"#, .alpaca),
    ])
    func forcedFormatThatFits(_ row: String, _ shape: RowShape) throws {
        #expect(try recognize(row, RowRecognizer(format: shape)).get().shape == shape)
    }

    @Test("a forced format that does not fit is a problem", arguments: [
        (#"{"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]}"#, RowShape.alpaca,
         "missing 'instruction' for a"),
        (#"{"instruction": "a", "input": "", "output": "b"}"#, .chat, "missing 'messages' for a chat row"),
        (#"{"instruction": "a", "input": "", "output": "b"}"#, .dolly, "missing 'response' for a dolly row"),
        (#"{"prompt": "a", "response": "b"}"#, .hh, "missing 'chosen' for a hh row"),
        (#"{"prompt": "a", "response": "b"}"#, .preference, "missing 'chosen' for a preference row"),
        (#"{"question": "a", "answer": "b"}"#, .alpaca, "missing 'instruction'"),
        (#"{"chosen": "plain", "rejected": "text"}"#, .hh, "'chosen' is not a Human:/Assistant: transcript"),
    ])
    func forcedFormatThatDoesNotFit(_ row: String, _ shape: RowShape, _ reason: String) {
        guard case .failure(let problem) = recognize(row, RowRecognizer(format: shape)) else {
            Issue.record("forcing \(shape) on \(row) succeeded")
            return
        }
        #expect(problem.reason.contains(reason), "\(problem.reason)")
    }

    @Test func formatNames() {
        #expect(RowShape.parseFormat("auto") == .some(nil))
        #expect(RowShape.parseFormat("prompt-response") == .some(.promptResponse))
        #expect(RowShape.parseFormat("sharegpt") == nil)
        #expect(RowShape.formatNames == ["auto", "chat", "alpaca", "prompt-response", "preference", "hh", "dolly"])
    }

    @Test func rowsAreReadNotRewritten() throws {
        // Recognition only reads: the same bytes give the same canonical form afterwards.
        let text = Array(#"{"b": "\u00e9", "messages": [{"role": "user", "content": "x"}, {"role": "assistant", "content": "y"}]}"#.utf8)
        let before = try tapeCanonical(text)
        _ = try recognize(text).get()
        #expect(try tapeCanonical(text) == before)
    }
}
