import PropertyBased
import Testing
@testable import WinnowCore

/// A row's content hash is SHA-256 of its canonical form: layout does not change it, content does.
@Suite struct ContentHashTests {
    @Test func knownSHA256Vectors() {
        #expect(ContentHash.hex([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(ContentHash.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        Array("abc".utf8).withUnsafeBufferPointer { buffer in
            #expect(ContentHash.hex(buffer) == ContentHash.hex(Array("abc".utf8)))
        }
        #expect(ContentHash.of(try! JSONValue.parse(#" { "b" : 2 , "a" : 1 } "#))
            == ContentHash.hex(Array(#"{"a":1,"b":2}"#.utf8)))
    }

    @Test func streamingHashEqualsOneShot() {
        var stream = StreamingHash()
        stream.update(Array("hello, ".utf8))
        Array("world".utf8).withUnsafeBytes { stream.update($0) }
        #expect(stream.finalizeHex() == ContentHash.hex(Array("hello, world".utf8)))
    }

    @Test func validHexIsLowercase64Digits() {
        let hash = ContentHash.hex(Array("x".utf8))
        #expect(ContentHash.isValidHex(hash))
        #expect(!ContentHash.isValidHex(hash.uppercased()))
        #expect(!ContentHash.isValidHex(String(hash.dropLast())))
        #expect(!ContentHash.isValidHex(String(hash.dropLast()) + "g"))
        #expect(!ContentHash.isValidHex(""))
    }

    /// One value written two different untidy ways.
    static let twoWritings = Generator<(WrittenJSON, [UInt8]), Shrink.None<(WrittenJSON, [UInt8])>> { rng in
        let writer = NoisyJSONWriter(shuffleMembers: true, newlines: true)
        let value = JSONGen.randomValue(depth: 0, maxDepth: 4, &rng)
        return (WrittenJSON(value: value, text: writer.write(value, &rng)), writer.write(value, &rng))
    }

    @Test("the hash ignores member order and whitespace")
    func hashIgnoresLayout() async {
        await propertyCheck(count: 400, input: Self.twoWritings) { pair in
            let (first, second) = pair
            let a = ContentHash.hex(try tapeCanonical(first.text))
            let b = ContentHash.hex(try tapeCanonical(second))
            #expect(a == b, "\(second.utf8String)")
            #expect(a == ContentHash.of(first.value))
        }
    }

    /// A different value for a scalar leaf, of the same or another JSON type.
    static func changed(_ leaf: JSONValue, _ rng: inout RNG) -> JSONValue {
        switch leaf {
        case .null: return Rand.chance(0.5, &rng) ? .bool(false) : .int(0)
        case .bool(let b): return Rand.chance(0.5, &rng) ? .bool(!b) : .null
        case .string(let s):
            return Rand.weighted(&rng, [
                (1, { _ in .string(s + " ") }),
                (1, { _ in .string(s.isEmpty ? "\u{0}" : String(s.unicodeScalars.dropLast())) }),
                (1, { _ in .string("x" + s) }),
                (1, { _ in .int(s.count) }),
            ])
        case .number(let n):
            if n.text.contains(where: { $0 == "." || $0 == "e" }) {
                let d = Double(n.text)!
                // The next double up or down, or the same magnitude as an integer where they differ.
                return Rand.chance(0.5, &rng) ? .double(d.nextUp.isFinite ? d.nextUp : d.nextDown) : .string(n.text)
            }
            return .number(try! JSONValue.parse(n.text == "0" ? "1" : n.text + "1").numberValueForTest)
        case .array: return .array([.null])
        case .object: return .object([("", .null)])
        }
    }

    @Test("changing any scalar value changes the hash")
    func hashSeesEveryScalar() async {
        let cases = Generator<(WrittenJSON, WrittenJSON), Shrink.None<(WrittenJSON, WrittenJSON)>> { rng in
            let value = JSONGen.randomValue(depth: 0, maxDepth: 4, &rng)
            let path = Rand.pick(value.leafPaths, &rng)
            let edited = value.updating(path[...]) { Self.changed($0, &rng) }
            let writer = NoisyJSONWriter()
            return (WrittenJSON(value: value, text: writer.write(value, &rng)),
                    WrittenJSON(value: edited, text: writer.write(edited, &rng)))
        }
        await propertyCheck(count: 500, input: cases) { pair in
            let (original, edited) = pair
            #expect(ContentHash.of(original.value) != ContentHash.of(edited.value), "\(edited.value.canonicalString)")
            let before = try tapeCanonical(original.text), after = try tapeCanonical(edited.text)
            #expect(ContentHash.hex(before) != ContentHash.hex(after))
        }
    }

    @Test("skipping the 'hash' member equals the canonical form of the object without it")
    func skippingKeyLeavesOutOneTopLevelMember() async {
        let cases = Generator<(JSONValue, [UInt8]), Shrink.None<(JSONValue, [UInt8])>> { rng in
            let base = JSONGen.randomObject(depth: 0, maxDepth: 3, &rng).removing("hash")
            guard case var .object(members) = base else { fatalError() }
            let hashValue = JSONGen.randomValue(depth: 1, maxDepth: 3, &rng)
            members.insert(("hash", hashValue), at: Rand.int(0...members.count, &rng))
            return (base, NoisyJSONWriter().write(.object(members), &rng))
        }
        await propertyCheck(count: 400, input: cases) { pair in
            let (withoutHash, written) = pair
            let skipped = try tapeCanonical(written, skippingKey: "hash")
            #expect(skipped == withoutHash.canonicalBytes, "\(written.utf8String)")
        }
    }

    @Test func skippingKeyOnlyAppliesAtTheTopLevel() throws {
        let text = Array(#"{"hash":"x","entry":{"hash":"inner"},"list":[{"hash":1}],"v":1}"#.utf8)
        #expect(try tapeCanonical(text, skippingKey: "hash").utf8String
            == #"{"entry":{"hash":"inner"},"list":[{"hash":1}],"v":1}"#)
        #expect(try tapeCanonical(Array(#"{"v":1}"#.utf8), skippingKey: "hash").utf8String == #"{"v":1}"#)
        #expect(try tapeCanonical(Array(#"{"hash":1}"#.utf8), skippingKey: "hash").utf8String == "{}")
    }

    @Test func skippingKeyMatchesAnEscapedSpellingOfTheKey() throws {
        // "h\u0061sh" is the member "hash"; leaving it in would make the hash cover itself.
        let text = Array(#"{"h\u0061sh":"abc","v":1}"#.utf8)
        #expect(try tapeCanonical(text, skippingKey: "hash").utf8String == #"{"v":1}"#)
    }
}

extension JSONValue {
    var numberValueForTest: JSONNumber {
        guard case let .number(n) = self else { fatalError("not a number") }
        return n
    }
}
