import Foundation
import Testing
import WinnowCore

/// Every command fails closed on a log that was edited, shrunk, re-chained or deleted, and on a
/// stored source that changed: it names the line (or file), exits non-zero and changes nothing.
/// Written after `reindex`, `mix` and `queue` built silently on whatever bytes they found.
@Suite(.serialized) struct TamperedLogEndToEndTests {
    static let rows = (1...7).map { i in
        #"{"id":"s\#(i)","instruction":"Say the number \#(i) in words, please.","output":"The number is \#(i).","meta":{"origin":"\#(i > 5 ? "human" : "synthetic")"}}"#
    }.joined(separator: "\n") + "\n"

    /// A workspace with five synthetic and two human rows and two decisions (log: import, s1, s2).
    func workspace(_ tmp: TemporaryFolder) throws -> String {
        let ws = try tmp.workspace()
        #expect(try WinnowProcess.run(["import", "--no-gates", "--origin", "synthetic", "--slice", "medical",
                                       try tmp.file("rows.jsonl", Self.rows)], in: ws).status == 0)
        #expect(try WinnowProcess.run(["decide", "s1", "--accept", "--force"], in: ws).status == 0)
        #expect(try WinnowProcess.run(["decide", "s2", "--accept", "--force"], in: ws).status == 0)
        return ws
    }

    func logLines(_ ws: String) throws -> [String] {
        try String(contentsOfFile: ws + "/log/provenance.jsonl", encoding: .utf8).split(separator: "\n").map(String.init)
    }

    func writeLog(_ ws: String, _ lines: [String]) throws {
        try (lines.joined(separator: "\n") + "\n").write(toFile: ws + "/log/provenance.jsonl", atomically: false, encoding: .utf8)
    }

    /// A valid chain over `lines`: seq, prev and hash recomputed as winnow computes them.
    static func rechain(_ lines: [String]) throws -> [String] {
        var prev = String(repeating: "0", count: 64)
        return try lines.enumerated().map { i, line in
            var entry = try JSONValue.parse(Array(line.utf8)).removing("hash")
            entry = entry.setting("seq", to: .int(i + 1)).setting("prev", to: .string(prev))
            prev = ContentHash.hex(entry.canonicalBytes)
            return String(decoding: entry.setting("hash", to: .string(prev)).canonicalBytes, as: UTF8.self)
        }
    }

    func expectFailsClosed(_ args: [String], in ws: String, naming text: String, _ comment: String) throws {
        let before = try? Data(contentsOf: URL(fileURLWithPath: ws + "/log/provenance.jsonl"))
        let run = try WinnowProcess.run(args, in: ws)
        #expect(run.status != 0, "\(comment): \(args) exit 0: \(run.output)")
        #expect(run.stderr.contains(text), "\(comment): \(args): \(run.output)")
        #expect(!run.output.contains("Fatal error"), "\(run.output)")
        #expect((try? Data(contentsOf: URL(fileURLWithPath: ws + "/log/provenance.jsonl"))) == before, "\(comment): the log changed")
    }

    @Test func aMidLogEditStopsReindexAndMixAndMixVerifySaysSo() throws {
        let tmp = try TemporaryFolder()
        let ws = try workspace(tmp)
        let spec = try tmp.file("spec.toml", "name = \"m\"\nseed = 1\nformat = \"alpaca\"\n[constraints]\nhuman_min_fraction = 0\ncritical_synthetic_max = 1\n")
        let built = try WinnowProcess.run(["mix", spec], in: ws)
        #expect(built.status == 0, "\(built.output)")
        var lines = try logLines(ws)
        lines[1] = lines[1].replacingOccurrences(of: #""row":"s1""#, with: #""row":"s7""#)
        try writeLog(ws, lines)
        try expectFailsClosed(["reindex"], in: ws, naming: "provenance.jsonl:2", "edited decision")
        try expectFailsClosed(["mix", spec, "--out", tmp.path + "/second"], in: ws, naming: "provenance.jsonl:2", "edited decision")
        #expect(!FileManager.default.fileExists(atPath: tmp.path + "/second"))
        let verify = try WinnowProcess.run(["mix", "verify", "mixes/m"], in: ws)
        #expect(verify.status != 0 && verify.stdout.contains("fails verification") && verify.stdout.contains(":2"), "\(verify.output)")
    }

    /// A deleted index is rebuilt from the log only once the whole log is proved: rebuilt from
    /// an edited middle entry, the forged decision would have counted (a black-box audit saw a
    /// reject forged into the log this way pass `queue` and `stats`, where `reindex` refused).
    @Test func aDeletedIndexIsNotRebuiltFromAnEditedLog() throws {
        let tmp = try TemporaryFolder()
        let ws = try workspace(tmp)
        // Entries after the edited one: opening the log checks the last line and its link to the
        // one before, so an edit there is caught anyway; this one is further back.
        for row in ["s3", "s4"] { #expect(try WinnowProcess.run(["decide", row, "--accept", "--force"], in: ws).status == 0) }
        var lines = try logLines(ws)
        #expect(lines.count == 5)
        // An edit the replay alone would take: the entry still applies, only its hash is wrong.
        let edited = lines[1].replacingOccurrences(of: #""ts":"20"#, with: #""ts":"19"#)
        #expect(edited != lines[1])
        lines[1] = edited
        try writeLog(ws, lines)
        for args in [["queue"], ["stats"], ["next"]] {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: ws + "/index.sqlite" + suffix) }
            try expectFailsClosed(args, in: ws, naming: "provenance.jsonl:2", "edited entry, index deleted")
        }
    }

    @Test func aCompleteLastLineWithAFlippedByteIsNotRepairedAway() throws {
        let tmp = try TemporaryFolder()
        let ws = try workspace(tmp)
        var lines = try logLines(ws)
        lines[2] = lines[2].replacingOccurrences(of: #""action":"accept""#, with: #""action":"acceot""#)
        try writeLog(ws, lines)
        for args in [["queue"], ["next"], ["decide", "s3", "--accept"], ["reindex"]] {
            try expectFailsClosed(args, in: ws, naming: "provenance.jsonl:3", "flipped byte in the last line")
        }
        #expect(!FileManager.default.fileExists(atPath: ws + "/log/provenance.jsonl.broken"))
    }

    @Test func aShrunkRechainedOrDeletedLogStopsEveryCommand() throws {
        let tmp = try TemporaryFolder()
        let ws = try workspace(tmp)
        let lines = try logLines(ws)
        // The last decision dropped: the index applied three entries, the log has two.
        try writeLog(ws, Array(lines.prefix(2)))
        for args in [["queue"], ["stats"], ["reindex"], ["next"]] {
            try expectFailsClosed(args, in: ws, naming: "entries were removed", "shrunk log")
        }
        // Re-chained: s2's decision replaced by one on s5, every hash valid.
        let forged = try Self.rechain([lines[0], lines[1], lines[2].replacingOccurrences(of: #""row":"s2""#, with: #""row":"s5""#)])
        try writeLog(ws, forged)
        #expect(try WinnowProcess.run(["log", "verify"], in: ws).status == 0, "a forged chain verifies on its own")
        try expectFailsClosed(["queue"], in: ws, naming: "not the one the index applied", "re-chained log")
        // Deleted: nothing is rebuilt from an empty log, and no empty log is created.
        try FileManager.default.removeItem(atPath: ws + "/log/provenance.jsonl")
        let queue = try WinnowProcess.run(["queue"], in: ws)
        #expect(queue.status != 0 && queue.stderr.contains("the log is missing"), "\(queue.output)")
        #expect(!FileManager.default.fileExists(atPath: ws + "/log/provenance.jsonl"))
        #expect(try WinnowProcess.run(["log", "verify"], in: ws).status != 0)
    }

    @Test func aChangedSourceIsNotMixedOrReindexed() throws {
        let tmp = try TemporaryFolder()
        let ws = try workspace(tmp)
        let source = try FileManager.default.contentsOfDirectory(atPath: ws + "/sources").first { $0.hasSuffix(".jsonl") }!
        let path = ws + "/sources/" + source
        try? FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        // Same length, other words: s1 (accepted) now says something nobody reviewed.
        let text = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "The number is 1.", with: "The number is 9.")
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        let spec = try tmp.file("spec.toml", "name = \"m\"\nseed = 1\nformat = \"alpaca\"\n[constraints]\nhuman_min_fraction = 0\ncritical_synthetic_max = 1\n")
        try expectFailsClosed(["mix", spec], in: ws, naming: source.prefix(16).description, "changed source")
        try expectFailsClosed(["reindex"], in: ws, naming: "no longer hashes to its name", "changed source")
    }

    /// A damaged index (garbage, or a folder in its place) gets a hint that works: `reindex`
    /// moves it aside and rebuilds it, and the workspace is whole again.
    @Test func reindexReplacesADamagedIndex() throws {
        for damage in ["garbage", "folder"] {
            let tmp = try TemporaryFolder()
            let ws = try workspace(tmp)
            let before = try WinnowProcess.run(["queue", "--json"], in: ws).stdout
            let index = ws + "/index.sqlite"
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: index + suffix) }
            if damage == "garbage" {
                try Data(repeating: 0x5A, count: 8192).write(to: URL(fileURLWithPath: index))
            } else {
                try FileManager.default.createDirectory(atPath: index, withIntermediateDirectories: false)
            }
            let queue = try WinnowProcess.run(["queue"], in: ws)
            #expect(queue.status == 1 && queue.stderr.contains("winnow reindex"), "\(damage): \(queue.output)")
            let reindex = try WinnowProcess.run(["reindex"], in: ws)
            #expect(reindex.status == 0 && reindex.stderr.contains("moved it to index.sqlite.damaged-"), "\(damage): \(reindex.output)")
            #expect(try WinnowProcess.run(["queue", "--json"], in: ws).stdout == before, "\(damage)")
            let aside = try FileManager.default.contentsOfDirectory(atPath: ws).filter { $0.hasPrefix("index.sqlite.damaged-") }
            #expect(aside.count == 1, "\(damage): kept, never deleted")
        }
    }
}
