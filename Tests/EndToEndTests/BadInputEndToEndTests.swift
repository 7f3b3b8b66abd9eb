import Foundation
import Testing
import TestSupport

/// Every kind of bad input the foundation issue lists: import never aborts, never crashes, and
/// quarantines each bad line with file, line number and reason; the good lines around it import.
@Suite(.serialized) struct BadInputEndToEndTests {
    @Test func eachBadLineIsQuarantinedWithItsLineAndReason() throws {
        let tmp = try TemporaryFolder()
        let ws = try tmp.workspace()
        let good = #"{"prompt": "Hi", "response": "Hello!"}"#
        var bytes: [UInt8] = [0xEF, 0xBB, 0xBF]  // a BOM before line 1, which is good
        var lines: [[UInt8]] = [
            Array(good.utf8),                                                   // 1 good
            Array(#"{"prompt": "Hi", "response": "#.utf8),                      // 2 truncated JSON
            Array(#"{"prompt": "caf"#.utf8) + [0xC3, 0x28] + Array(#"", "response": "x"}"#.utf8),  // 3 invalid UTF-8
            Array(#"["not", "an", "object"]"#.utf8),                            // 4 array
            Array(#""just a string""#.utf8),                                    // 5 string
            Array(#"{"prompt": "Hi", "response": ""}"#.utf8),                   // 6 empty content
            Array(#"{"messages": [{"role": "user", "content": 42}]}"#.utf8),    // 7 wrong type
            Array(#"{"prompt": "a"#.utf8) + [0x00] + Array(#"b", "response": "x"}"#.utf8),  // 8 NUL
            Array((good + "\r").utf8),                                          // 9 CRLF, good
            Array(#"{"prompt": "Hi", "response": "x", "meta": {"origin": "robot"}}"#.utf8),  // 10 bad origin
            Array(#"{"a": 1, "a": 2, "prompt": "p", "response": "r"}"#.utf8),   // 11 duplicate key
            Array(("{\"prompt\": \"" + String(repeating: "x", count: 2000) + "\", \"response\": \"y\"}").utf8),  // 12 over limit
            Array(#"{"prompt": "Hi", "response": "last line, no newline"}"#.utf8),  // 13 good, no final newline
        ]
        bytes += lines.removeFirst()
        for line in lines { bytes += [0x0A] + line }
        let file = try tmp.bytes("bad.jsonl", bytes)
        try setMaxLineBytes(ws, 1024)
        let run = try WinnowProcess.run(["import", "--json", file], in: ws)
        #expect(run.status == 3, "exit status 3 says lines were quarantined: \(run.output)")
        #expect(run.stdout.contains("\"rows\":3"), "\(run.stdout)")
        #expect(run.stdout.contains("\"quarantined\":10"), "\(run.stdout)")
        let list = try WinnowProcess.run(["quarantine"], in: ws)
        let expected: [(Int, String)] = [
            (2, "the line ends before"), (3, "invalid UTF-8"), (4, "holds an array, not a JSON object"),
            (5, "holds a string, not a JSON object"), (6, "'response' is empty"),
            (7, "'messages[0].content' is a number, expected a string"), (8, "NUL byte"),
            (10, "'meta.origin' is \"robot\""), (11, "duplicate member \"a\""), (12, "over the limit of 1024"),
        ]
        for (line, reason) in expected {
            let hit = list.stdout.split(separator: "\n").contains { $0.contains("bad.jsonl:\(line): ") && $0.contains(reason) }
            #expect(hit, "line \(line) should be quarantined for \(reason):\n\(list.stdout)")
        }
        // Nothing is lost: the stored source holds every byte of the input.
        let sources = try FileManager.default.contentsOfDirectory(atPath: ws + "/sources").filter { $0.hasSuffix(".jsonl") }
        #expect(sources.count == 1)
        let stored = try Data(contentsOf: URL(fileURLWithPath: ws + "/sources/" + sources[0]))
        #expect(Array(stored) == bytes)
    }

    @Test func quarantineKeepsTheRawBytesAndListingsAreSanitised() throws {
        let tmp = try TemporaryFolder()
        let ws = try tmp.workspace()
        let hostile = "{\"prompt\": \"\u{1B}]52;c;ZXZpbA==\u{07}\u{1B}[2J\u{202E}\", \"oops\"}\n"
        let file = try tmp.file("hostile.jsonl", hostile)
        let run = try WinnowProcess.run(["import", file], in: ws)
        #expect(run.status == 3)
        let list = try WinnowProcess.run(["quarantine"], in: ws)
        #expect(!list.stdout.contains("\u{1B}"), "an escape sequence must never reach the terminal")
        #expect(!list.stdout.contains("\u{202E}"))
        #expect(list.stdout.contains("^[]52;c;ZXZpbA==^G^[[2J<U+202E>"), "\(list.stdout)")
        let json = try WinnowProcess.run(["quarantine", "--json"], in: ws)
        let record = try JSONSerialization.jsonObject(with: Data(json.stdout.split(separator: "\n")[0].utf8)) as! [String: Any]
        let raw = Data(base64Encoded: record["raw_base64"] as! String)!
        #expect(raw == Data(hostile.utf8.dropLast()))
    }

    @Test func unreadableFilesFailClearlyAndDoNotStopTheOthers() throws {
        let tmp = try TemporaryFolder()
        let ws = try tmp.workspace()
        let good = try tmp.file("good.jsonl", #"{"prompt": "p", "response": "r"}"# + "\n")
        let run = try WinnowProcess.run(["import", tmp.path + "/missing.jsonl", good, tmp.path], in: ws)
        #expect(run.status == 1)
        #expect(run.stderr.contains("missing.jsonl: could not open it: No such file or directory"), "\(run.output)")
        #expect(run.stderr.contains("is a directory"), "\(run.output)")
        #expect(run.stdout.contains("good.jsonl: 1 rows imported"), "\(run.output)")
        #expect(!run.output.contains("Fatal error") && !run.output.contains("Stack"))
    }

    @Test func corruptGzipKeepsWhatCameBeforeAndSaysSo() throws {
        let tmp = try TemporaryFolder()
        let ws = try tmp.workspace()
        let plain = try tmp.file("rows.jsonl", (0..<2000).map { #"{"prompt": "question \#($0)", "response": "answer \#($0) with some more words to compress"}"# }.joined(separator: "\n") + "\n")
        let gz = tmp.path + "/rows.jsonl.gz"
        try runShell("gzip -c '\(plain)' | head -c 6000 > '\(gz)'")
        let run = try WinnowProcess.run(["import", gz], in: ws)
        #expect(run.status == 3, "\(run.output)")
        #expect(run.stdout.contains("reading stopped early"), "\(run.output)")
        #expect(run.stdout.contains("gzip data ends early"), "\(run.output)")
        // What the truncated stream held before the cut is imported (all of it came out of
        // zlib in the same read that met the end; it used to be dropped with the error).
        let ws2 = try tmp.workspace("again")
        let json = try WinnowProcess.run(["import", "--json", gz], in: ws2)
        let summary = try #require((try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])?.first)
        let rows = summary["rows"] as? Int ?? 0
        #expect(rows > 500 && rows < 2000, "\(json.output)")
        let sources = try FileManager.default.contentsOfDirectory(atPath: ws2 + "/sources").filter { $0.hasSuffix(".jsonl") }
        let stored = try Data(contentsOf: URL(fileURLWithPath: ws2 + "/sources/" + sources[0]))
        let original = try Data(contentsOf: URL(fileURLWithPath: plain))
        #expect(!stored.isEmpty && original.starts(with: stored), "the stored source is the part that was read")
    }

    func setMaxLineBytes(_ ws: String, _ limit: Int) throws {
        let path = ws + "/winnow.toml"
        let text = try String(contentsOfFile: path, encoding: .utf8)
            .replacingOccurrences(of: "max_line_bytes = 8388608", with: "max_line_bytes = \(limit)")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
}

/// An import killed part-way leaves nothing in the log or the index, and its partial source copy
/// is cleaned up by the next command.
@Suite(.serialized) struct InterruptedImportTests {
    @Test func aKilledImportLeavesNoTrace() throws {
        let tmp = try TemporaryFolder()
        let ws = try tmp.workspace()
        let row = #"{"prompt": "question", "response": "an answer long enough to make this file take a moment to import"}"#
        let big = try tmp.file("big.jsonl", String(repeating: row + "\n", count: 300_000))
        let process = try WinnowProcess.start(["import", "--no-gates", "--workspace", ws, big])
        // Wait until the partial copy exists, then kill the import mid-way.
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: ws + "/sources")) ?? []
            if names.contains(where: { $0.hasPrefix(".importing-") }) { break }
            usleep(2000)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let verify = try WinnowProcess.run(["log", "verify"], in: ws)
        #expect(verify.status == 0)
        let show = try WinnowProcess.run(["log", "show"], in: ws)
        let entries = show.stdout.split(separator: "\n").count
        #expect(entries <= 1, "either the import finished and logged once, or nothing was logged")
        let names = try FileManager.default.contentsOfDirectory(atPath: ws + "/sources")
        #expect(!names.contains { $0.hasPrefix(".importing-") }, "the partial copy is removed: \(names)")
        if entries == 0 {
            #expect(!names.contains { $0.hasSuffix(".jsonl") }, "no source without its import entry")
            #expect(show.stderr.contains("interrupted before it was logged"), "\(show.output)")
        }
    }
}
