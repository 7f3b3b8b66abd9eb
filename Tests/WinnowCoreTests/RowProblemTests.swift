import Testing
@testable import WinnowCore

/// Every row that cannot be imported gets a reason that names the field, so a person can find it.
@Suite struct RowProblemTests {
    struct ProblemCase: Sendable, CustomTestStringConvertible {
        var name: String
        var row: String
        var reason: String
        var testDescription: String { name }
    }

    static let user = #"{"role": "user", "content": "Hi"}"#
    static let assistant = #"{"role": "assistant", "content": "Hello"}"#

    static let cases: [ProblemCase] = [
        ProblemCase(name: "array", row: "[1, 2]", reason: "the line holds an array, not a JSON object"),
        ProblemCase(name: "string", row: #""just text""#, reason: "the line holds a string, not a JSON object (a bare text, such as a list of prompts, has no answer to review)"),
        ProblemCase(name: "number", row: "42", reason: "the line holds a number, not a JSON object"),
        ProblemCase(name: "null", row: "null", reason: "the line holds null, not a JSON object"),
        ProblemCase(name: "boolean", row: "true", reason: "the line holds a boolean, not a JSON object"),
        ProblemCase(name: "unknown shape", row: #"{"text": "hello", "label": 1}"#,
                    reason: #"no known row shape (members: "text", "label"); expected messages"#),
        ProblemCase(name: "empty object", row: "{}", reason: "no known row shape (members: none)"),
        ProblemCase(name: "instruction alone", row: #"{"instruction": "Do it", "id": 3}"#,
                    reason: #"no known row shape (members: "instruction", "id")"#),
        ProblemCase(name: "empty messages", row: #"{"messages": []}"#, reason: "'messages' is empty"),
        ProblemCase(name: "messages not a list", row: #"{"messages": "Hi"}"#,
                    reason: "'messages' is a string, expected a list of messages"),
        ProblemCase(name: "message not an object", row: #"{"messages": ["Hi", "Hello"]}"#,
                    reason: "'messages[0]' is a string, expected a message object"),
        ProblemCase(name: "content a number", row: #"{"messages": [\#(user), {"role": "assistant", "content": 42}]}"#,
                    reason: "'messages[1].content' is a number, expected a string"),
        ProblemCase(name: "content an object", row: #"{"messages": [{"role": "user", "content": {"text": "Hi"}}]}"#,
                    reason: "'messages[0].content' is an object, expected a string"),
        ProblemCase(name: "null content without tool calls",
                    row: #"{"messages": [\#(user), {"role": "assistant", "content": null}]}"#,
                    reason: "'messages[1].content' is null"),
        ProblemCase(name: "no content", row: #"{"messages": [\#(user), {"role": "assistant"}]}"#,
                    reason: "'messages[1]' has no 'content'"),
        ProblemCase(name: "missing role", row: #"{"messages": [{"content": "Hi"}, \#(assistant)]}"#,
                    reason: "'messages[0]' has no 'role'"),
        ProblemCase(name: "role a number", row: #"{"messages": [{"role": 1, "content": "Hi"}]}"#,
                    reason: "'messages[0].role' is a number, expected a role name"),
        ProblemCase(name: "empty role", row: #"{"messages": [{"role": " ", "content": "Hi"}]}"#,
                    reason: "'messages[0].role' is empty, expected a role name"),
        ProblemCase(name: "no assistant turn", row: #"{"messages": [\#(user), \#(user)]}"#,
                    reason: "'messages' has no assistant turn with content"),
        ProblemCase(name: "blank assistant turn",
                    row: #"{"messages": [\#(user), {"role": "assistant", "content": " \n\t\r"}]}"#,
                    reason: "'messages' has no assistant turn with content"),
        ProblemCase(name: "assistant only calls tools",
                    row: #"{"messages": [\#(user), {"role": "assistant", "content": null, "tool_calls": []}]}"#,
                    reason: "'messages' has no assistant turn with content"),
        ProblemCase(name: "content parts without text",
                    row: #"{"messages": [\#(user), {"role": "assistant", "content": [{"type": "text", "text": ""}]}]}"#,
                    reason: "'messages' has no assistant turn with content"),
        ProblemCase(name: "ShareGPT without gpt turn",
                    row: #"{"conversations": [{"from": "human", "value": "Hi"}, {"from": "human", "value": "Hello?"}]}"#,
                    reason: "'conversations' has no assistant turn with content"),
        ProblemCase(name: "ShareGPT value a number",
                    row: #"{"conversations": [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": 5}]}"#,
                    reason: "'conversations[1].value' is a number, expected a string"),
        ProblemCase(name: "ShareGPT from empty", row: #"{"conversations": [{"from": "", "value": "Hi"}]}"#,
                    reason: "'conversations[0].from' is empty, expected a role name"),
        ProblemCase(name: "ShareGPT value null", row: #"{"conversations": [{"from": "human", "value": null}]}"#,
                    reason: "'conversations[0].value' is null"),
        ProblemCase(name: "empty output", row: #"{"instruction": "Convert 20 inches to cm", "input": "", "output": ""}"#,
                    reason: "'output' is empty"),
        ProblemCase(name: "blank output with escapes", row: #"{"instruction": "x", "output": " \n\t\r "}"#,
                    reason: "'output' is empty"),
        ProblemCase(name: "output a number", row: #"{"instruction": "2+2", "output": 4}"#,
                    reason: "'output' is a number, expected a string"),
        ProblemCase(name: "input a list", row: #"{"instruction": "x", "input": ["a"], "output": "y"}"#,
                    reason: "'input' is an array, expected a string"),
        ProblemCase(name: "empty instruction", row: #"{"instruction": "", "output": "y"}"#, reason: "'instruction' is empty"),
        ProblemCase(name: "empty response", row: #"{"prompt": "p", "response": "   "}"#, reason: "'response' is empty"),
        ProblemCase(name: "empty completion", row: #"{"prompt": "p", "completion": ""}"#, reason: "'completion' is empty"),
        ProblemCase(name: "answer null", row: #"{"question": "q", "answer": null}"#,
                    reason: "'answer' is null, expected a string"),
        ProblemCase(name: "dolly category a number",
                    row: #"{"instruction": "i", "context": "c", "response": "r", "category": 7}"#,
                    reason: "'category' is a number, expected a string"),
        ProblemCase(name: "preference chosen empty", row: #"{"prompt": "p", "chosen": "", "rejected": "r"}"#,
                    reason: "'chosen' is empty"),
        ProblemCase(name: "preference rejected without assistant",
                    row: #"{"chosen": [\#(user), \#(assistant)], "rejected": [\#(user)]}"#,
                    reason: "'rejected' has no assistant turn with content"),
        ProblemCase(name: "preference chosen message without role",
                    row: #"{"chosen": [{"content": "x"}], "rejected": [\#(assistant)]}"#,
                    reason: "'chosen[0]' has no 'role'"),
        ProblemCase(name: "hh without transcript", row: #"{"chosen": "Sure thing.", "rejected": "No."}"#,
                    reason: "'chosen' is not a Human:/Assistant: transcript, and the row has no 'prompt'"),
        ProblemCase(name: "temperature a string",
                    row: #"{"prompt": "p", "response": "r", "meta": {"temperature": "hot"}}"#,
                    reason: "'meta.temperature' is a string, expected a number"),
        ProblemCase(name: "temperature out of range",
                    row: #"{"prompt": "p", "response": "r", "meta": {"temperature": 1e400}}"#,
                    reason: "'meta.temperature' is out of range for a number"),
        ProblemCase(name: "judge score a boolean", row: #"{"prompt": "p", "response": "r", "judge_score": true}"#,
                    reason: "'judge_score' is a boolean, expected a number"),
        ProblemCase(name: "origin robot", row: #"{"prompt": "p", "response": "r", "meta": {"origin": "robot"}}"#,
                    reason: #"'meta.origin' is "robot", expected "human" or "synthetic""#),
        ProblemCase(name: "origin unknown", row: #"{"prompt": "p", "response": "r", "origin": "unknown"}"#,
                    reason: #"'origin' is "unknown", expected "human" or "synthetic""#),
        ProblemCase(name: "origin a number", row: #"{"prompt": "p", "response": "r", "meta": {"origin": 1}}"#,
                    reason: #"'meta.origin' is a number, expected "human" or "synthetic""#),
        ProblemCase(name: "generator an object",
                    row: #"{"prompt": "p", "response": "r", "meta": {"generator": {"name": "x"}}}"#,
                    reason: "'meta.generator' is an object, expected a string"),
        ProblemCase(name: "slice list holding a number", row: #"{"prompt": "p", "response": "r", "meta": {"slices": ["a", 2]}}"#,
                    reason: "'meta.slices' holds a number, expected slice names"),
        ProblemCase(name: "slice an object", row: #"{"prompt": "p", "response": "r", "meta": {"slice": {}}}"#,
                    reason: "'meta.slice' is an object, expected a slice name or a list of them"),
        ProblemCase(name: "id an object", row: #"{"id": {"n": 1}, "prompt": "p", "response": "r"}"#,
                    reason: "'id' is an object, expected a string or an integer id"),
        ProblemCase(name: "id a float", row: #"{"id": 1.5, "prompt": "p", "response": "r"}"#,
                    reason: "'id' is a number, expected a string or an integer id"),
        ProblemCase(name: "id a list", row: #"{"id": ["a"], "prompt": "p", "response": "r"}"#,
                    reason: "'id' is an array, expected a string or an integer id"),
    ]

    @Test("bad rows give a clear problem", arguments: cases)
    func problem(_ c: ProblemCase) {
        switch recognize(c.row) {
        case .success(let row):
            Issue.record("\(c.name) was accepted as \(row.shape)")
        case .failure(let problem):
            #expect(problem.reason.hasPrefix(c.reason) || problem.reason.contains(c.reason), "got: \(problem.reason)")
        }
    }

    @Test func unknownShapeListsAtMostEightMembers() throws {
        let row = "{" + (1...12).map { "\"k\($0)\": \($0)" }.joined(separator: ", ") + "}"
        guard case .failure(let problem) = recognize(row) else {
            Issue.record("accepted")
            return
        }
        #expect(problem.reason.contains(#""k8""#) && !problem.reason.contains(#""k9""#))
    }

    @Test func escapedNewlineIsBlankButEscapedBackslashIsNot() throws {
        // "\\n" is a backslash and an n: text, not a newline.
        #expect(try recognize(#"{"prompt": "p", "response": "\\n"}"#).get().shape == .promptResponse)
        #expect(try recognize(#"{"prompt": "p", "response": "\\\\"}"#).get().shape == .promptResponse)
        guard case .failure(let problem) = recognize(#"{"prompt": "p", "response": "\n\r\t"}"#) else {
            Issue.record("blank response accepted")
            return
        }
        #expect(problem.reason == "'response' is empty")
    }
}
