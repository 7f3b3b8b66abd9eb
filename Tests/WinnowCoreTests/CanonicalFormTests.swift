import PropertyBased
import TestSupport
import Testing
@testable import WinnowCore

/// The canonical form itself, without Python: known outputs, refusals, and the float fast path.
@Suite struct CanonicalFormTests {
    static let examples: [(String, String)] = [
        (#" { "b" : 1 , "a" : 2 } "#, #"{"a":2,"b":1}"#),
        (#"{"b":{"d":[3,{"f":1,"e":2}],"c":null},"a":true}"#, #"{"a":true,"b":{"c":null,"d":[3,{"e":2,"f":1}]}}"#),
        // Code point order, which is UTF-8 byte order: U+FFFF sorts before U+1F600 (UTF-16 would not).
        (#"{"😀":1,"\uffff":2,"é":3,"z":4,"Z":5,"":6,"a\u0000":7,"a":8}"#,
         "{\"\":6,\"Z\":5,\"a\":8,\"a\\u0000\":7,\"z\":4,\"é\":3,\"\u{FFFF}\":2,\"😀\":1}"),
        (#""\u00e9\/\u0041\ud83d\ude00""#, "\"é/A😀\""),
        (#""\u0000\u0001\u001f\b\f\n\r\t\"\\""#, #""\u0000\u0001\u001f\b\f\n\r\t\"\\""#),
        ("\"\u{7F}\u{80}\u{2028}\u{FEFF}\"", "\"\u{7F}\u{80}\u{2028}\u{FEFF}\""),  // only C0, " and \ are escaped
        (#""\u007F\u0080""#, "\"\u{7F}\u{80}\""),
        ("[-0, 0, -0.0, 0.0, 0e0, -0E-0]", "[0,0,-0.0,0.0,0.0,-0.0]"),
        ("[1E2, 1e+2, 100.0, 1.00, 10e-1, 0.10]", "[100.0,100.0,100.0,1.0,1.0,0.1]"),
        ("[1e16, 1e15, 9999999999999998.0, 123456789012345678.0]",
         "[1e+16,1000000000000000.0,9999999999999998.0,1.2345678901234568e+17]"),
        ("[0.0001, 0.00001, 1e-5, 1.5e-10, 5e-324, 1e-400, -1e-400]",
         "[0.0001,1e-05,1e-05,1.5e-10,5e-324,0.0,-0.0]"),
        ("[0.1, 0.30000000000000004, 2.5e-3, 1.7976931348623157e308, 1e308]",
         "[0.1,0.30000000000000004,0.0025,1.7976931348623157e+308,1e+308]"),
        ("[123456789012345678901234567890, -99999999999999999999]",
         "[123456789012345678901234567890,-99999999999999999999]"),
        ("[true,false,null,[],{},[[]],\"\"]", "[true,false,null,[],{},[[]],\"\"]"),
    ]

    @Test("known canonical forms", arguments: examples)
    func knownCanonicalForms(_ input: String, _ expected: String) throws {
        #expect(try tapeCanonical(Array(input.utf8)).utf8String == expected)
        #expect(try JSONValue.parse(input).canonicalString == expected)
    }

    @Test("duplicate members are refused", arguments: [
        (#"{"a":1,"a":2}"#, "a"),
        (#"{"a":1,"\u0061":2}"#, "a"),
        (#"{"\u0061":1,"a":2}"#, "a"),
        ("{\"b\":0,\"\\u00e9\":1,\"c\":0,\"\u{E9}\":2}", "\u{E9}"),
        (#"{"x":{"k":1,"j":2,"k":3}}"#, "k"),
        (#"[{"ok":1},{"d":1,"d":1}]"#, "d"),
    ])
    func duplicateKeys(_ input: String, _ key: String) {
        #expect(throws: CanonicalizationError.duplicateKey(key)) { try tapeCanonical(Array(input.utf8)) }
        #expect(throws: CanonicalizationError.duplicateKey(key)) { try JSONValue.parse(input) }
        #expect(CanonicalizationError.duplicateKey(key).reason.contains("duplicate member \"\(key)\""))
    }

    @Test func keysThatDifferOnlyInNormalisationAreNotDuplicates() throws {
        // Precomposed é (U+00E9) and e + U+0301 are different member names to JSON and Python.
        let input = #"{"\u00e9":1,"e\u0301":2}"#
        let expected = "{\"e\u{301}\":2,\"\u{E9}\":1}"
        #expect(try tapeCanonical(Array(input.utf8)).utf8String.unicodeScalars.elementsEqual(expected.unicodeScalars))
        let value = try JSONValue.parse(input)
        #expect(value.canonicalString.unicodeScalars.elementsEqual(expected.unicodeScalars))
        #expect(value.objectValue?.count == 2)
    }

    @Test("numbers beyond double range are refused", arguments: ["1e400", "-1e400", "[1.8e308]", #"{"a":[1e999]}"#])
    func numberOutOfRange(_ input: String) throws {
        let error = #expect(throws: CanonicalizationError.self) { try tapeCanonical(Array(input.utf8)) }
        guard case .numberOutOfRange(let text)? = error else {
            Issue.record("expected numberOutOfRange, got \(String(describing: error))")
            return
        }
        #expect(input.contains(text))
        #expect(error?.reason.contains("out of range") == true)
        #expect(throws: CanonicalizationError.numberOutOfRange(text)) { try JSONValue.parse(input) }
    }

    @Test func bigIntegersAreNotDoubles() throws {
        // 2^53 + 1 as an integer stays exact; as a float it rounds.
        #expect(try tapeCanonical(Array("9007199254740993".utf8)).utf8String == "9007199254740993")
        #expect(try tapeCanonical(Array("9007199254740993.0".utf8)).utf8String == "9007199254740992.0")
    }

    @Test("canonical form is a fixed point")
    func canonicalIsIdempotent() async {
        let writer = NoisyJSONWriter(shuffleMembers: true, newlines: true)
        await propertyCheck(count: 300, input: JSONGen.written(JSONGen.value(), by: writer)) { sample in
            let once = try tapeCanonical(sample.text)
            let twice = try tapeCanonical(once)
            let viaValue = try JSONValue.parse(once).canonicalBytes
            #expect(twice == once)
            #expect(viaValue == once)
        }
    }

    /// Members in any order: the JSONValue writer (which skips its sort when the members are in
    /// key order already) agrees with the tape's canonicaliser, written separately.
    @Test("members written in any order come out in key order")
    func shuffledMembersAreSorted() async {
        let writer = NoisyJSONWriter(shuffleMembers: true, newlines: false)
        await propertyCheck(count: 300, input: JSONGen.written(JSONGen.value(), by: writer)) { sample in
            let viaValue = try JSONValue.parse(sample.text).canonicalBytes
            #expect(try viaValue == tapeCanonical(sample.text))
        }
    }

    /// Members built in memory may repeat a key (the parser refuses that; code need not): they
    /// keep their order among themselves, sorted or not, as a stable sort by UTF-8 bytes does.
    @Test func equalKeysKeepTheirOrderInKeyOrderOrNot() {
        var random = SplitMix64(7)
        let keys = ["", "a", "b", "a\u{0}", "é", "\u{FFFF}", "😀", "Z"]
        for _ in 0..<2_000 {
            let members = (0..<Int.random(in: 0...6, using: &random)).map { n in
                (keys.randomElement(using: &random)!, JSONValue.int(n))
            }
            let ordered = Bool.random(using: &random)
                ? members.enumerated().sorted { Array($0.element.0.utf8).lexicographicallyPrecedes(Array($1.element.0.utf8))
                    || $0.element.0 == $1.element.0 && $0.offset < $1.offset }.map(\.element)
                : members
            let expected = ordered.enumerated().sorted { a, b in
                let (x, y) = (Array(a.element.0.utf8), Array(b.element.0.utf8))
                return x == y ? a.offset < b.offset : x.lexicographicallyPrecedes(y)
            }.map { "\(JSONValue.string($0.element.0).canonicalString):\($0.element.1.canonicalString)" }
            #expect(JSONValue.object(ordered).canonicalString == "{" + expected.joined(separator: ",") + "}")
        }
    }

    @Test("formatDouble round-trips to the same double, sign of zero included")
    func formatDoubleRoundTrips() async {
        await propertyCheck(count: 2000, input: CanonicalFormPythonTests.doubleGenerator) { d in
            let text = CanonicalJSON.formatDouble(d)
            #expect(Double(text)?.bitPattern == d.bitPattern, "\(text)")
            #expect(text.contains(".") || text.contains("e"), "\(text) must read back as a float")
        }
    }

    /// Float lexemes as JSON allows them, biased to the ones the fast path might accept.
    static let floatLexemes = Generator<String, Shrink.None<String>> { rng in
        func digits(_ n: Int, _ rng: inout RNG) -> String {
            String((0..<n).map { _ in Character(String(Rand.int(0...9, &rng))) })
        }
        let sign = Rand.chance(0.3, &rng) ? "-" : ""
        var whole = Rand.chance(0.4, &rng) ? "0" : String(Rand.int(1...9, &rng)) + digits(Rand.int(0...17, &rng), &rng)
        if Rand.chance(0.05, &rng) { whole = "9999999999999999" }
        var fraction = Rand.chance(0.3, &rng) ? String(repeating: "0", count: Rand.int(1...6, &rng)) : ""
        fraction += digits(Rand.int(0...18, &rng), &rng)
        if Rand.chance(0.3, &rng) { fraction += "0" }
        if fraction.isEmpty { fraction = "0" }
        var lexeme = sign + whole + "." + fraction
        if Rand.chance(0.1, &rng) { lexeme += Rand.pick(["e", "E"], &rng) + String(Rand.int(-30...30, &rng)) }
        return lexeme
    }

    @Test("the already-canonical fast path never disagrees with formatDouble")
    func fastPathAgreesWithSlowPath() async {
        await propertyCheck(count: 5000, input: Self.floatLexemes) { lexeme in
            let bytes = Array(lexeme.utf8)
            guard let value = Double(lexeme), value.isFinite else { return }
            let slow = CanonicalJSON.formatDouble(value)
            bytes.withUnsafeBufferPointer { buffer in
                if CanonicalJSON.isAlreadyCanonicalFloat(buffer) {
                    #expect(slow == lexeme, "fast path kept \(lexeme), Python would print \(slow)")
                }
                #expect(CanonicalJSON.canonicalNumber(buffer, isFloat: true) == slow, "\(lexeme)")
            }
        }
    }

    @Test func fastPathAcceptsTheCommonCases() {
        for lexeme in ["0.5", "2.1", "-3.25", "10.0", "0.0", "-0.0", "0.001", "0.0001", "123456789012345.0"] {
            Array(lexeme.utf8).withUnsafeBufferPointer { buffer in
                #expect(CanonicalJSON.isAlreadyCanonicalFloat(buffer), "\(lexeme)")
            }
        }
        for lexeme in ["0.00001", "1.10", "1e5", "1.0E2", "0.10", "1234567890123456.7", "1.2345678901234567"] {
            Array(lexeme.utf8).withUnsafeBufferPointer { buffer in
                #expect(!CanonicalJSON.isAlreadyCanonicalFloat(buffer), "\(lexeme)")
            }
        }
    }
}
