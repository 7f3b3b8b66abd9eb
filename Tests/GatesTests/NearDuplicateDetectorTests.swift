@testable import Gates
import Testing
import TestSupport
import WinnowCore

/// Deterministic made-up text for the duplicate tests: words from a fixed vocabulary of
/// invented words (so unrelated texts share words, as real text does, but rarely 5-grams).
struct NearDuplicateTextMaker {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    static let vocabulary: [String] = {
        let onsets = ["b", "c", "d", "f", "g", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "st"]
        let vowels = ["a", "e", "i", "o", "u", "ai", "ou"]
        let codas = ["", "n", "r", "s", "l", "m", "x"]
        var words: [String] = []
        for o in onsets { for v in vowels { for c in codas { words.append(o + v + c) } } }
        return Array(words.prefix(600))
    }()

    mutating func next() -> UInt64 {
        state = state &+ 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }

    mutating func words(_ count: Int) -> [String] {
        (0..<count).map { _ in Self.vocabulary[int(0...(Self.vocabulary.count - 1))] }
    }

    /// `words` with `changes` distinct positions replaced by other words.
    mutating func mutate(_ words: [String], changes: Int) -> [String] {
        var result = words
        var positions = Set<Int>()
        while positions.count < changes { positions.insert(int(0...(words.count - 1))) }
        for position in positions {
            var replacement = result[position]
            while replacement == result[position] { replacement = Self.vocabulary[int(0...(Self.vocabulary.count - 1))] }
            result[position] = replacement
        }
        return result
    }

    /// Sentences with capitals and full stops, so tokenising has punctuation to strip.
    static func prose(_ words: [String]) -> String {
        var out = ""
        for (i, word) in words.enumerated() {
            let start = i % 9 == 0
            if i > 0 { out += start ? ". " : " " }
            out += start ? word.prefix(1).uppercased() + word.dropFirst() : word
        }
        return out + "."
    }

    /// The true Jaccard similarity of two texts' word 5-gram sets (the quantity MinHash estimates).
    static func jaccard(_ a: String, _ b: String, size: Int = 5) -> Double {
        func shingles(_ text: String) -> Set<String> {
            let words = NearDuplicateShingler.words(of: text)
            if words.count <= size { return [words.joined(separator: " ")] }
            return Set((0...(words.count - size)).map { words[$0..<($0 + size)].joined(separator: " ") })
        }
        let x = shingles(a), y = shingles(b)
        return Double(x.intersection(y).count) / Double(x.union(y).count)
    }
}

struct NearDuplicateDetectorTests {
    /// Runs the detector over (id, text) rows.
    static func run(_ rows: [(String, String)], options: NearDuplicateOptions = NearDuplicateOptions(), workers: Int? = nil)
        -> NearDuplicateReport
    {
        var detector = NearDuplicateDetector(options: options)
        detector.workers = workers
        for (id, text) in rows { detector.add(id: id, text: text) }
        return detector.finish()
    }

    /// 20 long texts each with a copy that has 1-3 words changed, among 300 unrelated texts of
    /// 40-700 words: exactly the 20 planted pairs come out, each as its own two-row cluster.
    /// (Long texts because 5-gram Jaccard, not edit count, decides: see the next test.)
    @Test func plantedPairsAreFoundAndUnrelatedTextsAreNot() throws {
        var maker = NearDuplicateTextMaker(seed: 7)
        var rows: [(String, String)] = []
        var planted: [(String, String)] = []
        for i in 0..<20 {
            let words = maker.words(maker.int(600...700))
            let copy = maker.mutate(words, changes: 1 + i % 3)
            rows.append(("base-\(i)", NearDuplicateTextMaker.prose(words)))
            rows.append(("copy-\(i)", NearDuplicateTextMaker.prose(copy)))
            planted.append(("base-\(i)", "copy-\(i)"))
        }
        for i in 0..<300 { rows.append(("other-\(i)", NearDuplicateTextMaker.prose(maker.words(maker.int(40...700))))) }
        let report = Self.run(rows)
        #expect(report.clusters.count == 20)
        #expect(report.matches.count == 40)
        let byID = Dictionary(uniqueKeysWithValues: report.matches.map { ($0.id, $0) })
        for (base, copy) in planted {
            let a = try #require(byID[base]), b = try #require(byID[copy])
            #expect(a.neighbour == copy && b.neighbour == base)
            #expect(a.cluster == base && b.cluster == base)  // "base-i" < "copy-i"
            #expect(a.similarity >= 0.8 && a.similarity == b.similarity)
        }
        #expect(report.matches.allSatisfy { !$0.id.hasPrefix("other-") })
    }

    /// What the threshold means for short texts: a changed word ruins every 5-gram that spans
    /// it, so in a 40-word text one change in the middle leaves Jaccard 31/41 = 0.76 (not a
    /// near duplicate at 0.8), while a change to the first word touches one shingle (35/37).
    @Test func shortTextsAreJudgedByShingleOverlapNotByEditCount() {
        var maker = NearDuplicateTextMaker(seed: 11)
        let words = maker.words(40)
        var first = words, middle = words
        first[0] = words[0] == "ba" ? "be" : "ba"
        middle[20] = words[20] == "ba" ? "be" : "ba"
        let text = words.joined(separator: " ")
        #expect(abs(NearDuplicateTextMaker.jaccard(text, first.joined(separator: " ")) - 35.0 / 37) < 1e-9)
        #expect(abs(NearDuplicateTextMaker.jaccard(text, middle.joined(separator: " ")) - 31.0 / 41) < 1e-9)
        let report = Self.run([("a", text), ("b", first.joined(separator: " ")), ("c", middle.joined(separator: " "))])
        #expect(Set(report.matches.map(\.id)) == ["a", "b"])
    }

    @Test func identicalTextsAndCaseOrPunctuationVariantsAreSimilarityOne() {
        let text = "Refunds are issued within 5 business days, to the card you paid with."
        let report = Self.run([
            ("r1", text), ("r2", text.uppercased()), ("r3", "refunds are issued within 5 business days to the card you paid with"),
            ("r4", "Something else entirely, with no words in common at all."),
        ])
        #expect(report.clusters == [NearDuplicateCluster(id: "r1", members: ["r1", "r2", "r3"])])
        #expect(report.matches.allSatisfy { $0.similarity == 1 })
        #expect(report.matches.first { $0.id == "r1" }?.neighbour == "r2")  // ties go to the earlier row
    }

    @Test func emptyTextsAndShortTextsBehave() {
        let report = Self.run([("e1", ""), ("e2", "  ...  "), ("s1", "Yes."), ("s2", "yes"), ("s3", "No.")])
        // Rows without words are never near duplicates; texts under 5 words are one shingle.
        #expect(report.clusters == [NearDuplicateCluster(id: "s1", members: ["s1", "s2"])])
    }

    /// Same rows, different batch sizes and worker counts, twice each: identical reports.
    @Test func resultsDoNotDependOnChunkingOrThreads() {
        var maker = NearDuplicateTextMaker(seed: 99)
        var rows: [(String, String)] = []
        for i in 0..<150 {
            let words = maker.words(maker.int(5...300))
            rows.append(("r\(i)", NearDuplicateTextMaker.prose(words)))
            if i % 3 == 0 { rows.append(("r\(i)-near", NearDuplicateTextMaker.prose(maker.mutate(words, changes: 1)))) }
            if i % 10 == 0 { rows.append(("r\(i)-copy", NearDuplicateTextMaker.prose(words))) }
        }
        let reference = Self.run(rows)
        #expect(!reference.matches.isEmpty)
        for (batch, workers) in [(8192, nil), (1, 1), (7, 3), (64, 16), (1000, 2)] as [(Int, Int?)] {
            let report = Self.run(rows, options: NearDuplicateOptions(batchSize: batch), workers: workers)
            #expect(report.matches == reference.matches, "batch \(batch), workers \(String(describing: workers))")
            #expect(report.clusters == reference.clusters)
            #expect(report.pairs == reference.pairs)
        }
    }

    /// Thousands of copies of one short answer form one cluster without comparing every pair
    /// with every other: the number of pairs kept grows with the rows, not their square.
    @Test func hugeBucketsStayLinear() {
        var rows = (0..<3000).map { ("yes-\($0)", $0 % 2 == 0 ? "Yes." : "yes") }
        rows.append(("no", "No, not at all."))
        let report = Self.run(rows)
        #expect(report.clusters.count == 1)
        #expect(report.clusters.first?.members.count == 3000)
        #expect(report.clusters.first?.id == "yes-0")
        #expect(report.pairCount <= 3000 * NearDuplicateDetector.enoughPartners)
        #expect(report.matches.allSatisfy { $0.similarity == 1 })
    }

    @Test func findingsCarryNeighbourSimilarityAndCluster() {
        let text = "The renewal notice is sent thirty days before the plan renews, by e-mail and in the app."
        let findings = NearDuplicateDetector.findings(for: [
            GateRow(id: "x2", shape: .chat, provenance: Provenance(), text: RowText(segments: [.init(label: "assistant", text: text)])),
            GateRow(id: "x1", shape: .chat, provenance: Provenance(), text: RowText(segments: [.init(label: "assistant", text: text)])),
        ])
        #expect(findings["x2"] == GateFinding(
            gate: "near-duplicate", reason: "duplicate", action: .flag,
            detail: [("neighbour", .string("x1")), ("similarity", .double(1)), ("cluster", .string("x1"))]))
        #expect(findings["x1"]?.detail.first?.1 == .string("x2"))
    }

    /// Answer-only comparison ignores the prompt: the same answer to different questions is a
    /// near duplicate with `.answer` and not with `.full`.
    @Test func answerOnlyComparesWhatTheGeneratorWrote() {
        let answer = "Go to Account, then Billing, then Payment method, and choose Replace card to add the new one."
        func row(_ id: String, _ question: String) -> GateRow {
            GateRow(id: id, shape: .chat, provenance: Provenance(), text: RowText(segments: [
                .init(label: "user", text: question), .init(label: "assistant", text: answer),
            ]))
        }
        let rows = [row("q1", "How do I change my card? I moved banks last month and the old one is closed now."),
                    row("q2", "Where can I see my invoices from last year, the ones for the home service plan?")]
        #expect(NearDuplicateDetector.findings(for: rows).isEmpty)
        #expect(NearDuplicateDetector.findings(for: rows, options: NearDuplicateOptions(text: .answer)).count == 2)
    }

    /// The banding matches datasketch's `_optimal_param` (values printed by datasketch 2.0.0).
    @Test(arguments: [
        (0.8, 128, 0.5, NearDuplicateBanding(bands: 9, rows: 13)),
        (0.5, 128, 0.5, NearDuplicateBanding(bands: 25, rows: 5)),
        (0.9, 128, 0.5, NearDuplicateBanding(bands: 5, rows: 25)),
        (0.7, 64, 0.5, NearDuplicateBanding(bands: 8, rows: 8)),
        (0.85, 256, 0.5, NearDuplicateBanding(bands: 13, rows: 19)),
        (0.6, 32, 0.5, NearDuplicateBanding(bands: 6, rows: 5)),
        (0.8, 128, 0.7, NearDuplicateBanding(bands: 11, rows: 11)),
        (0.8, 128, 0.9, NearDuplicateBanding(bands: 14, rows: 9)),
    ])
    func bandingMatchesDatasketch(threshold: Double, permutations: Int, falseNegativeWeight: Double, expected: NearDuplicateBanding) {
        #expect(NearDuplicateBanding.optimal(
            threshold: threshold, permutations: permutations, falsePositiveWeight: 1 - falseNegativeWeight,
            falseNegativeWeight: falseNegativeWeight) == expected)
    }

    @Test func badOptionsAreExplained() {
        #expect(NearDuplicateOptions().problem == nil)
        #expect(NearDuplicateOptions(threshold: 1.5).problem?.contains("threshold") == true)
        #expect(NearDuplicateOptions(permutations: 0).problem?.contains("permutations") == true)
        #expect(NearDuplicateOptions(shingleWords: 0).problem?.contains("shingle") == true)
    }
}

/// A band's keys are bucketed by their top bits and then sorted bucket by bucket; the order
/// must be the standard sort's, for evenly spread hashes and for the buckets copies of one
/// text make (many keys sharing every hash bit, told apart only by their row positions).
struct BandKeySortTests {
    @Test func bandKeysSortAsTheStandardSortDoes() {
        var random = SplitMix64(0xBA4D_5027)
        // Up to 4,096 keys take the standard sort; 4,097 and 50,000 are bucketed.
        for count in [0, 1, 2, 4095, 4096, 4097, 50_000] {
            for shape in 0..<3 {
                let keys: [UInt64] = (0..<count).map { row in
                    switch shape {
                    case 0: return random.next() & ~0xFFFFF | UInt64(row)                 // spread hashes
                    case 1: return (random.next() % 7) << 40 | UInt64(row)                // one bucket of every key
                    default: return (random.next() % 3 == 0 ? 0xABCD << 48 : random.next() & ~0xFFFFF) | UInt64(row)
                    }
                }.shuffled(using: &random)
                var sorted = keys
                NearDuplicateDetector.sortBandKeys(&sorted)
                let expected = keys.sorted()
                let firstDifference = zip(sorted, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                #expect(sorted.count == count && firstDifference == nil, "\(count) keys, shape \(shape)")
            }
        }
    }
}
