import Foundation
import Testing

/// A gate-flagged row gets a human or stays out of mixes, in every slice: outside critical
/// slices only a sample is reviewed, and flagged rows the sample missed were once mixed unseen.
@Suite(.serialized) struct FlaggedRowsEndToEndTests {
    /// Forty human rows of the sampled general slice; `flagged` of them carry the blocklist's
    /// default phrase.
    func rows(_ tmp: TemporaryFolder, flagged: Set<Int>) throws -> String {
        var lines: [String] = []
        for i in 0..<40 {
            let words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"]
            let output = flagged.contains(i) ? "As an AI language model I cannot say \(i)." : "The answer is \(words[i % 8]) \(i) and \(i * 7)."
            lines.append(#"{"id":"r\#(i)","instruction":"Write line number \#(i) of the \#(words[i % 8]) list, then stop.","output":"\#(output)"}"#)
        }
        return try tmp.file("rows.jsonl", lines.joined(separator: "\n") + "\n")
    }

    func json(_ args: [String], in ws: String) throws -> Any {
        let run = try WinnowProcess.run(args + ["--json"], in: ws)
        #expect(run.status == 0, "\(args): \(run.output)")
        return try JSONSerialization.jsonObject(with: run.stdoutBytes, options: [.fragmentsAllowed])
    }

    func mix(_ tmp: TemporaryFolder, _ ws: String, name: String) throws -> [String: Any] {
        let spec = try tmp.file("\(name).toml", "name = \"\(name)\"\nseed = 3\nformat = \"alpaca\"\n")
        let report = try json(["mix", spec], in: ws) as? [String: Any]
        return report?["report"] as? [String: Any] ?? [:]
    }

    @Test func aFlaggedRowOutsideTheSampleIsServedFirstAndKeptOutOfMixesUntilDecided() throws {
        let tmp = try TemporaryFolder()
        let ws = try tmp.workspace()
        let imported = try WinnowProcess.run(["import", "--origin", "human", try rows(tmp, flagged: [17, 31])], in: ws)
        #expect(imported.status == 0, "\(imported.output)")

        let first = try json(["next"], in: ws) as? [String: Any]
        let second = try json(["next"], in: ws) as? [String: Any]
        #expect(Set([first?["id"] as? String, second?["id"] as? String]) == ["r17", "r31"])
        #expect(first?["reason"] as? String == "flagged" && second?["reason"] as? String == "flagged")

        let before = try mix(tmp, ws, name: "before")
        #expect((before["excluded"] as? [String: Int])?["flagged by the blocklist gate, not reviewed"] == 2, "\(before)")
        #expect(before["rows"] as? Int == 38)

        let decided = try WinnowProcess.run(["decide", "r17", "--accept"], in: ws)
        #expect(decided.status == 0, "\(decided.output)")
        let after = try mix(tmp, ws, name: "after")
        #expect((after["excluded"] as? [String: Int])?["flagged by the blocklist gate, not reviewed"] == 1, "\(after)")
        #expect(after["rows"] as? Int == 39)
    }

    @Test func onFlagIgnoreAndExcludeAreHonoured() throws {
        for policy in ["ignore", "exclude"] {
            let tmp = try TemporaryFolder()
            let ws = try tmp.workspace()
            let config = ws + "/winnow.toml"
            let text = try String(contentsOfFile: config, encoding: .utf8)
                .replacingOccurrences(of: "# length = \"review\"", with: "blocklist = \"\(policy)\"")
            try text.write(toFile: config, atomically: true, encoding: .utf8)
            #expect(try WinnowProcess.run(["import", "--origin", "human", try rows(tmp, flagged: [17])], in: ws).status == 0)
            // Not queued beyond the sample (r17 is not drawn by it under the default seed).
            var served: [String] = []
            while let item = try json(["next"], in: ws) as? [String: Any] { served.append(item["id"] as? String ?? "") }
            #expect(!served.contains("r17"), "\(policy): \(served)")
            let report = try mix(tmp, ws, name: "m")
            let held = (report["excluded"] as? [String: Int])?["flagged by the blocklist gate, not reviewed"]
            #expect(held == (policy == "exclude" ? 1 : nil), "\(policy): \(report)")
        }
    }

    @Test func anUnknownGateOrPolicyIsAConfigErrorWithItsLine() throws {
        let tmp = try TemporaryFolder()
        let ws = try tmp.workspace()
        let config = ws + "/winnow.toml"
        let original = try String(contentsOfFile: config, encoding: .utf8)
        for (line, expected) in [("blocklst = \"ignore\"", "did you mean 'blocklist'"), ("pii = \"skip\"", "must be one of")] {
            try original.replacingOccurrences(of: "# length = \"review\"", with: line).write(toFile: config, atomically: true, encoding: .utf8)
            let run = try WinnowProcess.run(["queue"], in: ws)
            #expect(run.status != 0 && run.stderr.contains("winnow.toml:") && run.stderr.contains(expected), "\(run.output)")
        }
    }

    /// Every bound holds in data.jsonl as written, not only over data and eval together.
    @Test func humanFloorHoldsInDataJsonlAfterTheEvalSplit() throws {
        let tmp = try TemporaryFolder()
        let ws = try tmp.workspace()
        var lines: [String] = []
        for i in 0..<300 {
            let origin = i < 90 ? "human" : "synthetic"
            lines.append(#"{"id":"m\#(i)","instruction":"Item \#(i): restate the number \#(i * 13) in words.","output":"It is \#(i * 13), said plainly for row \#(i).","meta":{"origin":"\#(origin)","slice":"general"}}"#)
        }
        let file = try tmp.file("mix.jsonl", lines.joined(separator: "\n") + "\n")
        #expect(try WinnowProcess.run(["import", "--no-gates", file], in: ws).status == 0)
        let verdicts = (90..<300).map { #"{"id": "m\#($0)", "verdict": "accept"}"# }.joined(separator: "\n") + "\n"
        #expect(try WinnowProcess.run(["decide", "--force", "--from", try tmp.file("v.jsonl", verdicts)], in: ws).status == 0)
        for seed in 1...6 {
            let spec = try tmp.file("s\(seed).toml", """
                name = "s\(seed)"
                seed = \(seed)
                format = "alpaca"
                eval_fraction = 0.2
                [constraints]
                human_min_fraction = 0.3
                """)
            let run = try WinnowProcess.run(["mix", spec], in: ws)
            #expect(run.status == 0, "\(run.output)")
            for file in ["data.jsonl", "eval.jsonl"] {
                let text = try String(contentsOfFile: ws + "/mixes/s\(seed)/" + file, encoding: .utf8)
                let origins = text.split(separator: "\n").map { line -> String in
                    let row = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                    return (row?["metadata"] as? [String: Any])?["origin"] as? String ?? "?"
                }
                let humans = origins.filter { $0 == "human" }.count
                #expect(!origins.isEmpty && Double(humans) >= 0.3 * Double(origins.count) - 1e-9,
                        "seed \(seed) \(file): \(humans) human of \(origins.count)")
            }
            #expect(run.stdout.contains("data.jsonl:") && run.stdout.contains("eval.jsonl:"), "\(run.stdout)")
        }
    }
}
