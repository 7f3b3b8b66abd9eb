import Foundation
import Testing

/// Imports the real public datasets in ../shared/realdata (skipped only where it is absent).
@Suite(.serialized, .enabled(if: WinnowProcess.hasRealData, "../shared/realdata is not present"))
struct RealDataImportTests {
    let real = WinnowProcess.realData

    func importJSON(_ args: [String], ws: String, status: Int32 = 0) throws -> [[String: Any]] {
        let run = try WinnowProcess.run(["import", "--json", "--no-gates"] + args, in: ws)
        #expect(run.status == status, "\(run.output)")
        return (try JSONSerialization.jsonObject(with: run.stdoutBytes) as? [[String: Any]]) ?? []
    }

    @Test func alpacaArrayGsm8kHhAndSelfInstructImportCleanly() throws {
        let tmp = try TemporaryFolder()
        let ws = try tmp.workspace()
        // Two of the 5,000 Alpaca rows really have an empty output (elements 2335 and 4658).
        let alpaca = try importJSON(["--origin", "synthetic", "--generator", "text-davinci-003", real + "/alpaca/alpaca_5000.json"], ws: ws, status: 3)
        #expect(alpaca.first?["rows"] as? Int == 4998)
        #expect((alpaca.first?["shapes"] as? [String: Int])?["alpaca"] == 4998)
        #expect(alpaca.first?["format"] as? String == "json-array")
        let list = try WinnowProcess.run(["quarantine"], in: ws)
        #expect(list.stdout.contains("alpaca_5000.json:1 [2335]: 'output' is empty"), "\(list.stdout)")
        #expect(list.stdout.contains("alpaca_5000.json:1 [4658]: 'output' is empty"), "\(list.stdout)")

        let gsm = try importJSON(["--origin", "human", real + "/gsm8k/train.jsonl", real + "/gsm8k/test.jsonl"], ws: ws)
        #expect(gsm.map { $0["rows"] as? Int } == [7473, 1319])
        #expect((gsm[0]["shapes"] as? [String: Int])?["prompt-response"] == 7473)

        let hh = try importJSON(["--origin", "human", real + "/hh-rlhf/harmless-base/test.jsonl.gz"], ws: ws)
        #expect(hh.first?["rows"] as? Int == 2312)
        #expect((hh.first?["shapes"] as? [String: Int])?["hh"] == 2312)

        let predictions = try FileManager.default.contentsOfDirectory(atPath: real + "/self-instruct/predictions")
            .filter { $0.hasSuffix(".jsonl") }.sorted().map { real + "/self-instruct/predictions/" + $0 }
        // Some models answered some tasks with nothing: those rows are quarantined, the rest import.
        let pred = try importJSON(["--origin", "synthetic"] + predictions, ws: ws, status: 3)
        #expect(pred.count == 8)
        #expect(pred.allSatisfy { ($0["rows"] as! Int) + ($0["quarantined"] as! Int) == 252 })
        #expect(pred.allSatisfy { ($0["quarantine_reasons"] as! [String: Int]).keys.allSatisfy { $0 == "'response' is empty" } })

        let seeds = try importJSON(["--origin", "human", "--map", "output=instances.0.output", "--map", "input=instances.0.input",
                                    real + "/self-instruct/seed_tasks.jsonl"], ws: ws)
        #expect(seeds.first?["rows"] as? Int == 175)
        #expect((seeds.first?["shapes"] as? [String: Int])?["alpaca"] == 175)

        let verify = try WinnowProcess.run(["log", "verify"], in: ws)
        #expect(verify.stdout.hasPrefix("ok: 13 entries"), "\(verify.output)")
    }
}
