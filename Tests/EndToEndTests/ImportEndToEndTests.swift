import Foundation
import Testing
import TestSupport

/// `winnow import` driven through the built binary: every shape, re-import, gzip, JSON arrays.
@Suite(.serialized) struct ImportEndToEndTests {
    let sample = WinnowProcess.sampleData

    @Test func importsEverySampleShapeWithProvenance() throws {
        let tmp = try TemporaryFolder()
        let ws = try tmp.workspace()
        let run = try WinnowProcess.run(["import", "--json", sample + "/support-chat.jsonl",
                                         sample + "/instructions-alpaca.jsonl", sample + "/preferences.jsonl"], in: ws)
        #expect(run.status == 0, "\(run.output)")
        let summaries = try JSONSerialization.jsonObject(with: run.stdoutBytes) as! [[String: Any]]
        #expect(summaries.count == 3)
        let shapes = summaries.map { $0["shapes"] as! [String: Int] }
        #expect(shapes[0]["chat"] == 112)
        #expect(shapes[1]["alpaca"] == 50)
        #expect(shapes[2]["preference"] == 40)
        let origins = summaries[0]["origins"] as! [String: Int]
        #expect(origins["human"]! > 0 && origins["synthetic"]! > 0)
        let generators = summaries[0]["generators"] as! [String: Int]
        #expect(generators["orca-mini-13b-v3"]! >= 16)
        // The row pair with identical content and no id gets content-hash ids, the second ~2.
        #expect(summaries[0]["renamed_ids"] as! Int >= 1)
    }

    @Test func reimportIsANoOpThatSaysSo() throws {
        let tmp = try TemporaryFolder()
        let ws = try tmp.workspace()
        let first = try WinnowProcess.run(["import", "--no-gates", sample + "/preferences.jsonl"], in: ws)
        #expect(first.status == 0, "\(first.output)")
        let again = try WinnowProcess.run(["import", sample + "/preferences.jsonl"], in: ws)
        #expect(again.status == 0)
        #expect(again.stdout.contains("already imported"))
        let log = try WinnowProcess.run(["log", "show", "--json"], in: ws)
        #expect(log.stdout.split(separator: "\n").count == 1, "re-import must not log a second import")
    }

    @Test func gzipInputIsTheSameSourceAsThePlainFile() throws {
        let tmp = try TemporaryFolder()
        let ws = try tmp.workspace()
        let gz = tmp.path + "/chat.jsonl.gz"
        try runShell("gzip -c '\(sample)/support-chat.jsonl' > '\(gz)'")
        let run = try WinnowProcess.run(["import", "--json", gz], in: ws)
        #expect(run.status == 0, "\(run.output)")
        #expect(run.stdout.contains("\"rows\":112"))
        // The stored source is the decompressed content, so the plain file is already there.
        let plain = try WinnowProcess.run(["import", sample + "/support-chat.jsonl"], in: ws)
        #expect(plain.stdout.contains("already imported"), "\(plain.output)")
    }

    @Test func aFileHoldingOneJSONArrayImportsEachElement() throws {
        let tmp = try TemporaryFolder()
        let ws = try tmp.workspace()
        let file = try tmp.file("rows.json", """
            [
              {"instruction": "Name a colour.", "input": "", "output": "Blue."},
              {"instruction": "Add 2 and 2.", "input": "", "output": "4"},
              {"instruction": "Broken", "input": "", "output": ""}
            ]
            """)
        let run = try WinnowProcess.run(["import", "--json", file], in: ws)
        #expect(run.status == 3, "one element has an empty output: \(run.output)")
        #expect(run.stdout.contains("\"format\":\"json-array\""))
        #expect(run.stdout.contains("\"rows\":2"))
        let list = try WinnowProcess.run(["quarantine"], in: ws)
        #expect(list.stdout.contains("rows.json:4 [2]: 'output' is empty"), "\(list.output)")
    }

    @Test func flagsFillProvenanceAndMapNamesFields() throws {
        let tmp = try TemporaryFolder()
        let ws = try tmp.workspace()
        let file = try tmp.file("tasks.jsonl", """
            {"id": "t1", "instruction": "Reverse the word.", "instances": [{"input": "abc", "output": "cba"}]}
            {"id": "t2", "instruction": "Upper-case it.", "instances": [{"input": "abc", "output": "ABC"}]}

            """)
        let run = try WinnowProcess.run([
            "import", "--json", "--origin", "human", "--slice", "general", "--generator", "people",
            "--map", "output=instances.0.output", "--map", "input=instances.0.input", file,
        ], in: ws)
        #expect(run.status == 0, "\(run.output)")
        #expect(run.stdout.contains("\"alpaca\":2"))
        #expect(run.stdout.contains("\"human\":2"))
        #expect(run.stdout.contains("\"people\":2"))
        let bad = try WinnowProcess.run(["import", "--map", "outptu=x", file], in: ws)
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("did you mean 'output'"), "\(bad.output)")
    }

    @Test func forcedFormatQuarantinesRowsOfAnotherShape() throws {
        let tmp = try TemporaryFolder()
        let ws = try tmp.workspace()
        let run = try WinnowProcess.run(["import", "--format", "chat", sample + "/instructions-alpaca.jsonl"], in: ws)
        #expect(run.status == 3)
        #expect(run.stderr.contains("missing 'messages' for a chat row"), "\(run.output)")
    }
}
