import Gates
import Testing
import WinnowCore

struct PIIGateTests {
    let gate = PIIGate(settings: .standard)

    @Test func findingsCarryKindSpanAndMatchedText() throws {
        let row = TestRows.row(.chat, [("user", "Héllo — mail me at ana@example.com or call +44 20 7946 0958"),
                                      ("assistant", "I can't use card 4111 1111 1111 1111.")])
        let findings = gate.check(row)
        #expect(findings.map(\.matched) == ["ana@example.com", "+44 20 7946 0958", "4111 1111 1111 1111"])
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
        let text = "a@example.com, 4111111111111111"
        #expect(gate.check(TestRows.chat(text, slices: ["safety"])).map(\.action) == [.reject])
        #expect(gate.check(TestRows.chat(text, slices: ["medical"])).map(\.action) == [.flag])
        #expect(gate.check(TestRows.chat(text, slices: ["billing"])).map(\.matched) == ["a@example.com"])
    }

    @Test func sampleDataPIIRowsAreFound() throws {
        let rows = try TestRows.sampleData("support-chat.jsonl")
        var hits: [String: [String]] = [:]
        for row in rows {
            for finding in gate.check(row) { hits[row.id, default: []].append(finding.matched ?? "") }
        }
        // The planted rows and one more with a customer's address (bereavement@ is a company
        // mailbox, but not one the role list can know); support answers that give the company's
        // legal@ or no-reply@ addresses are not reported.
        #expect(Set(hits.keys) == ["chat-0026", "chat-0027", "chat-0078", "chat-0079"])
        // The card and the address in the user turn, the address again where the assistant repeats it.
        #expect(hits["chat-0079"] == ["4111111111111111", "marcus.oyelaran@example.net", "marcus.oyelaran@example.net"])
        let once = TestRows.chat("mail a@example.org, I said a@example.org!")
        #expect(gate.check(once).map(\.matched) == ["a@example.org"])
        let all = hits.values.flatMap { $0 }
        #expect(all.contains("+1 (555) 014-2387"))
        #expect(all.contains("07700 900461"))
        #expect(all.contains("4111 1111 1111 1111"))
        #expect(all.contains("4111111111111111"))
    }
}
