import Foundation
@testable import Mixer
import Workspace
import TestSupport
import Testing
import WinnowCore

/// Each output format loads the way its consumers load it: Python's json module, line by line,
/// with the keys TRL / Alpaca / chat trainers read.
@Suite(.serialized) struct MixFormatTests {
    /// Runs python3 over a data file: every line parses and has `keys` with the right types.
    func pythonCheck(_ path: String, format: String) throws -> (status: Int32, output: String) {
        let script = """
            import json, sys
            fmt, n = sys.argv[2], 0
            with open(sys.argv[1], encoding="utf-8") as f:
                for line in f:
                    row = json.loads(line); n += 1
                    if fmt == "chat":
                        assert isinstance(row["messages"], list) and row["messages"], row
                        assert all(m["role"] in ("system", "user", "assistant") and isinstance(m["content"], str) for m in row["messages"]), row
                        assert row["messages"][-1]["role"] == "assistant", row
                    elif fmt == "preference":
                        assert all(isinstance(row[k], str) and row[k] for k in ("prompt", "chosen", "rejected")), row
                    else:
                        assert all(isinstance(row[k], str) for k in ("instruction", "input", "output")), row
                        assert row["instruction"] and row["output"], row
                    assert "metadata" not in row or row["metadata"]["row"], row
            print(n)
            """
        let python = try ChildProcess.run("/usr/bin/env", ["python3", "-c", script, path, format])
        return (python.status, python.output)  // a signal gives its number: not 0 either
    }

    @Test(arguments: [("chat", "chat"), ("chat", "prompt-response"), ("chat", "preference"), ("preference", "preference"),
                      ("alpaca", "prompt-response"), ("alpaca", "chat")])
    func eachFormatLoadsInPython(format: String, shape: String) throws {
        let f = try MixFixture([.init(slice: "general", origin: "human", count: 8), .init(slice: "general", origin: "synthetic", count: 8)], shape: shape)
        try f.decide(f.ids("general-s", 0..<8), .accept)
        let out = try f.build("name = \"f\"\nseed = 1\nformat = \"\(format)\"\n")
        let check = try pythonCheck(out.directory + "/data.jsonl", format: format)
        #expect(check.status == 0, "\(check.output)")
        #expect(check.output.trimmingCharacters(in: .whitespacesAndNewlines) == "16")
    }

    /// Rows are written as bytes without a JSON tree; they must be exactly the canonical form
    /// (members in code-point order), or mixes would not hash the same as their content.
    @Test(arguments: ["chat", "preference", "alpaca"])
    func everyLineIsCanonicalJSON(format: String) throws {
        let f = try MixFixture([.init(slice: "general", origin: "human", count: 6), .init(slice: "general", origin: "synthetic", count: 6)],
                               shape: "preference")
        try f.decide(f.ids("general-s", 0..<3), .accept)
        let edited = JSONValue.object([("id", .string("general-s-3")), ("prompt", .string("q \"quoted\"\n")),
                                       ("chosen", .string("é\u{1}")), ("rejected", .string("no"))])
        try f.decide(["general-s-3"], .edit, newRow: edited)
        let out = try f.build("name = \"c\"\nseed = 1\nformat = \"\(format)\"\n[weights.origin]\nhuman = 2\n")
        let text = try String(contentsOfFile: out.directory + "/data.jsonl", encoding: .utf8)
        for line in text.split(separator: "\n") {
            #expect(try JSONValue.parse(Array(line.utf8)).canonicalString == String(line))
        }
        #expect(text.contains("edited_by") && text.contains("\"copy\":1"))
    }

    /// Chat rows are copied without decoding where they allow it; the bytes must be exactly
    /// those of the decoding path, for every kind of chat row.
    @Test func theChatFastPathWritesTheSameBytesAsDecoding() throws {
        let f = try MixFixture([.init(slice: "general", origin: "human", count: 1)])
        let rows = [
            #"{"id": "c1", "messages": [{"role": "system", "content": "be brief"}, {"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}], "meta": {"origin": "human"}}"#,
            #"{"id": "c2", "messages": [{"role": "User", "content": "a"}, {"role": "user", "content": "b"}, {"role": "assistant", "content": ""}, {"role": "gpt", "content": "c"}, {"role": "tool", "content": "d"}], "meta": {"origin": "human"}}"#,
            #"{"id": "c3", "messages": [{"role": "user", "content": "line\nbreak \"quoted\" \u00e9"}, {"role": "assistant", "content": "ok"}], "meta": {"origin": "human"}}"#,
            #"{"id": "c4", "conversations": [{"from": "human", "value": "q"}, {"from": "gpt", "value": "a é ünïcode"}], "meta": {"origin": "human"}}"#,
            #"{"id": "c5", "messages": [{"role": "user", "content": [{"type": "text", "text": "parts"}]}, {"role": "assistant", "content": "x"}], "meta": {"origin": "human"}}"#,
            #"{"id": "c6", "messages": [{"content": "no role"}, {"role": "assistant"}, {"role": "assistant", "content": 5}, {"role": "model", "content": "m"}], "meta": {"origin": "human"}}"#,
        ]
        try (rows.joined(separator: "\n") + "\n").write(toFile: f.tmp.file("chat.jsonl"), atomically: true, encoding: .utf8)
        _ = try f.session.importFile(f.tmp.file("chat.jsonl"), options: ImportOptions(), progress: nil)
        let spec = "name = \"x\"\nseed = 1\n[weights.origin]\nhuman = 2\n"
        let fast = try f.build(spec, fastPaths: true), slow = try f.build(spec, fastPaths: false)
        let a = try Data(contentsOf: URL(fileURLWithPath: fast.directory + "/data.jsonl"))
        let b = try Data(contentsOf: URL(fileURLWithPath: slow.directory + "/data.jsonl"))
        #expect(a == b, "\(String(decoding: a, as: UTF8.self))\n---\n\(String(decoding: b, as: UTF8.self))")
        #expect(fast.report.rows == 12, "the fixture row and five of these (c6 does not import), twice each")
    }

    @Test func preferenceFormatLeavesOutRowsWithoutAPair() throws {
        let f = try MixFixture([.init(slice: "general", origin: "human", count: 4)])
        #expect(throws: MixError.self) { _ = try f.build("name = \"f\"\nseed = 1\nformat = \"preference\"\n") }
    }

    @Test func strippedProvenanceHasNoMetadata() throws {
        let f = try MixFixture([.init(slice: "general", origin: "human", count: 4)])
        let out = try f.build("name = \"s\"\nseed = 1\n", strip: true)
        #expect(try MixFixture.rows(out.directory).allSatisfy { $0["metadata"] == nil })
        let check = try pythonCheck(out.directory + "/data.jsonl", format: "chat")
        #expect(check.status == 0, "\(check.output)")
    }
}
