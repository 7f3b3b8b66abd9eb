import Testing
@testable import WinnowCore

/// Parses and recognises one row, and renders its text as every consumer reads it.
func recognizeAndRender(_ json: String, _ recognizer: RowRecognizer = RowRecognizer()) throws -> (RecognizedRow, RowText) {
    let bytes = Array(json.utf8)
    let row = try recognize(bytes, recognizer).get()
    let tape = try JSONTape.parse(bytes)
    let text = bytes.withUnsafeBufferPointer { recognizer.text(of: row.shape, tape, source: $0) }
    return (row, text)
}

/// Issue 10: every member of a row is either rendered (and so hashed, gated, mixed) or named
/// as not used. Each defect the issue saw has a test that fails on the code before the fix.
@Suite struct FieldAccountingTests {
    func labels(_ text: RowText) -> [String] { text.segments.map(\.label) }

    @Test func instructionInputResponseRendersTheInput() throws {
        let (row, text) = try recognizeAndRender(#"""
            {"instruction": "Compute the area given width and height.", "input": "width 3, height 4", "response": "12"}
            """#)
        #expect(row.shape == .promptResponse)
        #expect(labels(text) == ["instruction", "input", "response"])
        #expect(text.promptText.contains("width 3, height 4"))
        #expect(row.unused.isEmpty)
        // instruction/input/output reads the same way (Alpaca).
        let (alpaca, alpacaText) = try recognizeAndRender(#"{"instruction": "Add.", "input": "2 and 3", "output": "5"}"#)
        #expect(alpaca.shape == .alpaca)
        #expect(labels(alpacaText) == ["instruction", "input", "output"])
    }

    @Test func historyAndSystemRenderAsEarlierTurnsInOrder() throws {
        let (row, text) = try recognizeAndRender(#"""
            {"instruction": "And in Paris?", "input": "", "output": "18 degrees.", "system": "Answer briefly.",
             "history": [["Weather in Rome?", "24 degrees."], ["And in Oslo?", "9 degrees."]]}
            """#)
        #expect(row.shape == .alpaca)
        #expect(row.unused.isEmpty)
        #expect(text.segments.map { "\($0.label): \($0.text)" } == [
            "system: Answer briefly.", "user: Weather in Rome?", "assistant: 24 degrees.",
            "user: And in Oslo?", "assistant: 9 degrees.", "instruction: And in Paris?", "output: 18 degrees.",
        ])
        // ShareGPT with a system prompt beside the conversation (LLaMA-Factory).
        let (chat, chatText) = try recognizeAndRender(#"""
            {"system": "You are terse.", "conversations": [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Hello."}]}
            """#)
        #expect(chat.unused.isEmpty)
        #expect(labels(chatText) == ["system", "human", "gpt"])
    }

    @Test func malformedHistoryIsRefusedWithItsPath() {
        guard case .failure(let problem) = recognize(#"{"instruction": "i", "output": "o", "history": [["only one"]]}"#) else {
            Issue.record("a one-turn history pair imported")
            return
        }
        #expect(problem.reason == "'history[0]' is a list of 1 items, expected [prompt, answer] (two strings)")
    }

    @Test func selfInstructInstancesRenderInFullOrAreNamed() throws {
        let task = #"""
            {"id": "seed_task_3", "name": "area", "instruction": "Compute the area.", "is_classification": false,
             "instances": [{"input": "width 3, height 4", "output": "12"}, {"input": "width 2, height 2", "output": "4"}]}
            """#
        let (row, text) = try recognizeAndRender(task)
        #expect(row.shape == .alpaca)
        #expect(labels(text) == ["instruction", "input", "output", "input", "output"])
        #expect(row.unused == ["name", "is_classification"])
        // The README's old advice: the map wins, and what it leaves out is named.
        let mapped = RowRecognizer(paths: [.output: [FieldPath("instances.0.output")!]])
        let (old, oldText) = try recognizeAndRender(task, mapped)
        #expect(labels(oldText) == ["instruction", "output"])
        #expect(old.unused == ["name", "is_classification", "instances.0.input", "instances.1"])
    }

    @Test func membersNothingReadAreNamedByPath() throws {
        let (row, _) = try recognizeAndRender(#"""
            {"id": "r1", "prompt": "p", "response": "r", "target": "reference", "empty": "", "none": null, "list": [],
             "meta": {"origin": "human", "generator": "g", "model": "m", "notes": "checked", "blank": {}},
             "origin": "synthetic", "context": "ignored by prompt-response"}
            """#)
        // meta.model: generator was read from meta.generator, the first path; top-level origin
        // lost to meta.origin. Empty values hold nothing and are not named.
        #expect(row.unused == ["target", "meta.model", "meta.notes", "origin", "context"])
        let (chat, _) = try recognizeAndRender(#"""
            {"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}],
             "conversations": [{"from": "human", "value": "other"}]}
            """#)
        #expect(chat.unused == ["conversations"])
    }

    @Test func importsLoggedBeforeKeepTheirRendering() throws {
        var legacy = RowRecognizer()
        legacy.rendering = 1
        let row = #"{"instruction": "i", "input": "x", "response": "r", "system": "s"}"#
        let (_, text) = try recognizeAndRender(row, legacy)
        #expect(labels(text) == ["instruction", "response"])
        let (_, current) = try recognizeAndRender(row)
        #expect(labels(current) == ["system", "instruction", "input", "response"])
    }

    @Test func aSystemPromptTakesChatRowsOffTheRawCopyPath() throws {
        let plain = Array(#"{"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]}"#.utf8)
        let withSystem = Array(#"{"system": "s", "messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]}"#.utf8)
        let recognizer = RowRecognizer()
        for (bytes, copyable) in [(plain, true), (withSystem, false)] {
            let tape = try JSONTape.parse(bytes)
            let turns = bytes.withUnsafeBufferPointer { recognizer.rawChatTurns(tape, source: $0) }
            #expect((turns != nil) == copyable)
        }
    }

    /// Inside a rendered list: a message's `name`, an agent's `tool_calls` (whose turn renders
    /// as nothing), a tool result's `tool_call_id`, a training `weight`, an image part and a
    /// Self-Instruct instance's extra key are named, once per row, with `*` for the position.
    @Test func membersInsideRenderedListsAreNamed() throws {
        let (chat, _) = try recognizeAndRender(#"""
            {"messages": [{"role": "system", "content": "You call tools."},
              {"role": "user", "content": [{"type": "text", "text": "What is this?"}, {"type": "image_url", "image_url": {"url": "x.png"}}], "name": "alice"},
              {"role": "assistant", "content": null, "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "look", "arguments": "{}"}}]},
              {"role": "tool", "tool_call_id": "c1", "content": "a cat"},
              {"role": "assistant", "content": "A cat.", "weight": 1, "name": ""}]}
            """#)
        #expect(chat.unused == [
            "messages.*.content.*.image_url", "messages.*.name", "messages.*.tool_call_id", "messages.*.tool_calls", "messages.*.weight",
        ])
        let (shareGPT, _) = try recognizeAndRender(#"""
            {"conversations": [{"from": "human", "value": "hi", "lang": "en"}, {"from": "gpt", "value": "hello", "markdown": true}]}
            """#)
        #expect(shareGPT.unused == ["conversations.*.lang", "conversations.*.markdown"])
        // Role and content under both spellings: the one not rendered is named.
        let (both, _) = try recognizeAndRender(#"{"messages": [{"role": "user", "from": "human", "content": "a"}, {"role": "assistant", "content": "b"}]}"#)
        #expect(both.unused == ["messages.*.from"])
        let (instances, _) = try recognizeAndRender(#"""
            {"instruction": "Add.", "instances": [{"input": "1 2", "output": "3", "note": "easy"}, {"input": "", "output": "0"}]}
            """#)
        #expect(instances.unused == ["instances.*.note"])
        // Content parts that show nothing: a bare string part and an image placeholder.
        let (parts, _) = try recognizeAndRender(#"""
            {"messages": [{"role": "user", "content": [{"type": "text", "text": "Describe."}, "a loose string", {"type": "image"}]},
              {"role": "assistant", "content": "A cat."}]}
            """#)
        #expect(parts.unused == ["messages.*.content.*"])
        // The plain case names nothing.
        let (plain, _) = try recognizeAndRender(#"{"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]}"#)
        #expect(plain.unused.isEmpty)
    }
}
