import Gates
import Testing
import WinnowCore

struct ExactDuplicateDetectorTests {
    static let hashA = String(repeating: "a1", count: 32)
    static let hashB = String(repeating: "b2", count: 32)
    static let hashC = String(repeating: "c3", count: 32)
    static let hashD = String(repeating: "d4", count: 32)

    @Test func aRepeatedContentHashIsADuplicateOfTheFirstRow() {
        let findings = ExactDuplicateDetector.findings(for: [
            ("r1", Self.hashA, "Your refund is on its way."),
            ("r2", Self.hashB, "Something else."),
            ("r3", Self.hashA, "Your refund is on its way."),
            ("r4", Self.hashA, "Your refund is on its way."),
        ])
        #expect(findings.keys.sorted() == ["r3", "r4"])
        #expect(findings["r3"] == GateFinding(
            gate: "exact-duplicate", reason: "duplicate", action: .reject,
            detail: [("first", .string("r1")), ("cluster", .string("r1")), ("match", .string("content-hash"))]))
        #expect(findings["r4"]?.detail[0].1 == .string("r1"))
    }

    /// Different metadata (so different hashes) but the same words in the same order, up to
    /// case, spacing and punctuation: duplicates by text.
    @Test func theSameNormalisedTextIsADuplicate() {
        var detector = ExactDuplicateDetector()
        #expect(detector.add(id: "x", contentHash: Self.hashA, text: "Refunds take 5 business days.\n\nThanks!") == nil)
        let found = detector.add(id: "y", contentHash: Self.hashB, text: "  refunds TAKE 5 business days -- thanks")
        #expect(found?.detail.map(\.0) == ["first", "cluster", "match"])
        #expect(found?.detail[0].1 == .string("x"))
        #expect(found?.detail[2].1 == .string("text"))
        #expect(detector.add(id: "z", contentHash: Self.hashC, text: "Refunds take 6 business days.") == nil)
        #expect(detector.count == 3)
    }

    /// A row that repeats a duplicate joins the cluster of the row it repeats: `first` is the
    /// earliest row it matches, `cluster` the cluster's first row.
    @Test func clustersFollowTheFirstRow() {
        var detector = ExactDuplicateDetector(action: .flag)
        _ = detector.add(id: "a", contentHash: Self.hashA, text: "one two three")
        let b = detector.add(id: "b", contentHash: Self.hashB, text: "One, two, three!")
        let c = detector.add(id: "c", contentHash: Self.hashB, text: "one two three")
        #expect(b?.action == .flag)
        #expect(c?.detail[0].1 == .string("a"))  // same text as a, same hash as b: the earlier wins
        #expect(c?.detail[1].1 == .string("a"))
    }

    @Test func emptyTextsMatchOnlyByHash() {
        let findings = ExactDuplicateDetector.findings(for: [
            ("e1", Self.hashA, ""), ("e2", Self.hashB, "  "), ("e3", Self.hashA, ""),
        ])
        #expect(findings.keys.sorted() == ["e3"])
    }

    /// Content hashes that are not 64 hex digits (another row key) still work, compared as given.
    @Test func otherHashStringsAreComparedAsGiven() {
        let findings = ExactDuplicateDetector.findings(for: [
            ("p", "key-1", "alpha"), ("q", "key-2", "beta"), ("r", "key-1", "gamma"), ("s", "", "delta"), ("t", "", "epsilon"),
        ])
        #expect(findings.keys.sorted() == ["r"])
        #expect(ExactDuplicateDetector.findings(for: [("u", Self.hashD.uppercased(), "x"), ("v", Self.hashD, "y")]).keys.sorted() == ["v"])
    }

    @Test func distinctRowsAreNotFlagged() {
        var maker = NearDuplicateTextMaker(seed: 3)
        var rows: [(id: String, contentHash: String, text: String)] = []
        for i in 0..<500 {
            let text = maker.words(maker.int(1...30)).joined(separator: " ")
            let hex = String(i, radix: 16)
            rows.append(("r\(i)", String(repeating: "0", count: 64 - hex.count) + hex, text + " \(i)"))
        }
        #expect(ExactDuplicateDetector.findings(for: rows).isEmpty)
    }
}
