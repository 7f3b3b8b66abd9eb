import Foundation
import PropertyBased
@testable import ProvenanceLog
import TestSupport
import Testing
import WinnowCore

/// Properties of canonical hashing and of the chain, over random values and random logs.
@Suite struct ChainPropertyTests {
    @Test func canonicalFormParsesBackAndIsStable() async {
        await propertyCheck(count: 300, input: JSONGenerators.value) { value in
            let text = value.canonicalString
            let back = try JSONValue.parse(text)
            #expect(back == RandomJSON.sorted(value))
            #expect(back.canonicalString == text)
        }
    }

    @Test func hashIgnoresMemberOrderWhitespaceAndEscapes() async {
        await propertyCheck(count: 300, input: JSONGenerators.object, JSONGenerators.seed) { value, seed in
            var rng = SplitMix64(seed)
            let noisy = Array(RandomJSON.noisy(value, &rng).utf8)
            let canonical = value.canonicalBytes
            let parsed = try JSONValue.parse(noisy)
            #expect(parsed.canonicalBytes == canonical)
            #expect(ContentHash.of(parsed) == ContentHash.of(value))
            // The verifier's in-place canonical check agrees with writing the canonical form.
            var checker = LineChecker()
            for (bytes, expected) in [(noisy, noisy == canonical), (canonical, true)] {
                let verdict = bytes.withUnsafeBufferPointer { buffer -> Bool in
                    (try? checker.tape.parse(buffer)) != nil && checker.isCanonical(buffer)
                }
                #expect(verdict == expected, "\(String(decoding: bytes, as: UTF8.self))")
            }
        }
    }

    @Test func randomAppendsAlwaysVerify() async {
        await propertyCheck(count: 25, input: Gen.int(in: 1...30), JSONGenerators.seed) { count, seed in
            var rng = SplitMix64(seed)
            let dir = try TemporaryDirectory()
            let path = dir.file("log/provenance.jsonl")
            let log = try LogFile.open(at: path)
            var appended: [LogEntry] = []
            while appended.count < count {
                let batch = min(count - appended.count, Int.random(in: 1...4, using: &rng))
                let first = appended.count + 1
                appended += try log.append((0..<batch).map { RandomJSON.payload(&rng, seq: first + $0) })
            }
            let verdict = try LogVerifier.verify(path: path)
            #expect(verdict == .ok(count: count, headSeq: count, headHash: appended.last!.hash))
            #expect(try log.head() == LogHead(seq: count, hash: appended.last!.hash))
            let reader = try LogReader(path: path)
            var read: [LogEntry] = []
            try reader.forEach { read.append($0) }
            #expect(read == appended)
            #expect(read.map(\.seq) == Array(1...count))
        }
    }

    @Test func anySingleEntryEditBreaksVerifyAtThatLine() async {
        await propertyCheck(count: 80, input: Gen.int(in: 2...20), JSONGenerators.seed) { count, seed in
            var rng = SplitMix64(seed)
            let dir = try TemporaryDirectory()
            let path = dir.file("provenance.jsonl")
            var lines = try LogFixture.write(count: count, to: path) { RandomJSON.payload(&rng, seq: $0 + 1) }
            let target = Int.random(in: 1...count, using: &rng)
            let original = try JSONValue.parse(lines[target - 1])
            var edited = original
            while edited.canonicalBytes == original.canonicalBytes {
                edited = ChainPropertyTests.edit(original, &rng)
            }
            lines[target - 1] = edited.canonicalBytes
            try writeBytes(LogFixture.join(lines), to: path)
            let parts = Int.random(in: 1...3, using: &rng)
            let verdict = try LogVerifier.verify(path: path, displayPath: nil, parts: parts, chunkSize: 1 << Int.random(in: 7...20, using: &rng))
            #expect(verdict.failedLine == target, "\(verdict)")
        }
    }

    /// One change to an entry, keeping its stored hash: a member's value replaced, a member
    /// removed, or a member added.
    static func edit<R: RandomNumberGenerator>(_ entry: JSONValue, _ rng: inout R) -> JSONValue {
        let members = entry.objectValue!.filter { $0.0 != "hash" }
        let (name, _) = members.randomElement(using: &rng)!
        switch Int.random(in: 0..<3, using: &rng) {
        case 0: return entry.setting(name, to: RandomJSON.value(&rng))
        case 1: return entry.removing(name)
        default: return entry.setting("added_" + RandomJSON.string(&rng, maxLength: 4), to: RandomJSON.value(&rng))
        }
    }
}
