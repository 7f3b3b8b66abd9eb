import ReviewQueue
import Testing

struct VerdictTests {
    @Test func verdictNamesAreTheLogsActionNames() {
        #expect(Verdict.allCases.map(\.rawValue) == ["accept", "edit", "reject", "flag"])
    }
}
