import Foundation
@testable import Gates
import TestSupport
import Testing
import WinnowCore

/// Issue 14: the pair gate flags preference pairs that cannot teach a ranker: both answers from
/// one generator, answers that are near-duplicates of each other, answers that trip the same
/// gate; and says it cannot judge a pair that names no generator, rather than pass it.
@Suite struct PairGateTests {
    static let compiled = try! GateSettings.standard.compile()

    /// A TRL pair row as import recognises it.
    static func pair(_ fields: String) throws -> GateRow {
        let bytes = Array(("{\"id\": \"p1\", \"prompt\": \"How do I reset my router?\", " + fields + "}").utf8)
        let tape = try JSONTape.parse(bytes)
        return try bytes.withUnsafeBufferPointer { source in
            let recognizer = RowRecognizer()
            guard case .success(let recognized) = recognizer.recognize(tape, source: source) else { throw CancellationError() }
            #expect(recognized.unused.isEmpty, "\(recognized.unused)")
            return GateRow(id: "p1", shape: recognized.shape, provenance: recognized.provenance,
                           text: recognizer.text(of: recognized.shape, tape, source: source))
        }
    }

    static func pairFindings(_ row: GateRow) -> [GateFinding] {
        compiled.run(row).findings.filter { $0.gate == PairGate.name }
    }

    static let good = "\"chosen\": \"Hold the reset button for ten seconds, then wait for the lights to settle.\""
    static let bad = "\"rejected\": \"Routers cannot be reset; buy a new one from the store today.\""

    @Test func bothAnswersFromOneGeneratorAreFlaggedWithTheGeneratorAndTemplate() throws {
        let row = try Self.pair(Self.good + ", " + Self.bad + #", "meta": {"origin": "synthetic", "generator": "gen-a", "template": "t1"}"#)
        let found = Self.pairFindings(row)
        #expect(found.map(\.reason) == ["same-generator"])
        #expect(found.first?.matched == "gen-a" && found.first?.action == .flag)
        #expect(JSONValue.object(found.first!.detail)["template"]?.stringValue == "t1")
    }

    /// Who wrote each side, where the row says: two generators pass, one generator written
    /// twice does not; the fields are read (nothing "not used").
    @Test func perSideGeneratorsDecide() throws {
        let two = try Self.pair(Self.good + ", " + Self.bad + #", "meta": {"origin": "synthetic", "generator": "gen-a", "chosen_generator": "gen-a", "rejected_generator": "gen-b"}"#)
        #expect(two.text.sideGenerators == ["chosen": "gen-a", "rejected": "gen-b"])
        #expect(Self.pairFindings(two).isEmpty)
        let same = try Self.pair(Self.good + ", " + Self.bad + #", "chosen_model": "m-1", "rejected_model": "m-1""#)
        #expect(Self.pairFindings(same).map(\.reason) == ["same-generator"])
        #expect(JSONValue.object(Self.pairFindings(same)[0].detail)["per_side"] == .bool(true))
        // Names compared without case.
        let cased = try Self.pair(Self.good + ", " + Self.bad + #", "chosen_model": "GPT-4", "rejected_model": "gpt-4""#)
        #expect(Self.pairFindings(cased).map(\.reason) == ["same-generator"])
        // One side named, the other side's writer unknown (even with a row generator): cannot judge.
        let oneNamed = try Self.pair(Self.good + ", " + Self.bad + #", "meta": {"generator": "pipeline-x", "chosen_generator": "m-1"}"#)
        #expect(Self.pairFindings(oneNamed).map(\.reason) == ["cannot-judge"])
        let half = try Self.pair(Self.good + ", " + Self.bad + #", "chosen_generator": "m-1""#)
        let found = Self.pairFindings(half)
        #expect(found.map(\.reason) == ["cannot-judge"])
        #expect(JSONValue.object(found[0].detail)["missing"] == .array([.string("rejected")]))
    }

    /// A side's generator of a type the gate cannot read is an import problem, named.
    @Test func aPerSideGeneratorThatIsNotTextIsRefusedAtImport() throws {
        let bytes = Array((#"{"prompt": "q", "chosen": "a", "rejected": "b", "chosen_generator": {"name": "x"}}"#).utf8)
        let tape = try JSONTape.parse(bytes)
        let result = bytes.withUnsafeBufferPointer { RowRecognizer().recognize(tape, source: $0) }
        guard case .failure(let problem) = result else { Issue.record("accepted"); return }
        #expect(problem.reason.contains("'chosen_generator' is an object, expected a string"), "\(problem.reason)")
    }

    /// Only pairs read the per-side fields: a chat row with such a member imports as before
    /// (named as not used: here the whole `meta`, since nothing in it is read).
    @Test func aChatRowWithAPerSideMemberIsNotAProblem() throws {
        let bytes = Array((#"{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}], "meta": {"chosen_model": {"name": "x"}}}"#).utf8)
        let tape = try JSONTape.parse(bytes)
        let result = bytes.withUnsafeBufferPointer { RowRecognizer().recognize(tape, source: $0) }
        guard case .success(let row) = result else { Issue.record("refused: \(result)"); return }
        #expect(row.unused == ["meta"], "named as not used, as any member nothing reads")
    }

    @Test func nearDuplicateAnswersAreFlaggedAndDifferentOnesAreNot() throws {
        let meta = #", "meta": {"chosen_generator": "a", "rejected_generator": "b"}"#
        let near = try Self.pair(#""chosen": "Hold the reset button on the back for ten seconds and wait for the lights to settle down.", "rejected": "Hold the reset button on the back for ten seconds and wait for the lights to settle down now.""# + meta)
        let found = Self.pairFindings(near)
        #expect(found.map(\.reason) == ["similar-answers"], "\(found)")
        let similarity = JSONValue.object(found[0].detail)["similarity"]?.doubleValue ?? 0
        #expect(similarity >= 0.8 && similarity < 1)
        #expect(Self.pairFindings(try Self.pair(Self.good + ", " + Self.bad + meta)).isEmpty)
    }

    @Test func answersThatTripTheSameGateAreFlaggedButSharedTurnsDoNotCount() throws {
        let meta = #", "meta": {"chosen_generator": "a", "rejected_generator": "b"}"#
        let both = try Self.pair(#""chosen": "As an AI language model I think you should hold the button.", "rejected": "As an AI language model I cannot help with routers at all.""# + meta)
        #expect(Self.pairFindings(both).map(\.reason) == ["both-blocklist"])
        let one = try Self.pair(#""chosen": "Hold the button for ten seconds.", "rejected": "As an AI language model I cannot help with routers at all.""# + meta)
        #expect(Self.pairFindings(one).isEmpty)
        // An HH transcript: the e-mail address is in the human turn both sides repeat.
        let hh = try Self.hh(#"{"chosen": "\n\nHuman: Write to jane.doe@gmail.com for me?\n\nAssistant: Sure, here is a short note.", "rejected": "\n\nHuman: Write to jane.doe@gmail.com for me?\n\nAssistant: No, I will not do that for you.", "chosen_generator": "a", "rejected_generator": "b"}"#)
        #expect(Self.compiled.run(hh).findings.contains { $0.gate == "pii" })
        #expect(Self.pairFindings(hh).isEmpty, "\(Self.pairFindings(hh))")
    }

    static func hh(_ line: String) throws -> GateRow {
        let bytes = Array(line.utf8)
        let tape = try JSONTape.parse(bytes)
        return try bytes.withUnsafeBufferPointer { source in
            let recognizer = RowRecognizer()
            guard case .success(let recognized) = recognizer.recognize(tape, source: source) else { throw CancellationError() }
            #expect(recognized.shape == .hh)
            return GateRow(id: "hh", shape: .hh, provenance: recognized.provenance, text: recognizer.text(of: .hh, tape, source: source))
        }
    }

    @Test func rowsThatAreNotPairsAreNotTheGatesBusiness() {
        #expect(Self.pairFindings(TestRows.chat("How do I reset my router?")).isEmpty)
    }

    /// On HH-RLHF's harmless test pairs, which name no generator: every pair is one the gate
    /// says it cannot judge; none passes unjudged.
    @Test(.enabled(if: TestRows.realDataPresent)) func hhRLHFPairsAreNeverPassedUnjudged() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pair-gate-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let plain = folder.appendingPathComponent("test.jsonl")
        try runShell("gzip -dc \"$0\" > \"$1\"", TestRows.realData.appendingPathComponent("hh-rlhf/harmless-base/test.jsonl.gz").path, plain.path)
        let rows = try TestRows.jsonl(plain)
        #expect(rows.count > 2000 && rows.allSatisfy { $0.shape == .hh })
        var reasons: [String: Int] = [:]
        for row in rows {
            let found = Self.pairFindings(row)
            #expect(found.contains { $0.reason == "cannot-judge" }, "\(row.id) passed")
            for f in found { reasons[f.reason, default: 0] += 1 }
        }
        #expect(reasons["cannot-judge"] == rows.count)
        // Both sides repeat the conversation; only the answers are compared, so pairs whose last
        // answers differ are not called near-duplicates wholesale.
        #expect((reasons["similar-answers"] ?? 0) < rows.count / 10, "\(reasons)")
    }

    /// The similarity counted by merging sorted shingle hashes is the Jaccard index of the two
    /// sets of shingles, repeats and all, on random texts from a small vocabulary.
    @Test func similarityIsTheJaccardIndexOfTheShingleSets() {
        var rng = SplitMix64(14)
        let words = ["reset", "the", "router", "hold", "button", "wait", "lights", "Store", "new", "one"]
        func text() -> String {
            (0..<Int.random(in: 0...40, using: &rng)).map { _ in words.randomElement(using: &rng)! }.joined(separator: " ")
        }
        for _ in 0..<300 {
            let a = text(), b = Bool.random(using: &rng) ? text() : a + " " + text()
            var shingler = NearDuplicateShingler()
            func set(_ text: String) -> Set<UInt64> {
                shingler.tokenize(text)
                var found: Set<UInt64> = []
                shingler.forEachShingle(size: 3) { found.insert($0) }
                return found
            }
            let x = set(a), y = set(b)
            let expected = x.isEmpty || y.isEmpty ? 0 : Double(x.intersection(y).count) / Double(x.union(y).count)
            #expect(abs(PairGate.similarity(a, b, shingleWords: 3) - expected) < 1e-12, "\(a) | \(b)")
        }
    }
}
