import PropertyBased
import Testing
@testable import WinnowCore

/// The tape parser accepts every valid JSON text and records where each value sits.
@Suite struct JSONTapeParsingTests {
    static let validDocuments: [String] = [
        "null", "true", "false", "0", "-0", "1", "-1", "123456789012345678901234567890",
        "0.5", "-0.0", "1e5", "1E5", "1e+5", "1e-5", "1.5E-05", "0e0", "-0e-0", "2.5e308", "4.9e-324",
        "\"\"", "\"plain\"", #""\"\\\/\b\f\n\r\t""#, #""\u0000\u001f\u007F\u00e9\uFFFF""#,
        #""\ud83d\ude00 \uD83D\uDE00""#, "\"é😀中\u{10FFFF}\"", "\"\u{7F}\u{2028}\u{FEFF}\"",
        "[]", "{}", "[[]]", "[{}]", "{\"\":{}}", "[1,[2,[3,[4]]]]", "{\"a\":{\"b\":{\"c\":[null]}}}",
        " \t\r\n{ \"a\" : [ 1 , 2 ] , \"b\" :\n{ } }\r\n\t ", "[ ]", "{ }", "\n1\n",
        "{\"a\":1,\"a\":2}",  // syntax allows duplicates; canonical form is what refuses them
    ]

    @Test("valid JSON parses", arguments: validDocuments)
    func acceptsValidJSON(_ text: String) {
        #expect(syntaxError(text) == nil, "\(text)")
    }

    @Test func recordsKindsCountsAndByteRanges() throws {
        let text = #"{"a": [1, 2.5, {"b": null}], "c\n": "x\ty", "d": true}"#
        let tape = try JSONTape.parse(Array(text.utf8))
        #expect(tape.nodes.map(\.kind) == [.object, .string, .array, .number, .number, .object, .string, .null,
                                           .string, .string, .string, .true])
        #expect(tape.nodes[0].count == 3)
        #expect(tape.nodes[0].start == 0 && Int(tape.nodes[0].end) == text.utf8.count)
        #expect(tape.nodes[0].next == Int32(tape.nodes.count))
        #expect(tape.members(0).map(\.key) == [1, 8, 10])
        #expect(tape.members(0).map(\.value) == [2, 9, 11])
        #expect(tape.elements(2) == [3, 4, 5])
        #expect(tape.nodes[2].count == 3 && tape.nodes[2].next == 8)
        #expect(tape.nodes[3].flag == false, "an integer has no fraction or exponent")
        #expect(tape.nodes[4].flag == true, "2.5 is a float")
        // Strings exclude their quotes; the flag says an escape is inside.
        #expect(tape.nodes[1].start == 2 && tape.nodes[1].end == 3)
        #expect(tape.nodes[8].flag == true && tape.nodes[10].flag == false)
        #expect(tape.elements(0).isEmpty && tape.members(2).isEmpty, "wrong kind gives nothing")
        Array(text.utf8).withUnsafeBufferPointer { source in
            #expect(tape.decodeString(8, source: source) == "c\n")
            #expect(tape.decodeString(9, source: source) == "x\ty")
            #expect(tape.memberNames(0, source: source) == ["a", "c\n", "d"])
        }
    }

    @Test func decodesEveryEscape() throws {
        let text = #""\"\\\/\b\f\n\r\t\u00e9\u00E9\ud83d\ude00\u0000\u2028""#
        let value = try JSONValue.parse(text)
        #expect(value == .string("\"\\/\u{8}\u{C}\n\r\té\u{E9}😀\u{0}\u{2028}"))
        let tape = try JSONTape.parse(Array(text.utf8))
        #expect(tape.nodes[0].flag)
    }

    @Test func decodesSurrogatePairsToOneScalar() throws {
        let value = try JSONValue.parse(#""\uDBFF\uDFFF\ud800\udc00""#)
        #expect(value.stringValue?.unicodeScalars.map(\.value) == [0x10FFFF, 0x10000])
    }

    @Test func nestingUpToMaxDepthIsAccepted() {
        let depth = JSONTape.maxDepth
        let arrays = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        #expect(syntaxError(arrays) == nil)
        let objects = String(repeating: "{\"k\":", count: depth - 1) + "{}" + String(repeating: "}", count: depth - 1)
        #expect(syntaxError(objects) == nil)
    }

    @Test func reusingATapeReplacesItsNodes() throws {
        var tape = JSONTape()
        #expect(tape.isEmpty)
        for text in ["[1,2,3,[4,5]]", "\"x\""] {
            let bytes = Array(text.utf8)
            try bytes.withUnsafeBufferPointer { buffer throws(JSONSyntaxError) in try tape.parse(buffer) }
        }
        #expect(tape.nodes.count == 1 && tape.kind(0) == .string)
    }

    @Test func numbersKeepTheirLexemeRange() throws {
        let text = "[ -0.0e+10 , 12 ]"
        let tape = try JSONTape.parse(Array(text.utf8))
        #expect((tape.nodes[1].start, tape.nodes[1].end) == (2, 10))
        #expect((tape.nodes[2].start, tape.nodes[2].end) == (13, 15))
    }

    @Test("noisily written values parse back to the same value")
    func roundTripsGeneratedValues() async {
        let writer = NoisyJSONWriter(shuffleMembers: false, newlines: true)
        await propertyCheck(count: 500, input: JSONGen.written(JSONGen.value(), by: writer)) { sample in
            let (value, text) = (sample.value, sample.text)
            #expect(syntaxError(text) == nil, "\(text.utf8String)")
            let parsed = try JSONValue.parse(text)
            #expect(parsed == value, "\(text.utf8String)")
            #expect(parsed.canonicalString == value.canonicalString)
        }
    }
}
