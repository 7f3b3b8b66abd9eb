import Foundation
import Testing

/// The gates through the command line: what the demo's planted problems trip, reruns that
/// change nothing write nothing, a config change flags and clears, and GSM8K contamination.
@Suite(.serialized) struct GatesEndToEndTests {
    func flagged(_ ws: String) throws -> [(id: String, gate: String, action: String)] {
        let run = try WinnowProcess.run(["gates", "--rows"], in: ws)
        return run.stdout.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count >= 3, !line.hasPrefix(" "), !line.hasPrefix("Gate") else { return nil }
            return (String(parts[0]), String(parts[1]), String(parts[2]))
        }
    }

    @Test func thePlantedProblemsTripTheirGates() throws {
        let tmp = try TemporaryFolder()
        let ws = tmp.path + "/demo"
        let demo = try WinnowProcess.run(["demo", "--dir", ws, "--sample-data", WinnowProcess.sampleData])
        #expect(demo.status == 0, "\(demo.output)")
        let flags = try flagged(ws)
        let contaminated = Set(flags.filter { $0.gate == "contamination" }.map(\.id))
        #expect(contaminated == ["chat-0093", "alp-0042", "pref-0024"], "the README's three eval copies")
        #expect(flags.contains { $0.id == "chat-0078" && $0.gate == "pii" && $0.action == "reject" }, "card number in billing")
        #expect(flags.filter { $0.gate == "template" }.count >= 15, "the orca-mini tpl-support-04 batch")
        #expect(flags.contains { $0.gate == "exact-duplicate" && $0.action == "reject" })
        #expect(flags.filter { $0.gate == "slice-tag" }.count == 10, "the ten rows without a slice get one")
        let refund = Set(flags.filter { $0.gate == "blocklist" }.map(\.id))
        #expect(refund.isSuperset(of: ["alp-0050", "pref-0035", "chat-0089"]), "billing's blocklist catches the invented refund policy: \(refund)")

        // Nothing changed: a rerun writes nothing.
        let head = try WinnowProcess.run(["log", "verify"], in: ws).stdout
        let rerun = try WinnowProcess.run(["gates", "--rerun"], in: ws)
        #expect(rerun.stdout.contains("0 flagged, 0 rejected, 0 cleared"), "\(rerun.output)")
        #expect(try WinnowProcess.run(["log", "verify"], in: ws).stdout == head)

        // A global blocklist phrase flags the row that has it; removing the phrase clears it.
        let config = ws + "/winnow.toml"
        let original = try String(contentsOfFile: config, encoding: .utf8)
        try original.replacingOccurrences(of: "blocklist = [\"as an ai language model\"]",
                                          with: "blocklist = [\"as an ai language model\", \"fibonacci\"]")
            .write(toFile: config, atomically: true, encoding: .utf8)
        let added = try WinnowProcess.run(["gates", "--rerun"], in: ws)
        #expect(added.stdout.contains("blocklist:"), "\(added.output)")
        #expect(try flagged(ws).contains { $0.gate == "blocklist" && $0.id == "alp-0042" })
        try original.write(toFile: config, atomically: true, encoding: .utf8)
        let removed = try WinnowProcess.run(["gates", "--rerun"], in: ws)
        #expect(removed.stdout.contains(" 1 cleared"), "\(removed.output)")
        #expect(try !flagged(ws).contains { $0.gate == "blocklist" && $0.id == "alp-0042" })
        #expect(try WinnowProcess.run(["log", "verify"], in: ws).status == 0)
    }

    @Test func gateRejectedRowsAreNotServedAndFlaggedRowsComeFirst() throws {
        let tmp = try TemporaryFolder()
        let ws = tmp.path + "/demo"
        #expect(try WinnowProcess.run(["demo", "--dir", ws, "--sample-data", WinnowProcess.sampleData]).status == 0)
        let rejected = Set(try flagged(ws).filter { $0.action == "reject" }.map(\.id))
        var served: [String] = []
        for _ in 0..<30 {
            let next = try WinnowProcess.run(["next", "--json"], in: ws)
            guard let object = try JSONSerialization.jsonObject(with: next.stdoutBytes) as? [String: Any],
                  let id = object["id"] as? String else { break }
            served.append(id)
            #expect(try WinnowProcess.run(["decide", id, "--accept", "--force"], in: ws).status == 0)
        }
        #expect(!served.isEmpty)
        #expect(rejected.isDisjoint(with: served), "gate-rejected rows wait for nobody: \(served)")
    }

    @Test(.enabled(if: WinnowProcess.hasRealData, "../shared/realdata is not present"))
    func rowsCopiedFromGSM8KAreExactlyTheContaminatedOnes() throws {
        let tmp = try TemporaryFolder()
        let ws = try tmp.workspace()
        let test = WinnowProcess.realData + "/gsm8k/test.jsonl"
        let questions = try String(contentsOfFile: test, encoding: .utf8).split(separator: "\n").prefix(25).map {
            (try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any])["question"] as! String
        }
        var lines: [String] = []
        for (i, q) in questions.enumerated() {
            let row: [String: Any] = ["id": "copied-\(i)", "prompt": q, "response": "Let me work it out step by step.",
                                      "meta": ["origin": "synthetic", "slice": "general"]]
            lines.append(String(decoding: try JSONSerialization.data(withJSONObject: row), as: UTF8.self))
        }
        for i in 0..<25 {
            lines.append(#"{"id": "own-\#(i)", "prompt": "How do I reset the password on my Northwind account number \#(i)?", "response": "Open Settings, then Security, then choose Reset password and follow the e-mail link.", "meta": {"origin": "human", "slice": "general"}}"#)
        }
        let file = try tmp.file("rows.jsonl", lines.joined(separator: "\n") + "\n")
        let config = ws + "/winnow.toml"
        try String(contentsOfFile: config, encoding: .utf8)
            .replacingOccurrences(of: "eval_files = []", with: "eval_files = [\"\(test)\"]")
            .write(toFile: config, atomically: true, encoding: .utf8)
        let run = try WinnowProcess.run(["import", file], in: ws)
        #expect(run.status == 0, "\(run.output)")
        let contaminated = Set(try flagged(ws).filter { $0.gate == "contamination" }.map(\.id))
        #expect(contaminated == Set((0..<25).map { "copied-\($0)" }))
    }
}
