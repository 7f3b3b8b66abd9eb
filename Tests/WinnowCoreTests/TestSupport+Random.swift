import Foundation
import PropertyBased
import Testing
@testable import WinnowCore

/// The random source property generators hand to their `run` closures.
typealias RNG = any SeededRandomNumberGenerator

/// Small random helpers shared by the generators (all draw from the property checker's seeded
/// generator, so a failing case is reproducible with the `.fixedSeed` the checker prints).
enum Rand {
    /// The existential generator boxed as a concrete `RandomNumberGenerator` for the standard
    /// library's `random(in:using:)`; its state is written back afterwards.
    struct Box: RandomNumberGenerator {
        var base: RNG
        mutating func next() -> UInt64 { base.next() }
    }

    static func using<T>(_ rng: inout RNG, _ body: (inout Box) -> T) -> T {
        var box = Box(base: rng)
        defer { rng = box.base }
        return body(&box)
    }

    static func int(_ range: ClosedRange<Int>, _ rng: inout RNG) -> Int {
        using(&rng) { Int.random(in: range, using: &$0) }
    }

    static func uint64(_ range: ClosedRange<UInt64>, _ rng: inout RNG) -> UInt64 {
        using(&rng) { UInt64.random(in: range, using: &$0) }
    }

    static func uint64(_ rng: inout RNG) -> UInt64 { rng.next() }

    /// The index of one of `weights`, chosen in proportion to them.
    static func weightedIndex(_ weights: [Double], _ rng: inout RNG) -> Int {
        var pick = double(0..<weights.reduce(0, +), &rng)
        for (i, weight) in weights.enumerated() {
            if pick < weight { return i }
            pick -= weight
        }
        return weights.count - 1
    }

    static func double(_ range: Range<Double>, _ rng: inout RNG) -> Double {
        using(&rng) { Double.random(in: range, using: &$0) }
    }

    static func chance(_ probability: Double, _ rng: inout RNG) -> Bool {
        double(0..<1, &rng) < probability
    }

    static func pick<T>(_ items: [T], _ rng: inout RNG) -> T {
        items[int(0...(items.count - 1), &rng)]
    }

    /// Picks one of several weighted alternatives and runs it.
    static func weighted<T>(_ rng: inout RNG, _ options: [(Double, (inout RNG) -> T)]) -> T {
        let total = options.reduce(0) { $0 + $1.0 }
        var pick = double(0..<total, &rng)
        for (weight, make) in options {
            if pick < weight { return make(&rng) }
            pick -= weight
        }
        return options[options.count - 1].1(&rng)
    }

    static func scalar(in range: ClosedRange<UInt32>, _ rng: inout RNG) -> Unicode.Scalar {
        while true {
            if let s = Unicode.Scalar(UInt32(uint64(UInt64(range.lowerBound)...UInt64(range.upperBound), &rng))) { return s }
        }
    }

    static func shuffled<T>(_ items: [T], _ rng: inout RNG) -> [T] {
        using(&rng) { items.shuffled(using: &$0) }
    }
}

/// A batch of values for a check that runs an external process once for all of them; its test
/// description stays short so a failure report is not thousands of lines long.
struct Batch<Element: Sendable>: Sendable, CustomTestStringConvertible {
    var items: [Element]
    var testDescription: String { "a batch of \(items.count) generated values" }
}

extension Generator where ShrinkSequence == Shrink.None<ResultValue> {
    /// `count` values of this generator as one batch.
    func batch(_ count: Int) -> Generator<Batch<ResultValue>, Shrink.None<Batch<ResultValue>>>
    where ResultValue: Sendable {
        Generator<Batch<ResultValue>, Shrink.None<Batch<ResultValue>>> { rng in
            var items: [ResultValue] = []
            items.reserveCapacity(count)
            for _ in 0..<count { items.append(self.run(using: &rng)) }
            return Batch(items: items)
        }
    }
}

extension JSONValue: CustomTestStringConvertible {
    public var testDescription: String { canonicalString }
}

/// Byte-level helpers for tests.
extension Array where Element == UInt8 {
    init(_ text: String) { self = Array(text.utf8) }
}

extension Array where Element == UInt8 {
    var utf8String: String { String(decoding: self, as: UTF8.self) }
}

/// Parses with the tape and writes the canonical form of the root, as import does.
func tapeCanonical(_ bytes: [UInt8], skippingKey: StaticString? = nil) throws -> [UInt8] {
    let tape = try JSONTape.parse(bytes)
    var out: [UInt8] = []
    try bytes.withUnsafeBufferPointer { source throws(CanonicalizationError) in
        try tape.writeCanonical(0, source: source, into: &out, skippingKey: skippingKey)
    }
    return out
}

/// The parse error for `bytes`, or nil when they parse.
func syntaxError(_ bytes: [UInt8]) -> JSONSyntaxError? {
    do {
        _ = try JSONTape.parse(bytes)
        return nil
    } catch {
        return error
    }
}

func syntaxError(_ text: String) -> JSONSyntaxError? { syntaxError(Array(text.utf8)) }
