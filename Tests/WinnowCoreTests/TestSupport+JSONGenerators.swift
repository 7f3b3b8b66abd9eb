import Foundation
import PropertyBased
import Testing
@testable import WinnowCore

/// Generators of JSON values that reach the corners canonical form has to get right: keys and
/// strings with every escape, control characters, non-ASCII, emoji and combining marks; integers
/// beyond 64 bits and -0; doubles from subnormals to near the top of the range.
enum JSONGen {
    /// Any JSON value, nested up to `maxDepth` containers deep.
    static func value(maxDepth: Int = 4) -> Generator<JSONValue, Shrink.None<JSONValue>> {
        Generator { rng in randomValue(depth: 0, maxDepth: maxDepth, &rng) }
    }

    /// An object at the top (what a row is).
    static func object(maxDepth: Int = 4) -> Generator<JSONValue, Shrink.None<JSONValue>> {
        Generator { rng in randomObject(depth: 0, maxDepth: maxDepth, &rng) }
    }

    /// A generated value together with one noisy way of writing it.
    static func written(
        _ values: Generator<JSONValue, Shrink.None<JSONValue>>, by writer: NoisyJSONWriter
    ) -> Generator<WrittenJSON, Shrink.None<WrittenJSON>> {
        Generator { rng in
            let value = values.run(using: &rng)
            return WrittenJSON(value: value, text: writer.write(value, &rng))
        }
    }

    static let double = Generator<Double, Shrink.None<Double>> { rng in randomDouble(&rng) }

    static let string = Generator<String, Shrink.None<String>> { rng in randomString(&rng) }

    static func randomValue(depth: Int, maxDepth: Int, _ rng: inout RNG) -> JSONValue {
        let containers = depth < maxDepth ? (depth == 0 ? 6 : 1.5) : 0
        return Rand.weighted(&rng, [
            (0.4, { _ in .null }),
            (0.6, { .bool(Rand.chance(0.5, &$0)) }),
            (2, { .number(randomInteger(&$0)) }),
            (2, { .double(randomDouble(&$0)) }),
            (2.5, { .string(randomString(&$0)) }),
            (containers, { rng in
                .array((0..<Rand.int(0...4, &rng)).map { _ in randomValue(depth: depth + 1, maxDepth: maxDepth, &rng) })
            }),
            (containers, { randomObject(depth: depth + 1, maxDepth: maxDepth, &$0) }),
        ])
    }

    static func randomObject(depth: Int, maxDepth: Int, _ rng: inout RNG) -> JSONValue {
        var members: [(String, JSONValue)] = []
        var seen = Set<[UInt8]>()  // keys are distinct as code points, not as Swift Characters
        for _ in 0..<Rand.int(0...5, &rng) {
            let key = Rand.chance(0.5, &rng) ? Rand.pick(commonKeys, &rng) : randomString(&rng, maxLength: 6)
            guard seen.insert(Array(key.utf8)).inserted else { continue }
            members.append((key, randomValue(depth: depth, maxDepth: maxDepth, &rng)))
        }
        return .object(members)
    }

    /// Keys that sort or compare awkwardly: prefixes, case, NUL, precomposed and decomposed "é"
    /// (distinct keys to JSON, equal Strings to Swift), BMP-end vs astral (UTF-16 order differs).
    static let commonKeys = ["id", "messages", "a", "b", "A", "aa", "a\u{0}", "", "\u{E9}", "e\u{301}",
                             "\u{1F600}", "\u{FFFF}", "\u{10FFFF}", "\"", "\\", "/", "\u{7F}", "hash"]

    /// Integers as JSON writes them: small, at the 64-bit edges, and far beyond them.
    static func randomInteger(_ rng: inout RNG) -> JSONNumber {
        let text: String = Rand.weighted(&rng, [
            (3, { String(Rand.int(-1000...1000, &$0)) }),
            (1, { rng in String(Int64(bitPattern: Rand.uint64(&rng))) }),
            (1, { Rand.pick(["0", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
                             "18446744073709551615", "18446744073709551616", "-18446744073709551617"], &$0) }),
            (1, { rng in
                let digits = (0..<Rand.int(19...80, &rng)).map { _ in String(Rand.int(0...9, &rng)) }.joined()
                let trimmed = String(digits.drop(while: { $0 == "0" }))
                return (Rand.chance(0.5, &rng) ? "-" : "") + (trimmed.isEmpty ? "1" : trimmed)
            }),
        ])
        // JSONNumber's public inits take Int or Double; go through the parser for big integers.
        let parsed = try! JSONValue.parse(text)
        guard case let .number(n) = parsed else { fatalError("not a number: \(text)") }
        return n
    }

    static let specialDoubles: [Double] = [
        0.0, -0.0, 0.1, 0.2, 0.3, 1.0, -1.0, 1e16, 1e15, 1e-5, 1e-4, 0.0001, 0.00001, 123456789012345678.0,
        1234567890123456.0, 9007199254740993.0, 1e22, 1e23, 5e-324, 1e-320, 2.2250738585072014e-308,
        2.225073858507201e-308, 1.7976931348623157e308, 1e308, 0.30000000000000004, 100.0, 1e21, 123.456,
        -2.5, 9999999999999998.0, 1.5e300, 4.35, 0.1 + 0.2,
    ]

    /// Doubles across every magnitude, plus the well-known awkward ones.
    static func randomDouble(_ rng: inout RNG) -> Double {
        let value: Double = Rand.weighted(&rng, [
            (1, { Rand.pick(specialDoubles, &$0) }),
            (2, { rng in  // a random mantissa at a random decimal exponent, 1e-320 ... 1e308
                let exponent = Rand.int(-320...308, &rng)
                let mantissa = Rand.double(1..<10, &rng)
                return Double("\(mantissa)e\(exponent)") ?? 0
            }),
            (1, { rng in  // a random finite bit pattern
                while true {
                    let d = Double(bitPattern: Rand.uint64(&rng))
                    if d.isFinite { return d }
                }
            }),
            (1, { rng in  // short decimals, as people write them
                let digits = Rand.int(1...17, &rng)
                let whole = Int64(Rand.uint64(0...UInt64(pow(10.0, Double(min(digits, 18)))), &rng))
                let scale = Rand.int(0...digits, &rng)
                return Double(whole) / pow(10.0, Double(scale))
            }),
            (1, { Double(Rand.int(-100_000...100_000, &$0)) }),
        ])
        guard value.isFinite else { return 0.5 }
        return Rand.chance(0.3, &rng) ? -value : value
    }

    /// Scalar pools: every kind of character canonical form, escaping and the sanitiser care about.
    static let scalarPools: [(Double, ClosedRange<UInt32>)] = [
        (6, 0x61...0x7A),          // a-z
        (2, 0x20...0x7E),          // printable ASCII, including " \ /
        (2, 0x00...0x1F),          // C0 controls
        (0.5, 0x7F...0x9F),        // DEL and C1
        (1, 0xA0...0x24F),         // Latin
        (1, 0x300...0x36F),        // combining marks
        (1, 0x4E00...0x9FFF),      // CJK
        (1, 0x1F300...0x1F64F),    // emoji
        (0.5, 0x2000...0x206F),    // general punctuation: zero-width, bidi, U+2028/9
        (0.3, 0xFE00...0xFFFF),    // variation selectors, BOM, specials, noncharacters
        (0.5, 0x10000...0x10FFFF), // anything astral
        (0.5, 0x0...0xFFFF),       // anything in the BMP (surrogates skipped)
    ]

    static func randomScalar(_ rng: inout RNG) -> Unicode.Scalar {
        Rand.weighted(&rng, scalarPools.map { pool in (pool.0, { Rand.scalar(in: pool.1, &$0) }) })
    }

    static func randomString(_ rng: inout RNG, maxLength: Int = 12) -> String {
        var scalars = String.UnicodeScalarView()
        for _ in 0..<Rand.int(0...maxLength, &rng) { scalars.append(randomScalar(&rng)) }
        return String(scalars)
    }
}

/// A value and the bytes it was written as.
struct WrittenJSON: Sendable, CustomTestStringConvertible {
    var value: JSONValue
    var text: [UInt8]
    var testDescription: String { text.utf8String }
}

extension JSONValue {
    /// Every leaf (null, bool, number, string, empty container), by path from the root.
    var leafPaths: [[PathStep]] {
        switch self {
        case .array(let items) where !items.isEmpty:
            return items.enumerated().flatMap { i, item in item.leafPaths.map { [.index(i)] + $0 } }
        case .object(let members) where !members.isEmpty:
            return members.enumerated().flatMap { i, member in member.1.leafPaths.map { [.member(i)] + $0 } }
        default:
            return [[]]
        }
    }

    enum PathStep { case index(Int), member(Int) }

    /// A copy with the leaf at `path` replaced by `transform` of it.
    func updating(_ path: ArraySlice<PathStep>, _ transform: (JSONValue) -> JSONValue) -> JSONValue {
        guard let step = path.first else { return transform(self) }
        switch (self, step) {
        case (.array(var items), .index(let i)):
            items[i] = items[i].updating(path.dropFirst(), transform)
            return .array(items)
        case (.object(var members), .member(let i)):
            members[i].1 = members[i].1.updating(path.dropFirst(), transform)
            return .object(members)
        default:
            fatalError("path does not fit the value")
        }
    }
}
