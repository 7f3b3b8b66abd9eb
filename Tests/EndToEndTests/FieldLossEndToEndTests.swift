import Foundation
import Testing

/// Issue 10 through the built binary: an instruction/input/response row's input and an
/// Alpaca-with-history row's earlier turns reach review, the log's summary and both mix
/// formats; a member nothing reads is named; OpenAssistant trees import one row per path and
/// survive reindex and mix verify.
@Suite(.serialized) struct FieldLossEndToEndTests {
    static let rows = #"""
        {"id": "iir", "instruction": "Compute the area given width and height.", "input": "width 3, height 4", "response": "The area is 12.", "meta": {"origin": "human"}}
        {"id": "hist", "system": "Answer briefly.", "history": [["Weather in Rome?", "24 degrees."], ["And Oslo?", "9 degrees."]], "instruction": "And in Paris?", "input": "", "output": "18 degrees.", "meta": {"origin": "human"}}
        {"id": "extra", "prompt": "Name a prime.", "response": "7", "target": "2", "meta": {"origin": "human"}}

        """#

    func mixRows(_ ws: String, _ tmp: TemporaryFolder, format: String) throws -> [String: [String: Any]] {
        let spec = try tmp.file("\(format).toml", "name = \"\(format)\"\nseed = 1\nformat = \"\(format)\"\n")
        let run = try WinnowProcess.run(["mix", spec], in: ws)
        #expect(run.status == 0, "\(run.output)")
        let verify = try WinnowProcess.run(["mix", "verify", "mixes/\(format)"], in: ws)
        #expect(verify.status == 0, "\(verify.output)")
        var rows: [String: [String: Any]] = [:]
        for file in ["data.jsonl", "eval.jsonl"] {
            guard let text = try? String(contentsOfFile: ws + "/mixes/\(format)/" + file, encoding: .utf8) else { continue }
            for line in text.split(separator: "\n") {
                let row = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
                rows[(row["metadata"] as! [String: Any])["row"] as! String] = row
            }
        }
        return rows
    }

    @Test func inputsHistoryAndSystemReachTheMixesAndUnreadMembersAreNamed() throws {
        let tmp = try TemporaryFolder()
        let ws = try tmp.workspace()
        let file = try tmp.file("rows.jsonl", Self.rows)
        let run = try WinnowProcess.run(["import", "--no-gates", file], in: ws)
        #expect(run.status == 0, "\(run.output)")
        #expect(run.stdout.contains("  not used: target in 1 row — map a member with --map FIELD=PATH"), "\(run.output)")
        let log = try WinnowProcess.run(["log", "show", "--json", "--tail", "1"], in: ws)
        #expect(log.stdout.contains(#""unused_members":{"target":1}"#), "\(log.output)")

        let chat = try mixRows(ws, tmp, format: "chat")
        func turns(_ id: String) -> [String] {
            ((chat[id]?["messages"] as? [[String: String]]) ?? []).map { "\($0["role"]!): \($0["content"]!)" }
        }
        #expect(turns("iir") == ["user: Compute the area given width and height.\n\nwidth 3, height 4", "assistant: The area is 12."])
        #expect(turns("hist") == [
            "system: Answer briefly.", "user: Weather in Rome?", "assistant: 24 degrees.", "user: And Oslo?", "assistant: 9 degrees.",
            "user: And in Paris?", "assistant: 18 degrees.",
        ])

        let alpaca = try mixRows(ws, tmp, format: "alpaca")
        #expect(alpaca["iir"]?["input"] as? String == "width 3, height 4")
        #expect(alpaca["hist"]?["history"] as? [[String]] == [["Weather in Rome?", "24 degrees."], ["And Oslo?", "9 degrees."]])
        #expect(alpaca["hist"]?["system"] as? String == "Answer briefly.")
        #expect(alpaca["hist"]?["instruction"] as? String == "And in Paris?")
        // Rows without history or system are written as before: no new members.
        #expect(alpaca["iir"]?["history"] == nil && alpaca["iir"]?["system"] == nil)
    }

    @Test(.enabled(if: WinnowProcess.hasRealData, "../shared/realdata is not present"))
    func openAssistantTreesImportOnePerPathAndSurviveReindexAndMixVerify() throws {
        let tmp = try TemporaryFolder()
        let ws = try tmp.workspace()
        let tree = WinnowProcess.realData + "/oasst/en_100_tree.jsonl"
        let run = try WinnowProcess.run(["import", "--json", "--no-gates", tree], in: ws)
        #expect(run.status == 0, "\(run.output)")
        let summary = (try JSONSerialization.jsonObject(with: run.stdoutBytes) as? [[String: Any]])?.first ?? [:]
        #expect(summary["rows"] as? Int == 1055)
        #expect(summary["shapes"] as? [String: Int] == ["chat": 626, "preference": 429])
        #expect(summary["unused_members"] as? [String: Int] == ["oasst": 1055])
        let expanded = summary["expanded_from"] as? [String: Any] ?? [:]
        #expect(expanded["trees"] as? Int == 100)
        // The original is stored byte for byte under its own hash, beside the derived rows.
        let original = ws + "/sources/\(expanded["source"] as? String ?? "?").jsonl"
        #expect(FileManager.default.contents(atPath: original) == FileManager.default.contents(atPath: tree))
        #expect(FileManager.default.fileExists(atPath: ws + "/sources/\(summary["source"] as? String ?? "?").jsonl"))

        let again = try WinnowProcess.run(["import", tree], in: ws)
        #expect(again.status == 0 && again.stdout.contains("already imported"), "\(again.output)")
        let before = try WinnowProcess.run(["queue", "--json"], in: ws)
        let reindex = try WinnowProcess.run(["reindex"], in: ws)
        #expect(reindex.status == 0 && reindex.stdout.contains("1055 rows"), "\(reindex.output)")
        let after = try WinnowProcess.run(["queue", "--json"], in: ws)
        #expect(before.stdout == after.stdout)
        // Human rows go in unreviewed (chat takes the pairs' chosen side too); verify rebuilds them.
        let human = (summary["origins"] as? [String: Int])?["human"] ?? -1
        let chat = try mixRows(ws, tmp, format: "chat")
        #expect(chat.count == human)
        let preference = try mixRows(ws, tmp, format: "preference")
        #expect(preference.count > 400 && preference.count < 429)

        // The prompt-only files are bare JSON strings: each line quarantined, saying why.
        let text = try WinnowProcess.run(["import", WinnowProcess.realData + "/oasst/en_100_text.jsonl"], in: ws)
        #expect(text.status == 3, "\(text.output)")
        #expect(text.stdout.contains("0 rows imported, 100 quarantined"), "\(text.output)")
        #expect(text.stderr.contains("the line holds a string, not a JSON object (a bare text, such as a list of prompts, has no answer to review)"))
    }
}
