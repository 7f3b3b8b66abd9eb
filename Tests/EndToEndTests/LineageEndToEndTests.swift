import Foundation
import Testing

/// `[generators] trained_on`, `winnow lineage`, and what `stats` and `mix` make of a lineage,
/// through the built binary on the SampleData workspace.
@Suite(.serialized) struct LineageEndToEndTests {
    func declare(_ toml: String, in ws: String) throws {
        let handle = FileHandle(forWritingAtPath: ws + "/winnow.toml")!
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(("\n" + toml + "\n").utf8))
        try handle.close()
    }

    @Test func aGeneratorTrainedOnAMixIsTheNextGenerationAndALoopIsRefusedEverywhere() throws {
        let tmp = try TemporaryFolder()
        let ws = try MixEndToEndTests().workspace(tmp)
        let none = try WinnowProcess.run(["lineage"], in: ws)
        #expect(none.status == 0 && none.stdout.contains("No lineage declared"), "\(none.output)")
        #expect(try WinnowProcess.run(["mix", WinnowProcess.sampleData + "/mix-spec.toml"], in: ws).status == 0)
        let config = try String(contentsOfFile: ws + "/winnow.toml", encoding: .utf8)

        // The next model, trained on support-v1 (which holds orca-mini-13b-v3's accepted rows).
        try declare("[generators.next-model]\ntrained_on = [\"mixes/support-v1\"]", in: ws)
        let shown = try WinnowProcess.run(["lineage"], in: ws)
        #expect(shown.status == 0 && shown.stdout.contains("next-model: generation 1"), "\(shown.output)")
        #expect(shown.stdout.contains("trained on mixes/support-v1:") && shown.stdout.contains("newest synthetic generation 0"), "\(shown.output)")
        let json = try WinnowProcess.run(["lineage", "--json"], in: ws)
        let object = try JSONSerialization.jsonObject(with: json.stdoutBytes) as? [String: Any]
        #expect(object?["deepest"] as? Int == 1, "\(json.output)")
        let stats = try WinnowProcess.run(["stats"], in: ws)
        #expect(stats.status == 0 && stats.stdout.contains("Generations (synthetic rows") && stats.stdout.contains("generation 0:"),
                "\(stats.output)")

        let round = try tmp.file("r.toml", "name = \"round-2\"\nseed = 4\n")
        let against = try WinnowProcess.run(["mix", round, "--against", "mixes/support-v1"], in: ws)
        #expect(against.status == 0 && against.stdout.contains("by round (earlier -> this mix):")
                && against.stdout.contains("fresh human") && against.stdout.contains("generation 0"), "\(against.output)")

        // A generator declared as trained on a mix of its own rows: every command that reads
        // the lineage refuses, naming the line, and nothing is built.
        try (config + "\n[generators.orca-mini-13b-v3]\ntrained_on = [\"mixes/support-v1\"]\n")
            .write(toFile: ws + "/winnow.toml", atomically: false, encoding: .utf8)
        let spec = try tmp.file("s.toml", "name = \"s2\"\nseed = 4\n")
        for args in [["lineage"], ["stats"], ["mix", spec]] {
            let run = try WinnowProcess.run(args, in: ws)
            #expect(run.status == 1 && run.stderr.contains("winnow.toml:") && run.stderr.contains("loop: orca-mini-13b-v3 was trained on"),
                    "\(args): \(run.output)")
            #expect(!run.output.contains("Fatal"))
        }
        #expect(!FileManager.default.fileExists(atPath: ws + "/mixes/s2"))
    }
}

/// Stage-wise mixes through the built binary on the SampleData workspace.
@Suite(.serialized) struct StagedMixEndToEndTests {
    @Test func aStagedSpecBuildsEveryStageAndVerifyChecksThemAll() throws {
        let tmp = try TemporaryFolder()
        let ws = try MixEndToEndTests().workspace(tmp)
        let spec = try tmp.file("staged.toml", """
            name = "staged"
            seed = 5
            [constraints]
            human_min_fraction = 0
            critical_synthetic_max = 1
            [stages.sft]
            rows = "non-pairs"
            [stages.preference]
            format = "preference"
            [stages.rft]
            rows = "judge-kept"
            """)
        let run = try WinnowProcess.run(["mix", spec, "--json"], in: ws)
        #expect(run.status == 0, "\(run.output)")
        let object = try JSONSerialization.jsonObject(with: run.stdoutBytes) as? [String: Any]
        let outputs = (object?["outputs"] as? [String: Any]).map { Set($0.keys) }
        #expect(outputs == ["sft/data.jsonl", "preference/data.jsonl", "rft/data.jsonl"], "\(run.output)")
        let stages = ((object?["report"] as? [String: Any])?["stages"] as? [[String: Any]])?.map { $0["name"] as? String }
        #expect(stages == ["sft", "preference", "rft"])
        for stage in ["sft", "preference", "rft"] {
            #expect(FileManager.default.fileExists(atPath: ws + "/mixes/staged/\(stage)/data.jsonl"))
        }
        let report = try String(contentsOfFile: ws + "/mixes/staged/report.md", encoding: .utf8)
        #expect(report.contains("== Stage preference: preference/data.jsonl, preference, rows = any =="), "\(report)")

        let verify = try WinnowProcess.run(["mix", "verify", "mixes/staged"], in: ws)
        #expect(verify.status == 0 && verify.stdout.contains("rft/data.jsonl: identical") && verify.stdout.contains("verified"), "\(verify.output)")
        // An edited stage file fails verification, named.
        let file = ws + "/mixes/staged/preference/data.jsonl"
        chmod(file, 0o644)
        let handle = FileHandle(forWritingAtPath: file)!
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{}\n".utf8))
        try handle.close()
        let tampered = try WinnowProcess.run(["mix", "verify", "mixes/staged"], in: ws)
        #expect(tampered.status == 1 && tampered.stdout.contains("preference/data.jsonl: CHANGED on disk") && tampered.stdout.contains("NOT verified"),
                "\(tampered.output)")

        // A stage setting that belongs to the whole mix: refused, naming the line; nothing built.
        let bad = try tmp.file("bad.toml", "name = \"bad\"\nseed = 1\n[stages.sft]\neval_fraction = 0.1\n")
        let refused = try WinnowProcess.run(["mix", bad], in: ws)
        #expect(refused.status == 1 && refused.stderr.contains("bad.toml:4: [stages.sft] eval_fraction: is set once for the whole mix"),
                "\(refused.output)")
        #expect(!FileManager.default.fileExists(atPath: ws + "/mixes/bad"))
    }
}
