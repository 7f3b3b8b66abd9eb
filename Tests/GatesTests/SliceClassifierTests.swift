import Gates
import Testing
import WinnowCore

struct SliceClassifierTests {
    let classifier = try! SliceClassifier(settings: .standard)

    @Test func untaggedRowsAreTaggedWithEveryMatchingSliceInPriorityOrder() {
        let row = TestRows.chat("I was charged twice for my prescription, what dosage should I take?")
        let assignment = classifier.assign(row)
        #expect(assignment.tagged)
        #expect(assignment.slices == ["medical", "billing"])
        #expect(assignment.primary == "medical")
        #expect(assignment.matches.map(\.hits) == [2, 1])
    }

    @Test func keywordsAreWholeWordsAndCaseInsensitive() {
        #expect(classifier.assign(TestRows.chat("Which SKILLS should a developer learn?")).slices == ["general"])
        #expect(classifier.assign(TestRows.chat("Take 200 MG twice")).slices == ["medical"])
        #expect(classifier.assign(TestRows.chat("Read our Terms Of Service")).slices == ["legal"])
        #expect(classifier.assign(TestRows.chat("Self-harm thoughts")).slices == ["safety"])
        #expect(classifier.assign(TestRows.chat("The 200mg tablet")).slices == ["general"])
        // Common endings count; other words that start the same do not.
        #expect(classifier.assign(TestRows.chat("It was refunded, then cancelled")).matches.first?.hits == 2)
        #expect(classifier.assign(TestRows.chat("My phone charger and a refundable deposit")).slices == ["general"])
    }

    @Test func regexRulesCountAsHits() throws {
        var settings = GateSettings.standard
        settings.slices[1].keywordRegex = [#"\bart(icle)?\.? ?\d+ gdpr\b"#]
        let classifier = try SliceClassifier(settings: settings)
        let assignment = classifier.assign(TestRows.chat("What does Art. 17 GDPR say about erasure?"))
        #expect(assignment.slices == ["legal"])
        #expect(assignment.matches.first?.hits == 2)
    }

    @Test func tagsOfRowsThatHaveThemAreKeptAndOrderedByPriority() {
        let row = TestRows.chat("hello", slices: ["general", "marketing", "billing"])
        let assignment = classifier.assign(row)
        #expect(!assignment.tagged)
        #expect(assignment.slices == ["billing", "general", "marketing"])
        #expect(classifier.check(row).isEmpty)
    }

    @Test func noDefaultSliceLeavesUnmatchedRowsUntagged() throws {
        var settings = GateSettings.standard
        settings.defaultSlice = nil
        #expect(try SliceClassifier(settings: settings).assign(TestRows.chat("penguins")).slices == [])
    }

    @Test func offSliceNeedsTwoOtherHitsAndNoneOfItsOwn() throws {
        let strong = TestRows.chat("My invoice shows a charge I want refunded; please cancel.", slices: ["general"])
        let finding = try #require(classifier.check(strong).first)
        #expect(finding.gate == "classifier" && finding.reason == "off-slice" && finding.action == .flag)
        #expect(finding.detailValue("slices") == .array([.string("billing")]))
        // One hit is not strong enough.
        #expect(classifier.check(TestRows.chat("Can I cancel?", slices: ["general"])).isEmpty)
        // The same word twice is one hit.
        #expect(classifier.check(TestRows.chat("cancel, cancel, CANCEL", slices: ["general"])).isEmpty)
        // Any hit for its own slice keeps it quiet.
        let own = TestRows.chat("My invoice shows a charge; the dosage was wrong too.", slices: ["medical"])
        #expect(classifier.check(own).isEmpty)
        let other = TestRows.chat("My invoice shows a charge; I need a lawyer.", slices: ["legal"])
        #expect(classifier.check(other).isEmpty)
        let offMedical = TestRows.chat("My invoice shows a charge and a payment.", slices: ["medical"])
        #expect(classifier.check(offMedical).first?.detailValue("slices") == .array([.string("billing")]))
        // Only what was asked counts for the other slice: an answer may mention refunds and
        // payments on the way (tagging still reads the whole row).
        let answer = TestRows.chat("How do I close my late father's account?", "We stop all charges and refund any payment.",
                                   slices: ["legal"])
        #expect(classifier.check(answer).isEmpty)
        #expect(classifier.assign(TestRows.chat("How do I close it?", "We refund the payment.")).slices == ["billing"])
    }

    @Test func sampleDataUntaggedRowsGetTheirSlice() throws {
        // SampleData/README.md lists the slice each untagged row's content belongs to. The
        // keywords `winnow init` writes find seven of them; the other three need words a
        // workspace would add for its own data (consent, ibuprofen, dangerously).
        let expected = ["chat-0009": "legal", "chat-0022": "billing", "chat-0023": "medical", "chat-0028": "safety",
                        "chat-0090": "general", "alp-0004": "legal", "alp-0035": "medical", "alp-0047": "billing",
                        "pref-0008": "safety", "pref-0013": "legal"]
        let rows = try TestRows.allSampleData().filter { $0.provenance.slices.isEmpty }
        #expect(Set(rows.map(\.id)) == Set(expected.keys))
        let missed = rows.filter { classifier.assign($0).primary != expected[$0.id] }.map(\.id)
        #expect(Set(missed) == ["chat-0009", "chat-0023", "pref-0008"])
        var settings = GateSettings.standard
        settings.slices[0].keywords.append("dangerously")
        settings.slices[1].keywords.append("consent")
        settings.slices[2].keywords.append("ibuprofen")
        let tuned = try SliceClassifier(settings: settings)
        for row in rows {
            #expect(tuned.assign(row).primary == expected[row.id], "\(row.id)")
        }
    }
}
