import Gates
import Testing
import WinnowCore

struct GateFindingTests {
    @Test func findingsCompareTheirDetailAsJSON() {
        let a = GateFinding(gate: "pii", reason: "pii", action: .reject, segment: 1, range: 4..<9, matched: "a@b.c",
                            detail: [("kind", .string("email"))])
        var b = a
        #expect(a == b)
        b.detail = [("kind", .string("phone"))]
        #expect(a != b)
    }
}
