import Foundation
import PropertyBased
import Testing
@testable import WinnowCore

/// winnow's canonical form is defined as Python's
/// `json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`; these tests ask
/// python3 itself, on thousands of generated values written the untidy way real files are.
@Suite(.enabled(if: Python.isAvailable, "python3 is not on PATH: the Python cross-checks cannot run"))
struct CanonicalFormPythonTests {
    /// Collects mismatches and reports the first few, instead of thousands of failures.
    struct Mismatches {
        var count = 0
        var examples: [String] = []
        mutating func record(_ text: @autoclosure () -> String) {
            count += 1
            if examples.count < 5 { examples.append(text()) }
        }
        func check(of total: Int, _ what: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
            #expect(count == 0, "\(count) of \(total) \(what) differ:\n\(examples.joined(separator: "\n"))",
                    sourceLocation: sourceLocation)
        }
    }

    @Test("tape and JSONValue canonical form equal Python's json.dumps, byte for byte")
    func canonicalFormMatchesPython() async throws {
        let writer = NoisyJSONWriter(shuffleMembers: true, newlines: false)
        let samples = JSONGen.written(JSONGen.value(maxDepth: 4), by: writer).batch(3000)
        try await propertyCheck(count: 1, input: samples) { batch in
            let lines = batch.items.map(\.text)
            let python = try Python.run(Python.canonicalScript, lines: lines)
            try #require(python.count == lines.count, "python printed \(python.count) lines for \(lines.count)")
            var tape = Mismatches(), value = Mismatches(), generated = Mismatches()
            for (sample, expected) in zip(batch.items, python) {
                let input = sample.text.utf8String
                do {
                    let fromTape = try tapeCanonical(sample.text)
                    if fromTape != expected {
                        tape.record("in:  \(input)\npy:  \(expected.utf8String)\nout: \(fromTape.utf8String)")
                    }
                } catch {
                    tape.record("in:  \(input)\nthrew \(error)")
                }
                do {
                    let fromValue = try JSONValue.parse(sample.text).canonicalString
                    if Array(fromValue.utf8) != expected {
                        value.record("in:  \(input)\npy:  \(expected.utf8String)\nout: \(fromValue)")
                    }
                } catch {
                    value.record("in:  \(input)\nthrew \(error)")
                }
                if sample.value.canonicalBytes != expected {
                    generated.record("py:  \(expected.utf8String)\nout: \(sample.value.canonicalString)")
                }
            }
            tape.check(of: lines.count, "JSONTape.writeCanonical outputs")
            value.check(of: lines.count, "JSONValue.parse(...).canonicalString outputs")
            generated.check(of: lines.count, "canonical forms of the generated JSONValues")
        }
    }

    /// Hand-picked lines whose canonical form is easy to get subtly wrong.
    static let trickyLines = [
        #"{"b":1,"a":[1E2,-0,0.10,-0.0,1e-7,1e16,1e15,123456789012345678.0,1.5e300]}"#,
        #"{"\u00e9":1,"e\u0301":2,"z":3,"Z":4,"\uffff":5,"\ud83d\ude00":6,"":7}"#,
        #"["\u0000\u001f\u007f\u0080\u2028\u2029\ufeff","\/\"\\\b\f\n\r\t"]"#,
        #"[1e-400,-1e-400,2.2250738585072011e-308,4.9406564584124654e-324,9007199254740993]"#,
        #"[0.1e1,100e-2,0.000001,1234567890123456789012345678901234567890,-0e5]"#,
        #"{"a":{"c":{},"b":[]},"A":[{"y":null,"x":true}]}"#,
    ]

    @Test func trickyLinesMatchPython() throws {
        let lines = Self.trickyLines.map { Array($0.utf8) }
        let python = try Python.run(Python.canonicalScript, lines: lines)
        try #require(python.count == lines.count)
        for (line, expected) in zip(lines, python) {
            #expect(try tapeCanonical(line).utf8String == expected.utf8String)
            #expect(try JSONValue.parse(line).canonicalString == expected.utf8String)
        }
    }

    static let doubleGenerator = Generator<Double, Shrink.None<Double>> { rng in
        Rand.weighted(&rng, [
            (2, { rng in  // any finite bit pattern: mostly huge or tiny magnitudes
                while true {
                    let d = Double(bitPattern: Rand.uint64(&rng))
                    if d.isFinite { return d }
                }
            }),
            (2, { JSONGen.randomDouble(&$0) }),
            (1, { rng in  // around the fixed/exponent switch points 1e-4 and 1e16
                let base = Rand.pick([1e-5, 1e-4, 1e15, 1e16, 1e17], &rng)
                return base * Rand.double(0.5..<20, &rng)
            }),
            (1, { rng in  // subnormals
                Double(bitPattern: Rand.uint64(1...0x000F_FFFF_FFFF_FFFF, &rng))
            }),
        ])
    }

    @Test("formatDouble matches Python repr(float)")
    func formatDoubleMatchesPythonRepr() async throws {
        try await propertyCheck(count: 1, input: Self.doubleGenerator.batch(4000)) { batch in
            let doubles = batch.items + JSONGen.specialDoubles
            let lines = doubles.map { Array(String($0.bitPattern, radix: 16).leftPadded(to: 16).utf8) }
            let python = try Python.run(Python.reprScript, lines: lines)
            try #require(python.count == lines.count)
            var mismatches = Mismatches()
            for (d, expected) in zip(doubles, python) where CanonicalJSON.formatDouble(d) != expected.utf8String {
                mismatches.record("\(d.bitPattern): repr \(expected.utf8String), formatDouble \(CanonicalJSON.formatDouble(d))")
            }
            mismatches.check(of: doubles.count, "doubles")
        }
    }
}
