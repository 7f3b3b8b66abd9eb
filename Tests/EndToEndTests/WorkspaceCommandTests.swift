import Foundation
import Testing
import TestSupport

/// init, workspace discovery, config diagnostics, reindex and the log commands, end to end.
@Suite(.serialized) struct WorkspaceCommandTests {
    @Test func initWritesACommentedConfigAndRefusesToOverwrite() throws {
        let tmp = try TemporaryFolder()
        let ws = try tmp.workspace()
        let config = try String(contentsOfFile: ws + "/winnow.toml", encoding: .utf8)
        for needle in ["[slices.safety]", "[slices.legal]", "[slices.medical]", "[slices.billing]", "[slices.general]",
                       "invented-policy", "template-echo", "[gates]", "[mix]", "human_floor"] {
            #expect(config.contains(needle), "winnow.toml should mention \(needle)")
        }
        let again = try WinnowProcess.run(["init", ws])
        #expect(again.status == 1)
        #expect(again.stderr.contains("already holds a winnow workspace"))
        var info = stat()
        stat(ws + "/winnow.toml", &info)
        #expect(info.st_mode & 0o002 == 0, "workspace files are never world-writable")
    }

    @Test func commandsFindTheWorkspaceLikeGitFindsARepository() throws {
        let tmp = try TemporaryFolder()
        let ws = try tmp.workspace()
        try FileManager.default.createDirectory(atPath: ws + "/deep/er", withIntermediateDirectories: true)
        let nested = try WinnowProcess.run(["log", "verify"], in: ws + "/deep/er")
        #expect(nested.status == 0, "\(nested.output)")
        let byEnv = try WinnowProcess.run(["log", "verify"], in: tmp.path, environment: ["WINNOW_WORKSPACE": ws])
        #expect(byEnv.status == 0, "\(byEnv.output)")
        let nowhere = try WinnowProcess.run(["log", "verify"], in: tmp.path)
        #expect(nowhere.status == 1)
        #expect(nowhere.stderr.contains("no winnow workspace here"), "\(nowhere.output)")
    }

    @Test func configMistakesNameFileAndLine() throws {
        let tmp = try TemporaryFolder()
        let ws = try tmp.workspace()
        let path = ws + "/winnow.toml"
        let original = try String(contentsOfFile: path, encoding: .utf8)
        let cases: [(String, String)] = [
            (original.replacingOccurrences(of: "review_rate = 0.05", with: "reveiw_rate = 0.05"),
             "unknown slice setting 'reveiw_rate' (did you mean 'review_rate'?)"),
            (original.replacingOccurrences(of: "lease_minutes = 10", with: "lease_minutes = \"ten\""),
             "[review] lease_minutes: expected a whole number"),
            (original.replacingOccurrences(of: "blocklist_regex = []", with: "blocklist_regex = [\"(unclosed\"]"),
             "is not a valid regular expression"),
            (original + "\n[broken\n", "invalid TOML"),
        ]
        for (text, message) in cases {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let run = try WinnowProcess.run(["import", WinnowProcess.sampleData + "/preferences.jsonl"], in: ws)
            #expect(run.status == 1)
            #expect(run.stderr.contains(message), "\(run.stderr)")
            #expect(run.stderr.range(of: #"winnow\.toml:\d+"#, options: .regularExpression) != nil, "names the line: \(run.stderr)")
        }
    }

    @Test func logVerifyAndShowAfterImports() throws {
        let tmp = try TemporaryFolder()
        let ws = try tmp.workspace()
        try WinnowProcess.run(["import", "--no-gates", WinnowProcess.sampleData + "/preferences.jsonl"], in: ws)
        try WinnowProcess.run(["import", "--no-gates", WinnowProcess.sampleData + "/instructions-alpaca.jsonl"], in: ws)
        let verify = try WinnowProcess.run(["log", "verify"], in: ws)
        #expect(verify.status == 0)
        #expect(verify.stdout.hasPrefix("ok: 2 entries, head #2 "), "\(verify.output)")
        let show = try WinnowProcess.run(["log", "show", "--tail", "1"], in: ws)
        #expect(show.stdout.contains("#2 "))
        #expect(show.stdout.contains("import "))
        #expect(show.stdout.contains("instructions-alpaca.jsonl (50 rows, 0 quarantined"), "\(show.output)")
        let user = String(cString: getpwuid(getuid())!.pointee.pw_name)
        let json = try WinnowProcess.run(["log", "show", "--json"], in: ws, environment: ["USER": "mallory"])
        #expect(json.stdout.contains("\"user\":\"\(user)\""))
        #expect(!json.stdout.contains("mallory"))
        // Tamper with the first entry: verify names line 1.
        let log = ws + "/log/provenance.jsonl"
        let text = try String(contentsOfFile: log, encoding: .utf8).replacingOccurrences(of: "\"rows\":40", with: "\"rows\":41")
        try text.write(toFile: log, atomically: true, encoding: .utf8)
        let tampered = try WinnowProcess.run(["log", "verify"], in: ws)
        #expect(tampered.status == 1)
        #expect(tampered.stderr.contains("provenance.jsonl:1:"), "\(tampered.output)")
    }

    @Test func deletingTheIndexLosesNothing() throws {
        let tmp = try TemporaryFolder()
        let ws = try tmp.workspace()
        for file in ["support-chat.jsonl", "preferences.jsonl", "malformed.jsonl"] {
            try WinnowProcess.run(["import", WinnowProcess.sampleData + "/" + file], in: ws)
        }
        let before = try dumpIndex(ws)
        #expect(before.count > 150)
        try FileManager.default.removeItem(atPath: ws + "/index.sqlite")
        let rebuilt = try WinnowProcess.run(["log", "show", "--tail", "0"], in: ws)
        #expect(rebuilt.stderr.contains("was missing; rebuilt it"), "\(rebuilt.output)")
        #expect(try dumpIndex(ws) == before)
        let reindex = try WinnowProcess.run(["reindex"], in: ws)
        #expect(reindex.status == 0, "\(reindex.output)")
        #expect(try dumpIndex(ws) == before)
        // `reindex` with the index missing builds it once: not on open and then again.
        try FileManager.default.removeItem(atPath: ws + "/index.sqlite")
        let once = try WinnowProcess.run(["reindex"], in: ws)
        #expect(once.status == 0, "\(once.output)")
        #expect(!once.stderr.contains("was missing; rebuilt it"), "\(once.output)")
        #expect(once.stdout.hasPrefix("Reindexed 158 rows from"), "\(once.output)")
        #expect(try dumpIndex(ws) == before)
    }

    @Test func demoImportsTheSampleData() throws {
        let tmp = try TemporaryFolder()
        let run = try WinnowProcess.run(["demo", "--dir", tmp.path + "/demo", "--sample-data", WinnowProcess.sampleData])
        #expect(run.status == 0, "\(run.output)")
        #expect(run.stdout.contains("support-chat.jsonl: 112 rows imported"), "\(run.output)")
        #expect(run.stdout.contains("malformed.jsonl: 6 rows imported, 9 quarantined"), "\(run.output)")
    }

    /// The index's rows as text, via the sqlite3 shell (what a person would use to look).
    func dumpIndex(_ ws: String) throws -> [String] {
        try ChildProcess.run("/usr/bin/sqlite3", [ws + "/index.sqlite", "SELECT rows.id, sources.sha, line, offset, length, content_hash, shape, origin, generator, template, seed, temperature, created, judge_score, slice, slices, state FROM rows JOIN sources ON sources.id = rows.source ORDER BY rows.id"])
            .stdout.split(separator: "\n").map(String.init)
    }
}
