import Foundation
import PropertyBased
import Testing
@testable import WinnowCore

/// The import hot loop's shortcuts each have a general twin; on random input they must agree
/// with it exactly, and answer at all for the common cases they exist for.
@Suite struct RecognizerShortcutTests {
    /// JSON number lexemes: mostly short decimals like provenance has, some long, some with
    /// exponents or leading zero fractions.
    static let lexemes = Generator<String, Shrink.None<String>> { rng in
        var text = Rand.chance(0.3, &rng) ? "-" : ""
        let digits = { (n: Int, rng: inout RNG) in String((0..<n).map { _ in Character(String(Rand.int(0...9, &rng))) }) }
        let whole = Rand.chance(0.3, &rng) ? "0" : String(Rand.int(1...9, &rng)) + digits(Rand.int(0...Rand.pick([2, 8, 19], &rng), &rng), &rng)
        text += whole
        if Rand.chance(0.8, &rng) { text += "." + digits(Rand.int(1...Rand.pick([3, 12, 25], &rng), &rng), &rng) }
        if Rand.chance(0.1, &rng) { text += "e" + String(Rand.int(-30...30, &rng)) }
        return text
    }

    @Test("plain decimals read without strtod equal Double(String), bit for bit")
    func fastDoubleAgrees() async {
        await propertyCheck(count: 20000, input: Self.lexemes) { text in
            let fast = Array(text.utf8).withUnsafeBufferPointer { FastDouble.parse($0) }
            if let fast { #expect(fast.bitPattern == Double(text)!.bitPattern, "\(text)") }
        }
        for text in ["0.7", "1.0", "-0", "-0.0", "2.1", "9.99", "0", "123", "0.000001", "9007199254740992"] {
            let fast = Array(text.utf8).withUnsafeBufferPointer { FastDouble.parse($0) }
            #expect(fast?.bitPattern == Double(text)!.bitPattern, "\(text)")
        }
        for text in ["1e3", "9007199254740993", "1.5e308", "0.0000000000000000000001", "-", "1.", ".5", ""] {
            #expect(Array(text.utf8).withUnsafeBufferPointer { FastDouble.parse($0) } == nil, "\(text)")
        }
    }

    @Test("trimmedString equals decodeString(...).trimmingSpaces on strings with escapes, spaces and non-ASCII")
    func trimmedStringAgrees() async {
        await propertyCheck(count: 3000, input: JSONStringScanTests.bytes) { body in
            let text = [UInt8]("[\"") + body + [UInt8]("\"]")
            guard let tape = try? JSONTape.parse(text), tape.nodes.count == 2 else { return }
            text.withUnsafeBufferPointer { source in
                #expect(tape.trimmedString(1, source: source) == tape.decodeString(1, source: source).trimmingSpaces, "\(body)")
                if tape.hasPlainEnds(1, source: source) {
                    let decoded = tape.decodeString(1, source: source)
                    #expect(decoded.trimmingSpaces == decoded && !decoded.isEmpty, "\(body)")
                }
            }
        }
        for padded in ["\" x\"", "\"x\\n\"", "\"\u{A0}x\"", "\"x\u{2028}\"", "\"\"", "\"\\u0020x\""] {
            let text = [UInt8]("[" + padded + "]")
            let tape = try! JSONTape.parse(text)
            text.withUnsafeBufferPointer { #expect(!tape.hasPlainEnds(1, source: $0), "\(padded)") }
        }
    }

    @Test("origins read in place agree with the decoded reading")
    func plainOriginAgrees() throws {
        for spelled in ["human", "synthetic", "Human", "SYNTHETIC", "hum\\u0061n", "unknown", "robot", " human", ""] {
            let text = [UInt8]("[\"\(spelled)\"]")
            let tape = try JSONTape.parse(text)
            text.withUnsafeBufferPointer { source in
                withUnsafeTemporaryAllocation(of: Int32.self, capacity: 1) { found in
                    let view = RowView(tape: tape, source: source, found: UnsafeBufferPointer(found))
                    let plain = RowRecognizer.plainOrigin(1, view)
                    if let plain { #expect(plain == RowRecognizer.spelledOrigin(1, view), "\(spelled)") }
                    #expect((plain != nil) == (spelled == "human" || spelled == "synthetic"), "\(spelled)")
                }
            }
        }
    }
}
