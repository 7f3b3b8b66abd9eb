@testable import Gates
import PropertyBased
import Testing

/// How well the signatures estimate Jaccard similarity, and what the 0.8 threshold does with
/// pairs of known similarity. Pairs are built from runs of distinct words: a text of words
/// w0..w(n-1) and one that drops the first k and appends k new ones share n-k-4 of their n-4
/// 5-grams, so their Jaccard similarity is exactly (n-k-4) / (n+k-4).
struct NearDuplicateAccuracyTests {
    static func shifted(_ n: Int, by k: Int, offset: Int = 0) -> (String, String) {
        let a = (offset..<(offset + n)).map { "w\($0)" }.joined(separator: " ")
        let b = ((offset + k)..<(offset + n + k)).map { "w\($0)" }.joined(separator: " ")
        return (a, b)
    }

    /// Pairs with Jaccard similarity from 0.5 to 1 (each pair on fresh words): every estimate is
    /// within 0.1 of the truth and the estimates are unbiased on average.
    @Test func estimatedJaccardIsWithinATenthOfTheTruth() {
        var detector = NearDuplicateDetector()
        var truths: [Double] = []
        var offset = 0
        for n in stride(from: 104, through: 404, by: 20) {
            for k in [0, 2, 5, 8, 12, 16, 20, 28, 36] where Double(n - k - 4) / Double(n + k - 4) >= 0.5 {
                let (a, b) = Self.shifted(n, by: k, offset: offset)
                offset += n + k
                truths.append(Double(n - k - 4) / Double(n + k - 4))
                #expect(abs(NearDuplicateTextMaker.jaccard(a, b) - truths.last!) < 1e-9)
                detector.add(id: "a\(truths.count)", text: a)
                detector.add(id: "b\(truths.count)", text: b)
            }
        }
        var errors: [Double] = []
        for (i, truth) in truths.enumerated() {
            let estimate = detector.similarity(2 * i, 2 * i + 1)
            #expect(abs(estimate - truth) <= 0.1, "Jaccard \(truth), estimated \(estimate)")
            errors.append(estimate - truth)
        }
        #expect(truths.count > 100)
        let bias = errors.reduce(0, +) / Double(errors.count)
        let meanAbsolute = errors.map(abs).reduce(0, +) / Double(errors.count)
        #expect(abs(bias) < 0.01, "bias \(bias)")
        #expect(meanAbsolute < 0.04, "mean absolute error \(meanAbsolute)")
    }

    /// Around the 0.8 threshold: every reported pair has an estimate of at least 0.8, pairs
    /// well above (0.97) are all found, pairs well below (0.7) never are, and the share found in
    /// between rises with similarity as the banding curve 1 - (1 - s^13)^9 says it should.
    @Test func thresholdBoundary() {
        var rows: [(String, String)] = []
        var truth: [String: Double] = [:]
        var offset = 0
        let targets: [Double] = [0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.97, 0.99]
        for (t, target) in targets.enumerated() {
            for copy in 0..<40 {
                // n - 4 = 300 shingles; choose k so that (300 - k) / (300 + k) is nearest the target.
                let k = Int((300 * (1 - target) / (1 + target)).rounded())
                let (a, b) = Self.shifted(304, by: k, offset: offset)
                offset += 304 + k
                rows.append(("t\(t)-\(copy)-a", a))
                rows.append(("t\(t)-\(copy)-b", b))
                truth["t\(t)-\(copy)"] = Double(300 - k) / Double(300 + k)
            }
        }
        let report = NearDuplicateDetectorTests.run(rows)
        #expect(report.matches.allSatisfy { $0.similarity >= 0.8 })
        var found = Array(repeating: 0, count: targets.count)
        for match in report.matches where match.id.hasSuffix("-a") {
            #expect(match.neighbour == String(match.id.dropLast()) + "b")
            found[Int(match.id.dropFirst().prefix { $0 != "-" })!] += 1
        }
        #expect(found[0] == 0 && found[1] == 0)
        #expect(found[6] == 40 && found[7] == 40)
        #expect(found[3] < found[5] && found[2] <= found[4])
        // At exactly 0.8 the banding finds about 40 % and verification keeps about half of those.
        #expect((2...24).contains(found[3]), "found \(found[3]) of 40 at Jaccard 0.8")
    }

    /// The four-wide and the scalar paths of the signature loop compute the same values: the
    /// permutation coefficients come from one seeded sequence, so the first values of a longer
    /// signature are those of a shorter one, whichever path computed them.
    @Test func signatureValuesDoNotDependOnThePath() {
        let text = NearDuplicateTextMaker.prose({ var m = NearDuplicateTextMaker(seed: 4); return m.words(90) }())
        func signature(_ permutations: Int) -> [UInt32] {
            var signatures = NearDuplicateSignatures(permutations: permutations, shingleWords: 5, seed: 77)
            signatures.append([text])
            return Array(signatures.signature(0))
        }
        let long = signature(131)
        for count in [1, 3, 4, 7, 64, 128, 130] { #expect(signature(count) == Array(long.prefix(count)), "\(count)") }
        #expect(Set(long).count > 120)  // values differ from permutation to permutation
    }

    /// Candidate probability of the bandings at a few similarities (the S-curve): datasketch's
    /// equal weights, and winnow's recall-leaning default (1 - (1 - s^9)^14: 0.027, 0.867, 1.000).
    @Test func candidateCurve() {
        let equal = NearDuplicateOptions(falsePositiveWeight: 0.5, falseNegativeWeight: 0.5).banding
        #expect(equal == NearDuplicateBanding(bands: 9, rows: 13))
        #expect(equal.candidateProbability(0.5) < 0.01)
        #expect(abs(equal.candidateProbability(0.8) - 0.398) < 0.01)
        #expect(equal.candidateProbability(0.95) > 0.99)
        let banding = NearDuplicateOptions().banding
        #expect(banding == NearDuplicateBanding(bands: 14, rows: 9))
        #expect(abs(banding.candidateProbability(0.5) - 0.027) < 0.002)
        #expect(abs(banding.candidateProbability(0.8) - 0.867) < 0.002)
        #expect(banding.candidateProbability(0.95) > 0.999)
    }
}

/// Properties that hold for any text and any corpus.
struct NearDuplicatePropertyTests {
    static let words = Gen.element(of: NearDuplicateTextMaker.vocabulary + ["Refund", "card", "42", "é", "naïve"]).map { $0 ?? "x" }

    /// A text is a perfect near duplicate of itself: estimated Jaccard 1, same cluster.
    @Test func aTextIsSimilarityOneWithItself() async {
        await propertyCheck(count: 60, input: Self.words.array(of: 1...80)) { words in
            let text = words.joined(separator: " ")
            var detector = NearDuplicateDetector()
            detector.add(id: "a", text: text)
            detector.add(id: "b", text: text)
            #expect(detector.similarity(0, 1) == 1)
            let report = detector.finish()
            #expect(report.clusters == [NearDuplicateCluster(id: "a", members: ["a", "b"])])
        }
    }

    /// Clusters are consistent whatever the corpus: a row's neighbour is in its cluster and has
    /// a match of its own, a cluster lists exactly the rows that name it, and its id is its
    /// smallest member; similarity is symmetric.
    @Test func clusterMembershipIsSymmetric() async {
        await propertyCheck(count: 40, input: Gen.uint64(in: 0...UInt64.max), Gen.int(in: 2...40)) { seed, bases in
            var maker = NearDuplicateTextMaker(seed: seed)
            var rows: [(String, String)] = []
            for i in 0..<bases {
                let words = maker.words(maker.int(1...250))
                rows.append(("b\(maker.int(0...999))-\(i)", words.joined(separator: " ")))
                for c in 0..<maker.int(0...3) {
                    let changed = maker.mutate(words, changes: min(words.count, maker.int(0...2)))
                    rows.append(("c\(maker.int(0...999))-\(i)-\(c)", changed.joined(separator: " ")))
                }
            }
            let report = NearDuplicateDetectorTests.run(rows)
            let byID = Dictionary(uniqueKeysWithValues: report.matches.map { ($0.id, $0) })
            for match in report.matches {
                let neighbour = byID[match.neighbour]
                #expect(neighbour != nil, "\(match.id)'s neighbour \(match.neighbour) has no match")
                #expect(neighbour?.cluster == match.cluster)
                #expect(match.similarity >= 0.8 && match.similarity <= 1)
            }
            var listed = Set<String>()
            for cluster in report.clusters {
                #expect(cluster.members.count >= 2)
                #expect(cluster.id == cluster.members.min())
                for member in cluster.members {
                    #expect(byID[member]?.cluster == cluster.id)
                    listed.insert(member)
                }
            }
            #expect(listed == Set(byID.keys))
            var detector = NearDuplicateDetector()
            for (id, text) in rows.prefix(6) { detector.add(id: id, text: text) }
            for i in 0..<min(6, rows.count) {
                for j in 0..<min(6, rows.count) { #expect(detector.similarity(i, j) == detector.similarity(j, i)) }
            }
        }
    }
}
