import Foundation
@testable import Mixer
import ProvenanceLog
import Testing
import WinnowCore
import Workspace

/// `mix verify` rebuilds from the manifest: identical while nothing that matters changed (even
/// after later decisions), and it notices a changed source and a rewritten log.
@Suite(.serialized) struct MixVerifyTests {
    static let spec = "name = \"v\"\nseed = 5\n"

    func fixture() throws -> (MixFixture, MixOutcome) {
        let f = try MixFixture([.init(slice: "general", origin: "human", count: 10), .init(slice: "general", origin: "synthetic", count: 30)])
        try f.decide(f.ids("general-s", 0..<20), .accept)
        return (f, try f.build(Self.spec))
    }

    @Test func aMixVerifiesAndStillDoesAfterLaterDecisions() throws {
        let (f, out) = try fixture()
        let builder = MixBuilder(session: f.session)
        #expect(try builder.verify(directory: out.directory).ok)
        // The log moves on; the mix was built from an earlier prefix and still rebuilds exactly.
        try f.decide(f.ids("general-s", 20..<30), .accept)
        let later = try builder.verify(directory: out.directory)
        #expect(later.ok, "\(later.lines)")
        #expect(out.manifest.headSeq > 0 && out.manifest.outputs["data.jsonl"] != nil)
    }

    @Test func aChangedSourceIsDetected() throws {
        let (f, out) = try fixture()
        let sha = out.manifest.sources[0].sha
        let path = f.session.paths.source(sha)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let target = bytes.firstIndex(of: UInt8(ascii: "q"))!
        bytes[target] = UInt8(ascii: "Q")
        chmod(path, 0o644)
        try bytes.write(to: URL(fileURLWithPath: path))
        let result = try MixBuilder(session: f.session).verify(directory: out.directory)
        #expect(!result.ok)
        #expect(result.sourceProblems.first?.contains("changed") == true, "\(result.lines)")
        #expect(!result.identical, "the rebuilt rows differ too: \(result.lines)")
    }

    @Test func aRewrittenLogIsDetected() throws {
        let (f, out) = try fixture()
        // Rewrite history: a log with the same import but different decisions, properly chained.
        let forged = f.tmp.file("forged.jsonl")
        let log = try LogFile.open(at: forged)
        let reader = try LogReader(path: f.session.paths.log)
        while let entry = try reader.next(), entry.seq <= out.manifest.headSeq {
            if entry.knownKind == .import {
                _ = try log.append(try entry.payload(ImportPayload.self))
            } else if entry.knownKind == .decision {
                var payload = try entry.payload(DecisionPayload.self)
                payload.action = .reject
                payload.reason = "low-quality"
                _ = try log.append(payload)
            }
        }
        try FileManager.default.removeItem(atPath: f.session.paths.log)
        try FileManager.default.copyItem(atPath: forged, toPath: f.session.paths.log)
        // Every command refuses the rewritten log against the index built from the real one.
        #expect(throws: WorkspaceError.self) { _ = try WorkspaceSession.open(f.session.paths) }
        // With the index moved aside (someone chose to trust this log), mix verify still
        // finds that the log no longer holds the mix's head.
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: f.session.paths.index + suffix) }
        let session = try WorkspaceSession.open(f.session.paths)
        let result = try MixBuilder(session: session).verify(directory: out.directory)
        #expect(!result.ok)
        #expect(result.logProblem?.contains("rewritten") == true, "\(result.lines)")
    }
}
