import Foundation
import Testing
import TestSupport

/// Issue 11, item 8: an import killed after its log entry and before its gates. Written when
/// such rows were never gated and nothing said so: `gates` listed none, a re-import said
/// "nothing to do", and a mix shipped them. Now the import entry records that gates were asked
/// for; until a run covers its rows every command warns, `mix` refuses, and `winnow gates` or
/// the next import finishes them, with the verdicts an uninterrupted import gets.
/// The kill is exact: `WINNOW_TEST_KILL_AT` (a test hook, see `TestKillPoint`).
@Suite(.serialized) struct PendingGatesEndToEndTests {
    static let sample = WinnowProcess.sampleData + "/support-chat.jsonl"

    /// Imports `file` and SIGKILLs the import at `point`; returns the workspace.
    func killedImport(_ tmp: TemporaryFolder, at point: String, file: String = sample, name: String = "ws") throws -> String {
        let ws = try tmp.workspace(name)
        let run = try WinnowProcess.run(["import", file], in: ws, environment: ["WINNOW_TEST_KILL_AT": point])
        #expect(run.status == SIGKILL, "killed at \(point): \(run.output)")
        let show = try WinnowProcess.run(["log", "show", "--json"], in: ws)
        #expect(show.stdout.split(separator: "\n").count == 1 && show.stdout.contains(#""gates":true"#),
                "one import entry, asking for gates, and no gate run: \(show.output)")
        return ws
    }

    /// The verdicts a workspace holds, as `gates --json` and `gates --rows` list them.
    func verdicts(_ ws: String) throws -> String {
        try WinnowProcess.run(["gates", "--json"], in: ws).stdout + (try WinnowProcess.run(["gates", "--rows"], in: ws).stdout)
    }

    func expectWarning(_ run: WinnowRun, rows: Int, _ what: String) {
        #expect(run.stderr.contains("warning: \(rows) imported rows have not been through the gates")
                && run.stderr.contains("run 'winnow gates'"), "\(what): \(run.output)")
    }

    @Test(arguments: ["import-logged", "import-before-gates"])
    func killedBeforeItsGatesEveryCommandSaysSoAndGatesFinishesThem(point: String) throws {
        let tmp = try TemporaryFolder()
        let control = try tmp.workspace("control")
        #expect(try WinnowProcess.run(["import", Self.sample], in: control).status == 0)
        let ws = try killedImport(tmp, at: point)

        for args in [["queue"], ["stats"], ["next"], ["log", "show"]] {
            let run = try WinnowProcess.run(args, in: ws)
            #expect(run.status == 0, "\(args): \(run.output)")
            expectWarning(run, rows: 112, "\(args)")
        }
        let mix = try WinnowProcess.run(["mix", WinnowProcess.sampleData + "/mix-spec.toml"], in: ws)
        #expect(mix.status == 1 && mix.stderr.contains("112 imported rows have not been through the gates")
                && mix.stderr.contains("nothing was built"), "\(mix.output)")
        #expect(!FileManager.default.fileExists(atPath: ws + "/mixes/support-v1"))

        let gates = try WinnowProcess.run(["gates"], in: ws)
        #expect(gates.status == 0 && gates.stdout.contains("Finishing the gates of 112 rows"), "\(gates.output)")
        #expect(!gates.stderr.contains("warning"), "\(gates.output)")
        #expect(try verdicts(ws) == (try verdicts(control)), "the same verdicts as an import that was not interrupted")
        let quiet = try WinnowProcess.run(["queue"], in: ws)
        #expect(quiet.status == 0 && quiet.stderr.isEmpty, "\(quiet.output)")
        let verify = try WinnowProcess.run(["log", "verify"], in: ws)
        #expect(verify.status == 0, "\(verify.output)")
    }

    /// The next import finishes them, even one of the same file that finds nothing new.
    @Test func reimportingTheSameFileFinishesTheGates() throws {
        let tmp = try TemporaryFolder()
        let ws = try killedImport(tmp, at: "import-before-gates")
        let again = try WinnowProcess.run(["import", Self.sample], in: ws)
        #expect(again.status == 0 && again.stdout.contains("Gates over"), "\(again.output)")
        #expect(!again.stderr.contains("warning"), "\(again.output)")
        #expect(try verdicts(ws).contains("exact-duplicate") || (try verdicts(ws)).contains("near-duplicate"))
        #expect(try WinnowProcess.run(["stats"], in: ws).stderr.isEmpty)
        // `--no-gates` does not finish them, and says they are still pending.
        let other = try killedImport(tmp, at: "import-before-gates", name: "other")
        let skipped = try WinnowProcess.run(["import", "--no-gates", WinnowProcess.sampleData + "/preferences.jsonl"], in: other)
        #expect(skipped.status == 0, "\(skipped.output)")
        expectWarning(skipped, rows: 112, "import --no-gates")
    }

    /// A gate run that found nothing is still in the log, so `reindex` knows the gates saw its
    /// rows: no warning and no refusal afterwards. (Before, such a run logged nothing, and a
    /// reindex turned its rows pending: every command warned and `mix` refused.)
    @Test func aRunThatFoundNothingSurvivesReindex() throws {
        let tmp = try TemporaryFolder()
        let ws = try tmp.workspace()
        #expect(try WinnowProcess.run(["import", Self.sample], in: ws).status == 0)
        let clean = tmp.path + "/clean.jsonl"
        try #"{"id": "clean-1", "messages": [{"role": "user", "content": "What colour is the sky on a clear day?"}, {"role": "assistant", "content": "Blue, because air scatters short wavelengths of sunlight more than long ones."}], "meta": {"origin": "human", "slice": "general"}}"#
            .appending("\n").write(toFile: clean, atomically: true, encoding: .utf8)
        let imported = try WinnowProcess.run(["import", clean], in: ws)
        #expect(imported.status == 0 && imported.stdout.contains("Gates over 1 new rows (against 112 existing): 0 flagged, 0 rejected"), "\(imported.output)")
        let show = try WinnowProcess.run(["log", "show", "--json"], in: ws)
        #expect(show.stdout.split(separator: "\n").last?.contains(#""count":0"#) == true, "the empty run is logged: \(show.output)")
        #expect(try WinnowProcess.run(["reindex"], in: ws).status == 0)
        for args in [["queue"], ["stats"]] {
            let run = try WinnowProcess.run(args, in: ws)
            #expect(run.status == 0 && !run.stderr.contains("warning"), "\(args): \(run.output)")
        }
        let mix = try WinnowProcess.run(["mix", WinnowProcess.sampleData + "/mix-spec.toml"], in: ws)
        #expect(!mix.stderr.contains("have not been through the gates"), "\(mix.output)")
        #expect(try WinnowProcess.run(["log", "verify"], in: ws).status == 0)
    }

    /// Rows imported with --no-gates were knowingly left ungated: no warning, no refusal.
    @Test func noGatesImportsAreNotPending() throws {
        let tmp = try TemporaryFolder()
        let ws = try tmp.workspace()
        #expect(try WinnowProcess.run(["import", "--no-gates", Self.sample], in: ws).status == 0)
        let show = try WinnowProcess.run(["log", "show", "--json"], in: ws)
        #expect(show.stdout.contains(#""gates":false"#), "\(show.output)")
        for args in [["queue"], ["stats"], ["gates"]] {
            let run = try WinnowProcess.run(args, in: ws)
            #expect(run.status == 0 && !run.stderr.contains("warning"), "\(args): \(run.output)")
        }
    }

    /// Real data we did not write: 5,000 Alpaca rows (two quarantined), killed before the gates,
    /// finished by `winnow gates` with exactly the verdicts of an import that ran them.
    @Test(.enabled(if: RealData.isPresent, "../shared/realdata is not present"))
    func realAlpacaRowsKilledBeforeTheirGates() throws {
        let tmp = try TemporaryFolder()
        let alpaca = RealData.path("alpaca/alpaca_5000.json")
        let control = try tmp.workspace("control")
        #expect(try WinnowProcess.run(["import", alpaca], in: control).status == 3)
        let ws = try killedImport(tmp, at: "import-before-gates", file: alpaca)
        let queue = try WinnowProcess.run(["queue"], in: ws)
        expectWarning(queue, rows: 4998, "queue")
        #expect(try WinnowProcess.run(["gates"], in: ws).status == 0)
        let finished = try verdicts(ws)
        #expect(finished == (try verdicts(control)) && finished.contains("pii") && finished.contains("schema"), "\(finished.prefix(600))")
    }
}
