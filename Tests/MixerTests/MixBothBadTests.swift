import Foundation
@testable import Mixer
import ReviewQueue
import Testing
import WinnowCore
import Workspace

/// Issue 12, item 9: a pair a reviewer rejected as both bad (reason `both-bad`) never enters a
/// mix, whatever its origin or the format, and the report counts it apart from other rejects.
@Suite(.serialized) struct MixBothBadTests {
    @Test(arguments: ["preference", "chat"])
    func aBothBadPairIsNeverInAMix(format: String) throws {
        let f = try MixFixture([.init(slice: "general", origin: "human", count: 4), .init(slice: "general", origin: "synthetic", count: 6)],
                               generalRate: 1, shape: "preference")
        try f.decide(["general-s-0", "general-s-1", "general-s-2"], .accept)
        try f.decide(["general-s-3", "general-h-0"], .reject, reason: WorkspaceConfig.bothBadReason)
        try f.decide(["general-s-4"], .reject, reason: "unsafe")
        // Decided both bad by one reviewer after another had accepted it, then adjudicated.
        try f.decide(["general-s-5"], .accept, uid: 2)
        try f.decide(["general-s-5"], .reject, uid: 3, reason: WorkspaceConfig.bothBadReason, adjudication: true)
        let out = try f.build("""
            name = "b"
            seed = 1
            format = "\(format)"
            [constraints]
            human_min_fraction = 0
            synthetic_max_per_human = 1000
            critical_synthetic_max = 1
            """)
        let used = Set(try MixFixture.metadata(out.directory).map { $0["row"] as! String })
        #expect(!used.contains("general-s-3") && !used.contains("general-h-0"), "\(used.sorted())")
        #expect(!used.contains("general-s-5") && !used.contains("general-s-4"))
        #expect(used.isSuperset(of: ["general-s-0", "general-s-1", "general-s-2", "general-h-1"]))
        let reasons = Dictionary(uniqueKeysWithValues: out.report.excluded.map { ($0.reason, $0.count) })
        #expect(reasons["pair rejected as both bad (both-bad)"] == 3, "\(reasons)")
        #expect(reasons["rejected by a reviewer"] == 1)
        let text = try String(contentsOfFile: out.directory + "/data.jsonl", encoding: .utf8)
        #expect(!text.contains("answer general-s-3") && !text.contains("answer general-h-0"))
    }
}
