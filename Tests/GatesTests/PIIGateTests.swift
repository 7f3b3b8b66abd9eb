import Gates
import Testing
import WinnowCore

struct PIIGateTests {
    let gate = PIIGate(settings: .standard)

    @Test func findingsCarryKindSpanAndMatchedText() throws {
        let row = TestRows.row(.chat, [("user", "Héllo — mail me at ana@example.co.uk or call +44 20 7946 0958"),
                                      ("assistant", "I can't use card 4111 1111 1111 1111.")])
        let findings = gate.check(row)
        #expect(findings.map(\.matched) == ["ana@example.co.uk", "+44 20 7946 0958", "4111 1111 1111 1111"])
        #expect(findings.map { $0.detailValue("kind") } == [.string("email"), .string("phone"), .string("card")])
        #expect(findings.map(\.segment) == [0, 0, 1])
        for finding in findings {
            #expect(finding.gate == "pii" && finding.reason == "pii")
            #expect(TestRows.spanText(finding, in: row) == finding.matched)
        }
    }

    @Test func rejectedInMedicalAndBillingFlaggedElsewhere() {
        let text = "My SSN is 123-45-6789"
        #expect(gate.check(TestRows.chat(text, slices: ["medical"])).map(\.action) == [.reject])
        #expect(gate.check(TestRows.chat(text, slices: ["billing"])).map(\.action) == [.reject])
        #expect(gate.check(TestRows.chat(text, slices: ["general"])).map(\.action) == [.flag])
        #expect(gate.check(TestRows.chat(text, slices: [])).map(\.action) == [.flag])
        #expect(gate.check(TestRows.chat(text, slices: ["general", "medical"])).map(\.action) == [.reject])
    }

    @Test func perSliceActionsAndKindsFollowTheSettings() {
        var settings = GateSettings.standard
        settings.slices[0].piiAction = .reject     // safety
        settings.slices[2].piiAction = .flag       // medical
        settings.piiKinds = [.email]
        let gate = PIIGate(settings: settings)
        let text = "a@example.co.uk, 4111111111111111"
        #expect(gate.check(TestRows.chat(text, slices: ["safety"])).map(\.action) == [.reject])
        #expect(gate.check(TestRows.chat(text, slices: ["medical"])).map(\.action) == [.flag])
        #expect(gate.check(TestRows.chat(text, slices: ["billing"])).map(\.matched) == ["a@example.co.uk"])
    }

    @Test func sampleDataPIIRowsAreFound() throws {
        let rows = try TestRows.sampleData("support-chat.jsonl")
        var hits: [String: [String]] = [:]
        for row in rows {
            for finding in gate.check(row) { hits[row.id, default: []].append(finding.matched ?? "") }
        }
        // The planted rows, found by their card numbers and phone numbers. Their e-mail addresses
        // are in the reserved example.* domains, and the company's own (bereavement@, legal@,
        // no-reply@) under the reserved .example name: no one's, so not reported (chat-0026 has
        // nothing else).
        #expect(Set(hits.keys) == ["chat-0027", "chat-0078", "chat-0079"])
        #expect(hits["chat-0079"] == ["4111111111111111"])
        #expect(!hits.values.joined().contains { $0.contains("@") })
        let once = TestRows.chat("mail a@example.co.uk, I said a@example.co.uk!")
        #expect(gate.check(once).map(\.matched) == ["a@example.co.uk"])
        let all = hits.values.flatMap { $0 }
        #expect(all.contains("+1 (555) 014-2387"))
        #expect(all.contains("07700 900461"))
        #expect(all.contains("4111 1111 1111 1111"))
        #expect(all.contains("4111111111111111"))
    }

    @Test func tollFreeNumbersAreAFlagEvenWhereThePIIActionIsReject() {
        let helpline = TestRows.chat("Call the emergency medical line on 1-877-432-1090.", slices: ["medical"])
        let findings = gate.check(helpline)
        #expect(findings.map(\.reason) == ["pii-toll-free"])
        #expect(findings.map(\.action) == [.flag])
        #expect(findings.map(\.matched) == ["1-877-432-1090"])
        #expect(findings.map { $0.detailValue("kind") } == [.string("phone")])
        // With personal data in the row as well, that comes first and rejects; the toll-free
        // number is still only a flag.
        let both = gate.check(TestRows.chat("Ring 0800 123 4567, or write to me at ana@example.co.uk", slices: ["billing"]))
        #expect(both.map(\.reason) == ["pii", "pii-toll-free"])
        #expect(both.map(\.action) == [.reject, .flag])
        #expect(both.map(\.matched) == ["ana@example.co.uk", "0800 123 4567"])
    }

    @Test func numbersAndAddressesThatAreNoOnesAreNotReportedInRejectSlices() {
        for text in ["Resume: ana.k@example.com, phone 555-555-8800", "Katie: (512) 555-0202", "Poison Control: 1-800-222-1222",
                     "Suicide Prevention Hotline: 1-800-273-8255", "write to someone@clinic.test", "Sandra.Peters@example.com"] {
            #expect(gate.check(TestRows.chat(text, slices: ["medical"])).isEmpty, "\(text)")
        }
    }
}
