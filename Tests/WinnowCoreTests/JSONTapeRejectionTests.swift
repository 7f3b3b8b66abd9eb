import Testing
@testable import WinnowCore

/// Everything that is not RFC 8259 JSON in UTF-8 is refused, with a reason a person can act on
/// and the byte offset where it went wrong.
@Suite struct JSONTapeRejectionTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var bytes: [UInt8]
        var offset: Int
        var reason: String

        init(_ name: String, _ text: String, at offset: Int, _ reason: String) {
            self.init(name, Array(text.utf8), at: offset, reason)
        }

        init(_ name: String, _ bytes: [UInt8], at offset: Int, _ reason: String) {
            self.name = name
            self.bytes = bytes
            self.offset = offset
            self.reason = reason
        }

        var testDescription: String { name }
    }

    static let q = UInt8(ascii: "\"")

    static let cases: [Case] = [
        Case("empty input", "", at: 0, "empty line"),
        Case("only whitespace", " \t\r\n ", at: 0, "empty line"),
        Case("object cut after a value", #"{"a":1"#, at: 6, "the line ends before ',' or '}'"),
        Case("object cut after a colon", #"{"a":"#, at: 5, "the line ends before a value"),
        Case("object cut after a key", #"{"a""#, at: 4, "the line ends before ':'"),
        Case("array cut", "[1,2", at: 4, "the line ends before ',' or ']'"),
        Case("string cut", #"{"a":"abc"#, at: 5, "unterminated string"),
        Case("trailing garbage", #"{"a":1} x"#, at: 8, "unexpected 'x' after the JSON value"),
        Case("two values", "[1] [2]", at: 4, "unexpected '[' after the JSON value"),
        Case("hex number", "0x10", at: 1, "unexpected 'x' after the JSON value"),
        Case("trailing comma in object", #"{"a":1,}"#, at: 7, "expected a member name in double quotes, found '}'"),
        Case("trailing comma in array", "[1,2,]", at: 5, "expected a value, found ']'"),
        Case("single-quoted key", "{'a':1}", at: 1, "expected a member name in double quotes"),
        Case("single-quoted string", "['a']", at: 1, "expected a value"),
        Case("unquoted key", "{a:1}", at: 1, "expected a member name in double quotes, found 'a'"),
        Case("number key", "{1:2}", at: 1, "expected a member name in double quotes, found '1'"),
        Case("missing colon", #"{"a" 1}"#, at: 5, "expected ':', found '1'"),
        Case("missing comma in object", #"{"a":1 "b":2}"#, at: 7, "expected ',' or '}', found '\"'"),
        Case("missing comma in array", "[1 2]", at: 3, "expected ',' or ']', found '2'"),
        Case("leading zero", "01", at: 0, "leading zeros"),
        Case("negative leading zero", "[1, -012]", at: 4, "leading zeros"),
        Case("NaN", "NaN", at: 0, "expected a value, found 'N'"),
        Case("NaN in an array", "[1, NaN]", at: 4, "expected a value, found 'N'"),
        Case("Infinity", "Infinity", at: 0, "expected a value, found 'I'"),
        Case("-Infinity", "-Infinity", at: 0, "a number needs digits"),
        Case("lone minus", "-", at: 0, "a number needs digits"),
        Case("leading plus", "+1", at: 0, "expected a value, found '+'"),
        Case("leading point", ".5", at: 0, "expected a value, found '.'"),
        Case("bare decimal point", "1.", at: 2, "a digit must follow the decimal point"),
        Case("point before exponent", "[1.e5]", at: 3, "a digit must follow the decimal point"),
        Case("empty exponent", "1e", at: 2, "an exponent needs digits"),
        Case("signed empty exponent", "1e+", at: 3, "an exponent needs digits"),
        Case("truncated literal", "tru", at: 0, "truncated literal"),
        Case("misspelt literal", "[true,fals]", at: 6, "invalid literal (expected false)"),
        Case("capitalised literal", "True", at: 0, "expected a value, found 'T'"),
        Case("nul literal", "[nul]", at: 1, "invalid literal (expected null)"),
        Case("lone high surrogate", #""\ud800""#, at: 1, "unpaired UTF-16 surrogate \\uD800"),
        Case("lone low surrogate", #""\udc00""#, at: 1, "unpaired UTF-16 surrogate \\uDC00"),
        Case("high surrogate then a letter", #""ab\uD800\u0041""#, at: 3, "unpaired UTF-16 surrogate \\uD800"),
        Case("high surrogate then text", #""\ud800x""#, at: 1, "unpaired UTF-16 surrogate \\uD800"),
        Case("two high surrogates", #""\ud800\ud800""#, at: 1, "unpaired UTF-16 surrogate \\uD800"),
        Case("invalid escape", #""a\x""#, at: 2, "invalid escape \\'x'"),
        Case("bad hex in \\u", #""\u12G4""#, at: 1, "invalid \\u escape"),
        Case("truncated \\u", #""\u12"#, at: 1, "truncated \\u escape"),
        Case("escape at end", "\"\\", at: 1, "unterminated escape"),
        Case("raw control character", [q, 0x61, 0x01, 0x62, q], at: 2, "unescaped control character U+0001 inside a string"),
        Case("raw NUL", [q, 0x61, 0x00, 0x62, q], at: 2, "NUL byte inside a string"),
        Case("raw tab", "\"a\tb\"", at: 2, "unescaped control character U+0009"),
        Case("raw newline", "[\"a\nb\"]", at: 3, "unescaped control character U+000A"),
        Case("raw escape character", "\"\u{1B}[2J\"", at: 1, "unescaped control character U+001B"),
        Case("overlong NUL C0 80", [q, 0xC0, 0x80, q], at: 1, "invalid UTF-8 (byte 0xC0)"),
        Case("overlong 3-byte E0 80 80", [q, 0xE0, 0x80, 0x80, q], at: 1, "invalid UTF-8 (byte 0xE0)"),
        Case("overlong 4-byte F0 80 80 80", [q, 0xF0, 0x80, 0x80, 0x80, q], at: 1, "invalid UTF-8 (byte 0xF0)"),
        Case("encoded surrogate ED A0 80", [q, 0x61, 0xED, 0xA0, 0x80, q], at: 2, "invalid UTF-8 (byte 0xED)"),
        Case("beyond U+10FFFF F4 90 80 80", [q, 0xF4, 0x90, 0x80, 0x80, q], at: 1, "invalid UTF-8 (byte 0xF4)"),
        Case("F5 lead byte", [q, 0xF5, 0x80, 0x80, 0x80, q], at: 1, "invalid UTF-8 (byte 0xF5)"),
        Case("truncated sequence before quote", [q, 0xE2, 0x82, q], at: 1, "invalid UTF-8 (byte 0xE2)"),
        Case("truncated sequence at end", [q, 0xE2, 0x82], at: 1, "invalid UTF-8 (byte 0xE2)"),
        Case("lead byte then ASCII", [q, 0xC3, 0x28, q], at: 1, "invalid UTF-8 (byte 0xC3)"),
        Case("stray continuation byte", [q, 0x61, 0x80, q], at: 2, "invalid UTF-8 (byte 0x80)"),
        Case("invalid UTF-8 in a key", [0x7B, q, 0xFF, q, 0x3A, 0x31, 0x7D], at: 2, "invalid UTF-8 (byte 0xFF)"),
        Case("byte order mark", [0xEF, 0xBB, 0xBF, 0x7B, 0x7D], at: 0, "expected a value, found byte 0xEF"),
        Case("arrays one level too deep",
             String(repeating: "[", count: JSONTape.maxDepth + 1) + String(repeating: "]", count: JSONTape.maxDepth + 1),
             at: JSONTape.maxDepth, "nested deeper than \(JSONTape.maxDepth) levels"),
        Case("objects one level too deep",
             String(repeating: "{\"k\":", count: JSONTape.maxDepth) + "{}" + String(repeating: "}", count: JSONTape.maxDepth),
             at: 5 * JSONTape.maxDepth, "nested deeper than \(JSONTape.maxDepth) levels"),
        Case("absurdly deep", String(repeating: "[", count: 100_000), at: JSONTape.maxDepth, "nested deeper"),
    ]

    @Test("invalid JSON is rejected at the right byte", arguments: cases)
    func rejects(_ c: Case) throws {
        let error = try #require(syntaxError(c.bytes), "\(c.name) was accepted")
        #expect(error.offset == c.offset, "\(c.name): \(error.reason)")
        #expect(error.reason.contains(c.reason), "\(c.name): got \"\(error.reason)\"")
    }

    @Test func offsetsCountBytesNotCharacters() throws {
        // "é" and "😀" are 2 and 4 bytes: the ']' after the trailing comma sits at byte 15.
        let error = try #require(syntaxError("[\"é\",\"😀\",1,]"))
        #expect(error.offset == 15)
    }

    @Test func truncatingAnyValidDocumentIsAnError() throws {
        let text = #"{"a": [1, -2.5e3, "x\u00e9\ud83d\ude00"], "b": {"c": null, "d": true}}"#
        let bytes = Array(text.utf8)
        for length in 1..<bytes.count {
            let error = syntaxError(Array(bytes[..<length]))
            #expect(error != nil, "prefix of \(length) bytes was accepted")
            if let error { #expect(error.offset <= length) }
        }
    }
}
