import Foundation
@testable import Mixer
import ProvenanceLog
import ReviewQueue
import TestSupport
import WinnowCore
import Workspace

/// A small workspace for mixer tests: rows described in code, imported, decided through the
/// queue (the path every real decision takes), and mixes built into the temporary folder.
final class MixFixture {
    struct Rows {
        var slice: String
        var origin: String
        var count: Int
        var generator = "gen-a"
        var prefix: String? = nil
        /// Each row carries a judge score, (i mod 10) / 10 for its i-th row.
        var judged = false
    }

    let tmp: TemporaryDirectory
    private(set) var session: WorkspaceSession

    /// `generalRate`: the general slice's review rate (1 puts every general row in the sample).
    init(_ groups: [Rows], generalRate: Double = 0.05, shape: String = "prompt-response") throws {
        tmp = try TemporaryDirectory(prefix: "winnow-mix")
        let paths = try WorkspaceCreator.create(at: tmp.file("ws"))
        let toml = WorkspaceConfig.template.replacingOccurrences(of: "review_rate = 0.05", with: "review_rate = \(generalRate)")
        try toml.write(toFile: paths.config, atomically: true, encoding: .utf8)
        try Self.write(groups, shape: shape, to: tmp.file("rows.jsonl"))
        session = try WorkspaceSession.open(paths)
        _ = try session.importFile(tmp.file("rows.jsonl"), options: ImportOptions(), progress: nil)
    }

    static func write(_ groups: [Rows], shape: String, to path: String) throws {
        var lines: [String] = []
        for g in groups {
            for i in 0..<g.count {
                let id = "\(g.prefix ?? "\(g.slice)-\(g.origin.prefix(1))")-\(i)"
                lines.append(Self.row(id: id, slice: g.slice, origin: g.origin, generator: g.origin == "human" ? nil : g.generator, shape: shape, i: i,
                                      judge: g.judged ? Self.judgeScore(i) : nil))
            }
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// Imports more rows (give each group a `prefix` of its own: ids must stay unique).
    func importRows(_ groups: [Rows], file: String, shape: String = "prompt-response") throws {
        try Self.write(groups, shape: shape, to: tmp.file(file))
        _ = try session.importFile(tmp.file(file), options: ImportOptions(), progress: nil)
    }

    /// Imports a file as it is (real data), with the given defaults for what it does not say.
    func importFile(_ path: String, options: ImportOptions) throws {
        _ = try session.importFile(path, options: options, progress: nil)
    }

    /// Appends TOML to winnow.toml (a `[generators.NAME]` table) and reopens the session.
    func configure(appending toml: String) throws {
        let handle = FileHandle(forWritingAtPath: session.paths.config)!
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(("\n" + toml + "\n").utf8))
        try handle.close()
        session = try WorkspaceSession.open(session.paths)
    }

    static func judgeScore(_ i: Int) -> Double { Double(i % 10) / 10 }

    static func row(id: String, slice: String, origin: String, generator: String?, shape: String, i: Int, judge: Double? = nil) -> String {
        let gen = (generator.map { #", "generator": "\#($0)", "template": "tpl-\#(i % 3)", "seed_id": "seed-\#(i % 5)""# } ?? "")
            + (judge.map { #", "judge_score": \#($0)"# } ?? "")
        let meta = #""meta": {"origin": "\#(origin)", "slice": "\#(slice)"\#(gen)}"#
        switch shape {
        case "preference":
            return #"{"id": "\#(id)", "prompt": "question \#(id)?", "chosen": "good answer \#(id)", "rejected": "bad answer \#(id)", \#(meta)}"#
        case "chat":
            return #"{"id": "\#(id)", "messages": [{"role": "system", "content": "be brief"}, {"role": "user", "content": "hello \#(id)"}, {"role": "assistant", "content": "hi \#(id)"}], \#(meta)}"#
        default:
            return #"{"id": "\#(id)", "prompt": "question \#(id)?", "response": "answer \#(id)", \#(meta)}"#
        }
    }

    /// Records decisions as reviewer `r<uid>` (uid 5000 + uid). Reviewers are who the OS says,
    /// so other reviewers' entries are sealed into the log as their processes would have written
    /// them, then the session is reopened and replays them (as OverlapAdjudicationTests does).
    func decide(_ ids: [String], _ verdict: Verdict, uid: Int = 1, reason: String? = nil,
                newRow: JSONValue? = nil, adjudication: Bool = false) throws {
        let reason = reason ?? (verdict == .reject || verdict == .flag ? "low-quality" : nil)
        let log = try LogFile.open(at: session.paths.log)
        var head = try log.head()
        var bytes: [UInt8] = []
        for id in ids {
            // In the row's slice, as the queue names it (the log counts a decision there only).
            let slice = try session.index.row(id: id)?.provenance.slices.first
            let payload = DecisionPayload(row: id, action: DecisionPayload.Action(rawValue: verdict.rawValue)!, reason: reason,
                                          slice: slice, newRow: newRow, extra: adjudication ? .object([("adjudication", .bool(true))]) : .object([]))
            let (entry, line) = try LogEntry.seal(
                seq: head.seq + 1, prev: head.hash, ts: LogTimestamp.now(), actor: LogActor(uid: 5000 + uid, user: "r\(uid)", host: "test"),
                tool: "winnow test", kind: DecisionPayload.kind.rawValue, fields: payload.toFields())
            bytes += line
            head = LogHead(seq: entry.seq, hash: entry.hash)
        }
        let handle = FileHandle(forWritingAtPath: session.paths.log)!
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(bytes))
        try handle.close()
        session = try WorkspaceSession.open(session.paths)
    }

    /// Appends entries through the session (gates, retractions).
    func record(_ payloads: [any LogPayload]) throws { try session.record(payloads) }

    func ids(_ prefix: String, _ range: Range<Int>) -> [String] { range.map { "\(prefix)-\($0)" } }

    func spec(_ toml: String) throws -> MixSpec {
        try MixSpec.parse(text: toml, path: tmp.file("spec.toml"), defaults: session.config.mix)
    }

    /// Builds into tmp/NAME-N (a fresh folder each time).
    func build(_ toml: String, bestEffort: Bool = false, strip: Bool = false, into name: String? = nil,
               fastPaths: Bool = true) throws -> MixOutcome {
        let builder = MixBuilder(session: session)
        let out = tmp.file(name ?? "mix-\(UInt32.random(in: 0...UInt32.max))")
        var options = MixOptions(bestEffort: bestEffort, stripProvenance: strip, output: out)
        options.fastPaths = fastPaths
        return try builder.build(try spec(toml), options: options)
    }

    /// data.jsonl (and eval.jsonl) of a mix, parsed independently with Foundation's JSON reader.
    static func rows(_ directory: String, file: String = "data.jsonl") throws -> [[String: Any]] {
        let text = try String(contentsOfFile: directory + "/" + file, encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
        }
    }

    static func metadata(_ directory: String) throws -> [[String: Any]] {
        var files = ["data.jsonl"]
        if FileManager.default.fileExists(atPath: directory + "/eval.jsonl") { files.append("eval.jsonl") }
        return try files.flatMap { try rows(directory, file: $0) }.map { $0["metadata"] as! [String: Any] }
    }
}
