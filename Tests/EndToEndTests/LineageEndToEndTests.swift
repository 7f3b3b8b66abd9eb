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
