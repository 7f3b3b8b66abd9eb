import Foundation
import Testing
import WinnowCore

/// Settings and stored data that once crashed winnow or slipped past its checks: each is a
/// clear message with file and line and a non-zero exit, never a trap, and `--json` stays safe
/// to print.
@Suite(.serialized) struct HostileSettingsEndToEndTests {
    func withSetting(_ ws: String, replacing old: String, by new: String) throws {
        let config = ws + "/winnow.toml"
        let text = try String(contentsOfFile: config, encoding: .utf8)
        #expect(text.contains(old), "the template no longer has \(old)")
        try text.replacingOccurrences(of: old, with: new).write(toFile: config, atomically: true, encoding: .utf8)
    }

    @Test(arguments: [("overlap_share = 0.10", "overlap_share = nan"), ("overlap_share = 0.10", "overlap_share = inf"),
                      ("judge_precision = 0.9", "judge_precision = -inf"),
                      ("lease_minutes = 10", "lease_minutes = 9223372036854775807"),
                      ("max_line_bytes = 8388608", "max_line_bytes = 9223372036854775807")])
    func nonFiniteAndHugeSettingsAreConfigErrors(old: String, new: String) throws {
        let tmp = try TemporaryFolder()
        let ws = try tmp.workspace()
        try withSetting(ws, replacing: old, by: new)
        for args in [["queue"], ["next"], ["stats"]] {
            let run = try WinnowProcess.run(args, in: ws)
            #expect(run.status == 1, "\(new): \(args) \(run.status) \(run.output)")
            #expect(run.stderr.contains("winnow.toml:") && !run.output.contains("Fatal error"), "\(new): \(run.output)")
        }
    }

    @Test func aMixSpecWithNanIsASpecError() throws {
        let tmp = try TemporaryFolder()
        let ws = try tmp.workspace()
        let spec = try tmp.file("spec.toml", "name = \"x\"\nseed = 1\n[constraints]\nhuman_min_fraction = nan\n")
        let run = try WinnowProcess.run(["mix", spec], in: ws)
        #expect(run.status != 0 && run.stderr.contains("spec.toml:4") && run.stderr.contains("finite"), "\(run.output)")
        #expect(!run.output.contains("Fatal error"))
    }

    /// `log verify` refuses an entry every reader refuses, even with its hash recomputed.
    @Test func logVerifyAppliesThePayloadChecks() throws {
        let tmp = try TemporaryFolder()
        let ws = try tmp.workspace()
        let rows = try tmp.file("rows.jsonl", #"{"id":"a","prompt":"p","response":"r"}"# + "\n")
        #expect(try WinnowProcess.run(["import", "--no-gates", rows], in: ws).status == 0)
        #expect(try WinnowProcess.run(["decide", "a", "--accept", "--force"], in: ws).status == 0)
        let path = ws + "/log/provenance.jsonl"
        var lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        var entry = try JSONValue.parse(Array(lines[1].utf8)).removing("hash").setting("row_hash", to: .string("x"))
        entry = entry.setting("hash", to: .string(ContentHash.hex(entry.canonicalBytes)))
        lines[1] = String(decoding: entry.canonicalBytes, as: UTF8.self)
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: false, encoding: .utf8)
        let verify = try WinnowProcess.run(["log", "verify"], in: ws)
        #expect(verify.status == 1 && verify.stderr.contains("provenance.jsonl:2") && verify.stderr.contains("row_hash"), "\(verify.output)")
    }

    /// Bidi and zero-width characters in names and notes come out of `--json` escaped.
    @Test func jsonOutputEscapesCharactersUnsafeOnATerminal() throws {
        let tmp = try TemporaryFolder()
        let ws = try tmp.workspace()
        let rows = try tmp.file("rows.jsonl", #"{"id":"a","prompt":"p","response":"r","meta":{"slice":"evil\u202Eslice\u200B"}}"# + "\n")
        let imported = try WinnowProcess.run(["import", "--no-gates", "--origin", "synthetic", "--json", rows], in: ws)
        #expect(try WinnowProcess.run(["decide", "a", "--accept", "--force", "--note", "note\u{202E}\u{200B}\u{85}"], in: ws).status == 0)
        for args in [["import"], ["log", "show", "--json"], ["queue", "--json"], ["stats", "--json"]] {
            let run = args == ["import"] ? imported : try WinnowProcess.run(args, in: ws)
            #expect(!run.stdout.unicodeScalars.contains { [0x202E, 0x200B, 0x85].contains($0.value) }, "\(args): raw")
            #expect(run.stdout.contains("\\u202e"), "\(args): \(run.stdout.prefix(300))")
            for line in run.stdout.split(separator: "\n") {
                #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil, "\(args): not JSON")
            }
        }
        // Still the same JSON: the note reads back with its characters.
        let shown = try WinnowProcess.run(["log", "show", "--json", "--tail", "1"], in: ws)
        let object = try JSONSerialization.jsonObject(with: shown.stdoutBytes) as? [String: Any]
        #expect(object?["note"] as? String == "note\u{202E}\u{200B}\u{85}")
    }

    /// The queue table's columns line up whatever the slice names hold.
    @Test func theQueueTableIsAligned() throws {
        let tmp = try TemporaryFolder()
        let ws = try tmp.workspace()
        let rows = try tmp.file("rows.jsonl", [
            #"{"id":"a","prompt":"p","response":"r","meta":{"slice":"évil\u202Eslice"}}"#,
            #"{"id":"b","prompt":"q","response":"s","meta":{"slice":"医療"}}"#,
        ].joined(separator: "\n") + "\n")
        #expect(try WinnowProcess.run(["import", "--no-gates", "--origin", "synthetic", rows], in: ws).status == 0)
        let run = try WinnowProcess.run(["queue"], in: ws)
        let table = run.stdout.split(separator: "\n").filter { !$0.hasPrefix("*") }.map(String.init)
        // Where the second column ("total") ends, in display columns (CJK counts two).
        let totals = table.map { line -> Int in
            var width = 0, tokens = 0, inToken = false
            for ch in line {
                let isSpace = ch == " "
                if !isSpace && !inToken { tokens += 1 }
                if isSpace && inToken && tokens == 2 { return width }
                inToken = !isSpace
                width += ch.unicodeScalars.first.map { (0x1100...0x9FFF).contains($0.value) ? 2 : 1 } ?? 1
            }
            return -1
        }
        #expect(totals.count >= 3 && Set(totals).count == 1, "\(totals) \(run.stdout)")
    }

    /// log/ or sources/ as a link to elsewhere is refused unless the config says so.
    @Test func symlinkedWorkspaceFoldersAreRefusedUnlessAllowed() throws {
        let tmp = try TemporaryFolder()
        let ws = try tmp.workspace()
        #expect(try WinnowProcess.run(["queue"], in: ws).status == 0)
        let elsewhere = tmp.path + "/elsewhere-log"
        try FileManager.default.moveItem(atPath: ws + "/log", toPath: elsewhere)
        try FileManager.default.createSymbolicLink(atPath: ws + "/log", withDestinationPath: elsewhere)
        let refused = try WinnowProcess.run(["queue"], in: ws)
        #expect(refused.status == 1 && refused.stderr.contains("log is a symbolic link"), "\(refused.output)")
        try withSetting(ws, replacing: "follow_symlinks = false", by: "follow_symlinks = true")
        #expect(try WinnowProcess.run(["queue"], in: ws).status == 0)
    }

    /// A pathological blocklist pattern costs a bounded amount per row: the import finishes and
    /// the row is flagged for a person, with the pattern named.
    @Test func aCatastrophicRegexFlagsTheRowInsteadOfHangingTheImport() throws {
        let tmp = try TemporaryFolder()
        let ws = try tmp.workspace()
        try withSetting(ws, replacing: "blocklist_regex = []", by: #"blocklist_regex = ["(a+)+$"]"#)
        let long = String(repeating: "a", count: 30_000) + "!"
        let rows = try tmp.file("rows.jsonl", #"{"id":"long","prompt":"Repeat a letter.","response":"\#(long)"}"# + "\n")
        let run = try WinnowProcess.run(["import", "--origin", "synthetic", rows], in: ws)
        #expect(run.status == 0, "\(run.output)")
        let gates = try WinnowProcess.run(["gates", "--rows"], in: ws)
        #expect(gates.stdout.contains("long") && gates.stdout.contains("blocklist flag"), "\(gates.output)")
    }

    /// TOML the C parser inside TOMLKit stops on with an assertion (found by fuzzing) is a
    /// config error naming the file, for every command, never an abort with a stack trace.
    @Test func tomlThatTripsTheParsersAssertionsIsAConfigError() throws {
        let tmp = try TemporaryFolder()
        let ws = try tmp.workspace()
        let fuzzFolder = WinnowProcess.packageRoot.appendingPathComponent("Tests/Fuzz/config").path
        for name in try FileManager.default.contentsOfDirectory(atPath: fuzzFolder).sorted() {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: fuzzFolder + "/" + name))
            try String(decoding: bytes, as: UTF8.self).write(toFile: ws + "/winnow.toml", atomically: true, encoding: .utf8)
            let run = try WinnowProcess.run(["queue"], in: ws)
            #expect(run.status == 1, "\(name): \(run.status) \(run.output)")
            #expect(run.stderr.contains("winnow.toml") && !run.output.contains("Program crashed"), "\(name): \(run.output)")
        }
    }
}
