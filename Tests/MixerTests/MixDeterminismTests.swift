import Foundation
@testable import Mixer
import ProvenanceLog
import Testing
import WinnowCore

/// Same sources, same log prefix, same spec: byte-identical data.jsonl. Another seed: other rows.
@Suite(.serialized) struct MixDeterminismTests {
    static let spec = """
        name = "d"
        seed = 11
        total = 60
        eval_fraction = 0.2
        [weights.origin]
        human = 1.5
        """

    func fixture() throws -> MixFixture {
        let f = try MixFixture([.init(slice: "general", origin: "human", count: 50), .init(slice: "general", origin: "synthetic", count: 150),
                                .init(slice: "medical", origin: "human", count: 10), .init(slice: "medical", origin: "synthetic", count: 30)])
        try f.decide(f.ids("general-s", 0..<150) + f.ids("medical-s", 0..<30), .accept)
        return f
    }

    func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    @Test func twoRunsAreByteIdenticalAndAnotherSeedDiffers() throws {
        let f = try fixture()
        let a = try f.build(Self.spec), b = try f.build(Self.spec)
        #expect(try bytes(a.directory + "/data.jsonl") == bytes(b.directory + "/data.jsonl"))
        #expect(try bytes(a.directory + "/eval.jsonl") == bytes(b.directory + "/eval.jsonl"))
        let c = try f.build(Self.spec.replacingOccurrences(of: "seed = 11", with: "seed = 12"))
        #expect(try bytes(a.directory + "/data.jsonl") != bytes(c.directory + "/data.jsonl"))
        // A fresh session over the same workspace (index rebuilt from the log) gives the same bytes.
        try f.session.reindex()
        let d = try f.build(Self.spec)
        #expect(try bytes(a.directory + "/data.jsonl") == bytes(d.directory + "/data.jsonl"))
    }

    @Test func theSplitKeepsNearDuplicateClustersOnOneSide() throws {
        let f = try fixture()
        // Plant a cluster across ten rows, as the near-duplicate gate logs it.
        let members = f.ids("general-s", 0..<10)
        for id in members {
            let detail = JSONValue.object([("matches", .array([.object([("cluster", .string("general-s-0"))])]))])
            try f.record([GatePayload(gate: "near-duplicate", action: .flag, row: id, reason: "near-duplicate", detail: detail)])
        }
        let out = try f.build(Self.spec.replacingOccurrences(of: "total = 60", with: ""))
        let train = try MixFixture.rows(out.directory).map { ($0["metadata"] as! [String: Any])["row"] as! String }
        let eval = try MixFixture.rows(out.directory, file: "eval.jsonl").map { ($0["metadata"] as! [String: Any])["row"] as! String }
        let inTrain = Set(members).intersection(train), inEval = Set(members).intersection(eval)
        #expect(inTrain.isEmpty || inEval.isEmpty, "cluster split across sides: \(inTrain) / \(inEval)")
        #expect(!eval.isEmpty && !train.isEmpty)
        #expect(Set(train).isDisjoint(with: eval), "a row (and its copies) lands on one side")
    }
}

/// A mix that dies half-way leaves only a temporary folder, which the next mix removes.
@Suite(.serialized) struct MixAtomicityTests {
    @Test func aKilledMixsTemporaryFolderIsRemovedAndNoPartialMixIsVisible() throws {
        let f = try MixFixture([.init(slice: "general", origin: "human", count: 5)])
        // What a mix killed after writing part of its data leaves (pid 999999 does not exist).
        let stale = f.tmp.file(".half.tmp-999999")
        try FileManager.default.createDirectory(atPath: stale, withIntermediateDirectories: true)
        try Data("{\"messages\":".utf8).write(to: URL(fileURLWithPath: stale + "/data.jsonl.part"))
        let live = f.tmp.file(".other.tmp-\(getpid())")
        try FileManager.default.createDirectory(atPath: live, withIntermediateDirectories: true)
        _ = try f.build("name = \"a\"\nseed = 1\n", into: "a")
        #expect(!FileManager.default.fileExists(atPath: stale), "the dead mix's folder is gone")
        #expect(FileManager.default.fileExists(atPath: live), "a running mix's folder is left alone")
        #expect(!FileManager.default.fileExists(atPath: f.tmp.file("half")))
        #expect(try FileManager.default.contentsOfDirectory(atPath: f.tmp.file("a")).sorted() == ["data.jsonl", "manifest.json", "report.md"])
    }
}
