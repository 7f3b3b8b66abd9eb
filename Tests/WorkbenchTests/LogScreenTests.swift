import Foundation
import ProvenanceLog
import TerminalCore
import Testing
@testable import Workbench
import Workspace

/// The log screen follows the file: another reviewer's decision shows up on the next idle tick.
@Suite(.serialized) struct LogScreenTests {
    static let rows = [
        #"{"id": "log-0001", "prompt": "How long do refunds take?", "response": "Five working days.", "meta": {"slice": "billing"}}"#,
        #"{"id": "log-0002", "prompt": "Is ibuprofen safe with lisinopril?", "response": "Ask your pharmacist first.", "meta": {"slice": "medical"}}"#,
    ]

    /// Times of day change from run to run (the time spent on a row is 0: the fixture's clock
    /// stands still); the rest must not.
    static func normalised(_ screen: String) -> String {
        screen.replacingOccurrences(of: #"\d\d:\d\d:\d\d"#, with: "hh:mm:ss", options: .regularExpression)
            .replacingOccurrences(of: #"source [0-9a-f]{12}"#, with: "source <sha>", options: .regularExpression)
            .replacingOccurrences(of: " \(LogActor.current.user) ", with: " <you> ")
    }

    @Test(arguments: ScreenSnapshotTests.sizes) func recentEntries(size: Size) throws {
        let f = try WorkbenchFixture(size: size, sampleFiles: [], extraRows: Self.rows)
        try f.type("aL")
        expectSnapshot(Self.normalised(f.screen), named: "log-\(size)")
    }

    @Test func anotherReviewersDecisionAppearsOnTheNextTick() throws {
        let f = try WorkbenchFixture(sampleFiles: [], extraRows: Self.rows)
        try f.type("L")
        #expect(!f.screen.contains(" ana decision"))
        try WorkbenchFixture.append(DecisionPayload(row: "log-0002", action: .reject, reason: "factual-error", slice: "medical"), as: "ana", uid: 5001, to: f.paths)
        f.workbench.idleTick()
        #expect(f.screen.contains(" ana decision"))
        #expect(f.screen.contains("factual-error"))
    }
}
