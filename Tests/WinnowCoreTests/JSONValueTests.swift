import PropertyBased
import Testing
@testable import WinnowCore

/// The in-memory value: equality sees everything (member order too), canonical form does not
/// see member order; edits copy.
@Suite struct JSONValueTests {
    let row: JSONValue = .object([("id", .string("r1")), ("n", .int(3)), ("meta", .object([("t", .double(0.5))]))])

    @Test func settingReplacesInPlaceOrAppends() {
        let replaced = row.setting("n", to: .int(4))
        #expect(replaced.objectValue?.map(\.0) == ["id", "n", "meta"])
        #expect(replaced["n"] == .int(4))
        let appended = row.setting("new", to: .null)
        #expect(appended.objectValue?.map(\.0) == ["id", "n", "meta", "new"])
        #expect(appended["new"] == .null)
        #expect(row["n"] == .int(3), "the original is untouched")
        #expect(JSONValue.array([.int(1)]).setting("a", to: .null) == .array([.int(1)]))
    }

    @Test func removingDropsTheMember() {
        let removed = row.removing("n")
        #expect(removed.objectValue?.map(\.0) == ["id", "meta"])
        #expect(removed["n"] == nil)
        #expect(row.removing("absent") == row)
        #expect(JSONValue.string("s").removing("s") == .string("s"))
        #expect(row.setting("x", to: .bool(true)).removing("x") == row)
    }

    @Test func subscriptReadsTheLastDuplicate() {
        let value = JSONValue.object([("a", .int(1)), ("a", .int(2))])
        #expect(value["a"] == .int(2))
        #expect(JSONValue.array([]) ["a"] == nil)
    }

    @Test func equalitySeesMemberOrderButCanonicalFormDoesNot() throws {
        let ab = try JSONValue.parse(#"{"a":1,"b":[true,null]}"#)
        let ba = try JSONValue.parse(#"{"b":[true,null],"a":1}"#)
        #expect(ab != ba, "member order is part of the value")
        #expect(ab.canonicalString == ba.canonicalString, "but not of the canonical form")
        #expect(ContentHash.of(ab) == ContentHash.of(ba))
        #expect(Set([ab, ba]).count <= 2)
        // Array order matters to both.
        let a12 = try JSONValue.parse("[1,2]"), a21 = try JSONValue.parse("[2,1]")
        #expect(a12 != a21 && a12.canonicalString != a21.canonicalString)
    }

    @Test func equalityIgnoresNothing() throws {
        let distinct: [JSONValue] = [
            .null, .bool(false), .bool(true), .int(0), .int(1), .double(0), .double(-0.0), .double(1),
            .string(""), .string("0"), .string("\u{E9}"), .string("e\u{301}"), .string("a\u{0}"),
            .array([]), .array([.null]), .array([.null, .null]), .object([]), .object([("a", .null)]),
            .object([("a", .int(1))]), .object([("b", .int(1))]), .object([("\u{E9}", .null)]),
            .object([("e\u{301}", .null)]), .object([("a", .null), ("b", .null)]), .object([("b", .null), ("a", .null)]),
        ]
        for (i, x) in distinct.enumerated() {
            for (j, y) in distinct.enumerated() {
                #expect((x == y) == (i == j), "\(x.canonicalString) vs \(y.canonicalString)")
            }
        }
    }

    @Test func memberLookupIsByCodePoints() {
        // Precomposed and decomposed "é" are different members; edits must not confuse them.
        let value = JSONValue.object([("\u{E9}", .int(1)), ("e\u{301}", .int(2))])
        #expect(value["\u{E9}"] == .int(1) && value["e\u{301}"] == .int(2))
        #expect(value.setting("e\u{301}", to: .int(3)) == .object([("\u{E9}", .int(1)), ("e\u{301}", .int(3))]))
        #expect(value.removing("\u{E9}") == .object([("e\u{301}", .int(2))]))
    }

    @Test func equalValuesHashEqual() throws {
        let x = try JSONValue.parse(#"{"a":[1,2.5,"s"],"b":null}"#)
        let y = try JSONValue.parse(#" { "a" : [ 1 , 25e-1 , "\u0073" ] , "b" : null } "#)
        #expect(x == y)
        #expect(x.hashValue == y.hashValue)
        #expect(Set([x, y]).count == 1)
    }

    @Test func accessorsAndTypeNames() throws {
        let v = try JSONValue.parse(#"{"s":"x","i":42,"f":2.5,"b":true,"a":[1],"o":{},"n":null,"big":123456789012345678901}"#)
        #expect(v["s"]?.stringValue == "x" && v["i"]?.stringValue == nil)
        #expect(v["i"]?.intValue == 42 && v["f"]?.intValue == nil && v["big"]?.intValue == nil)
        #expect(v["f"]?.doubleValue == 2.5 && v["i"]?.doubleValue == 42)
        #expect(v["b"]?.boolValue == true && v["n"]?.boolValue == nil)
        #expect(v["a"]?.arrayValue == [.int(1)] && v["o"]?.objectValue?.isEmpty == true)
        #expect(["s", "i", "b", "a", "o", "n"].map { v[$0]!.typeName }
            == ["a string", "a number", "a boolean", "an array", "an object", "null"])
        #expect(JSONNumber(42).text == "42" && JSONNumber(-0.0).text == "-0.0" && JSONNumber(1e16).description == "1e+16")
    }

    /// The value with every object's members sorted the canonical way (by UTF-8 bytes).
    static func sortedDeep(_ value: JSONValue) -> JSONValue {
        switch value {
        case .array(let items): return .array(items.map(sortedDeep))
        case .object(let members):
            return .object(members.map { ($0.0, sortedDeep($0.1)) }
                .sorted { Array($0.0.utf8).lexicographicallyPrecedes(Array($1.0.utf8)) })
        default: return value
        }
    }

    @Test("canonical text parses back to the value with its members sorted")
    func canonicalRoundTrip() async {
        await propertyCheck(count: 500, input: JSONGen.value()) { value in
            let parsed = try JSONValue.parse(value.canonicalString)
            #expect(parsed == Self.sortedDeep(value))
            let fromBytes = try JSONValue.parse(value.canonicalBytes)
            let viaTape = try tapeCanonical(value.canonicalBytes)
            #expect(fromBytes == parsed)
            #expect(parsed.canonicalBytes == value.canonicalBytes)
            #expect(viaTape == value.canonicalBytes)
        }
    }

    @Test("in-memory and tape canonical forms agree")
    func inMemoryAndTapeAgree() async {
        let writer = NoisyJSONWriter(shuffleMembers: true, newlines: true)
        await propertyCheck(count: 500, input: JSONGen.written(JSONGen.value(), by: writer)) { sample in
            let viaTape = try tapeCanonical(sample.text)
            let viaValue = try JSONValue.parse(sample.text).canonicalBytes
            #expect(viaTape == sample.value.canonicalBytes)
            #expect(viaValue == sample.value.canonicalBytes)
        }
    }
}
