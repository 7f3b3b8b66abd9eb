import Testing
import WinnowCore

/// The raw values are what the log and the index store: renaming one would orphan every
/// workspace written before.
struct ReviewStatesTests {
    @Test func verdictNamesAreTheLogsActionNames() {
        #expect(Verdict.allCases.map(\.rawValue) == ["accept", "edit", "reject", "flag"])
    }

    @Test func rowStateNamesAreTheIndexsStateNames() {
        #expect(RowState.allCases.map(\.rawValue)
            == ["pending", "accepted", "edited", "rejected", "flagged", "adjudication", "gate-rejected", "retracted"])
    }

    @Test func eachVerdictLeavesTheRowDecided() {
        #expect(Verdict.allCases.map(\.state) == [.accepted, .edited, .rejected, .flagged])
        #expect(Verdict.allCases.allSatisfy { $0.state.isDecided })
        #expect(RowState.allCases.filter(\.isDecided) == [.accepted, .edited, .rejected, .flagged])
    }

    @Test func gateActionNamesAreTheLogsVerdictNames() {
        #expect(GateAction.allCases.map(\.rawValue) == ["flag", "reject"])
    }
}
