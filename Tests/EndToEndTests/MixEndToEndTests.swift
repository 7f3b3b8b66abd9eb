import Foundation
import Testing

/// `winnow mix`, `mix verify`, `rollback --dry-run` and `--against` through the built binary,
/// on the SampleData workspace (TZ and LANG pinned by WinnowProcess).
@Suite(.serialized) struct MixEndToEndTests {
    /// SampleData imported, the synthetic chat rows of one generator accepted in a batch.
    func workspace(_ tmp: TemporaryFolder) throws -> String {
        let ws = try tmp.workspace()
        for file in ["support-chat", "instructions-alpaca", "preferences"] {
            let run = try WinnowProcess.run(["import", "--no-gates", WinnowProcess.sampleData + "/\(file).jsonl"], in: ws)
            #expect(run.status == 0, "\(run.output)")
        }
        // Every synthetic row of the chat file, by the ids the file holds.
        let chat = try String(contentsOfFile: WinnowProcess.sampleData + "/support-chat.jsonl", encoding: .utf8)
        let ids = chat.split(separator: "\n").compactMap { line -> String? in
            guard let row = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  (row["meta"] as? [String: Any])?["origin"] as? String == "synthetic" else { return nil }
            return row["id"] as? String
        }
        let verdicts = ids.map { #"{"id": "\#($0)", "verdict": "accept"}"# }.joined(separator: "\n") + "\n"
        let run = try WinnowProcess.run(["decide", "--force", "--from", try tmp.file("verdicts.jsonl", verdicts)], in: ws)
        #expect(run.status == 0, "\(run.output)")
        return ws
    }

    @Test func theSampleSpecBuildsVerifiesAndIsLogged() throws {
        let tmp = try TemporaryFolder()
        let ws = try workspace(tmp)
        let spec = WinnowProcess.sampleData + "/mix-spec.toml"
        let run = try WinnowProcess.run(["mix", spec], in: ws)
        #expect(run.status == 0, "\(run.output)")
        #expect(run.stdout.contains("Binding constraints:") && run.stdout.contains("Rows left out, by reason:"), "\(run.output)")
        #expect(run.stdout.contains("billing*"))
        for file in ["data.jsonl", "eval.jsonl", "manifest.json", "report.md"] {
            #expect(FileManager.default.fileExists(atPath: ws + "/mixes/support-v1/" + file), "\(file) missing")
        }
        let log = try WinnowProcess.run(["log", "show", "--json", "--tail", "1"], in: ws)
        #expect(log.stdout.contains("\"kind\":\"mix\""), "\(log.output)")
        let verify = try WinnowProcess.run(["mix", "verify", "mixes/support-v1"], in: ws)
        #expect(verify.status == 0 && verify.stdout.contains("data.jsonl: identical"), "\(verify.output)")
        let again = try WinnowProcess.run(["mix", spec], in: ws)
        #expect(again.status == 1 && again.stderr.contains("already exists"), "\(again.output)")
        // JSON listing.
        let json = try WinnowProcess.run(["mix", spec, "--out", tmp.path + "/second", "--json"], in: ws)
        let object = try JSONSerialization.jsonObject(with: json.stdoutBytes) as? [String: Any]
        #expect((object?["report"] as? [String: Any])?["rows"] as? Int ?? 0 > 0, "\(json.output)")
    }

    @Test func anInfeasibleSpecExitsNonZeroNamingTheConstraint() throws {
        let tmp = try TemporaryFolder()
        let ws = try workspace(tmp)
        let spec = try tmp.file("big.toml", "name = \"big\"\nseed = 1\ntotal = 100000\n")
        let run = try WinnowProcess.run(["mix", spec], in: ws)
        #expect(run.status == 1)
        #expect(run.stderr.contains("cannot be met") && run.stderr.contains("rows short") && !run.stderr.contains("Fatal"), "\(run.output)")
        #expect(!FileManager.default.fileExists(atPath: ws + "/mixes/big"))
        let best = try WinnowProcess.run(["mix", spec, "--best-effort"], in: ws)
        #expect(best.status == 0 && best.stdout.contains("total = 100000 not reachable"), "\(best.output)")
        let bad = try tmp.file("bad.toml", "name = \"b\"\nseed = 1\n[constraints]\nhuman_min = 0.3\n")
        let refused = try WinnowProcess.run(["mix", bad], in: ws)
        #expect(refused.status == 1 && refused.stderr.contains("bad.toml:4: unknown setting 'human_min'"), "\(refused.output)")
    }

    @Test func rollbackDryRunNamesTheMixAndTheNextMixLeavesTheRowsOut() throws {
        let tmp = try TemporaryFolder()
        let ws = try workspace(tmp)
        let spec = try tmp.file("s.toml", "name = \"s\"\nseed = 4\n[constraints]\nhuman_min_fraction = 0.2\ncritical_synthetic_max = 1\n")
        #expect(try WinnowProcess.run(["mix", spec], in: ws).status == 0)
        let dry = try WinnowProcess.run(["rollback", "--generator", "orca-mini-13b-v3", "--dry-run", "--json"], in: ws)
        #expect(dry.status == 0, "\(dry.output)")
        let preview = try JSONSerialization.jsonObject(with: dry.stdoutBytes) as! [String: Any]
        #expect(preview["rows"] as? Int == 50, "the generator wrote 33 chat, 9 alpaca and 8 preference rows")
        let mixes = preview["mixes"] as! [[String: Any]]
        #expect(mixes.count == 1 && (mixes[0]["directory"] as! String).hasSuffix("mixes/s") && (mixes[0]["rows"] as! Int) > 0, "\(preview)")
        #expect(try WinnowProcess.run(["rollback", "--generator", "orca-mini-13b-v3"], in: ws).status != 0, "--why is required")
        let real = try WinnowProcess.run(["rollback", "--generator", "orca-mini-13b-v3", "--why", "invents refund rules"], in: ws)
        #expect(real.status == 0 && real.stdout.contains("50 more rows retracted"), "\(real.output)")
        let next = try WinnowProcess.run(["mix", spec, "--out", tmp.path + "/after", "--against", "mixes/s"], in: ws)
        #expect(next.status == 0, "\(next.output)")
        #expect(next.stdout.contains("removed synthetic-accepted"), "\(next.output)")
        let data = try String(contentsOfFile: tmp.path + "/after/data.jsonl", encoding: .utf8)
        #expect(!data.contains("orca-mini-13b-v3"))
        // The old mix no longer rebuilds from today's log? It does: verify uses its own log prefix.
        #expect(try WinnowProcess.run(["mix", "verify", "mixes/s"], in: ws).status == 0)
    }
}
