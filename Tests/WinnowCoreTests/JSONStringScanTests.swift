import PropertyBased
import Testing
@testable import WinnowCore

/// The word-at-a-time string scan must find exactly the byte the byte-at-a-time loop would
/// stop at, wherever the string starts relative to an 8-byte boundary, and the parser built on
/// it must accept and refuse strings exactly as the byte loop did.
@Suite struct JSONStringScanTests {
    /// Bytes biased towards everything the scan must stop at, mixed with plain ASCII runs.
    static let bytes = Generator<[UInt8], Shrink.None<[UInt8]>> { rng in
        var out: [UInt8] = []
        for _ in 0..<Rand.int(0...12, &rng) {
            let chunk: [UInt8] = Rand.weighted(&rng, [
                (4, { rng in (0..<Rand.int(0...20, &rng)).map { _ in UInt8(Rand.int(0x20...0x7E, &rng)) } }),
                (1, { _ in [UInt8(ascii: "\"")] }),
                (1, { rng in [UInt8(ascii: "\\"), Rand.pick(Array("\"\\/bfnrtux0".utf8), &rng)] }),
                (1, { rng in [UInt8(Rand.int(0x00...0x1F, &rng))] }),
                (1, { rng in [UInt8(Rand.int(0x80...0xFF, &rng))] }),
                (1, { rng in Rand.pick([Array("é".utf8), Array("€".utf8), Array("😀".utf8), [0xC0, 0x80], [0xED, 0xA0, 0x80],
                                        [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x7F], [0x21, 0x23, 0x5B, 0x5D]], &rng) }),
            ])
            out += chunk
        }
        return out
    }

    @Test("the word scan stops where the byte scan stops, from every start at every alignment")
    func agreesWithByteScan() async {
        await propertyCheck(count: 1000, input: Self.bytes) { body in
            for shift in 0..<8 {
                let buffer = [UInt8](repeating: 0x61, count: shift) + body
                buffer.withUnsafeBufferPointer { all in
                    for from in shift...all.count {
                        let fast = JSONStringScan.firstStop(in: all, from: from)
                        let slow = JSONStringScan.firstStopByByte(in: all, from: from)
                        #expect(fast == slow, "from \(from) in \(buffer)")
                    }
                }
            }
        }
    }

    @Test("every single stop byte is found in every lane of a word")
    func everyLane() {
        for byte in 0...255 {
            let b = UInt8(byte)
            for lane in 0..<16 {
                var buffer = [UInt8](repeating: UInt8(ascii: "a"), count: 16)
                buffer[lane] = b
                let found = buffer.withUnsafeBufferPointer { JSONStringScan.firstStop(in: $0, from: 0) }
                #expect(found == (JSONStringScan.isStop(b) ? lane : 16), "byte \(byte) in lane \(lane)")
            }
        }
    }

    @Test("string values parse (or fail, at the same offset) as the byte loop decides, at every alignment")
    func parseAgreesWithReference() async {
        await propertyCheck(count: 1000, input: Self.bytes) { body in
            let expected = Self.referenceStringEnd(body)
            for shift in 0..<8 {
                let text = [UInt8](repeating: 0x20, count: shift) + [UInt8(ascii: "[")] + [UInt8(ascii: "\"")] + body
                    + [UInt8(ascii: "\""), UInt8(ascii: "]")]
                switch (Result { () throws(JSONSyntaxError) in try JSONTape.parse(text) }, expected) {
                case (.success(let tape), .end(let end, let escaped)):
                    // The first string ends where the reference says (an inner quote may close it
                    // early and what follows still parse, as in `a", "b`).
                    #expect(tape.nodes[1].kind == .string && tape.nodes[1].flag == escaped, "\(body)")
                    #expect(Int(tape.nodes[1].end) == shift + 2 + end, "\(body)")
                case (.failure(let error), .end(let end, _)):
                    // The string closed early at an inner quote; what follows it is what failed.
                    #expect(end < body.count && error.offset > shift + 2 + end, "\(body): \(error)")
                case (.failure(let error), .invalid(let offset)):
                    #expect(error.offset == shift + 2 + offset, "\(body): \(error)")
                case (.success, .invalid(let offset)):
                    Issue.record("accepted \(body), the reference refuses it at \(offset)")
                }
            }
        }
    }

    enum Reference { case end(Int, escaped: Bool), invalid(Int) }

    /// The string loop as it was, one byte at a time: where the body's string ends (its closing
    /// quote), or the offset of the first thing that makes it invalid.
    static func referenceStringEnd(_ body: [UInt8]) -> Reference {
        let all = body + [UInt8(ascii: "\"")]
        var i = 0
        var escaped = false
        while true {
            // Past the end: the body's last backslash escaped our closing quote, and the parser
            // reports the unterminated string at its opening quote (one before the body).
            guard i < all.count else { return .invalid(-1) }
            let b = all[i]
            if b == UInt8(ascii: "\"") { return .end(i, escaped: escaped) }
            if b == UInt8(ascii: "\\") {
                escaped = true
                guard i + 1 < all.count else { return .invalid(i) }
                let e = all[i + 1]
                if Array("\"\\/bfnrt".utf8).contains(e) { i += 2; continue }
                guard e == UInt8(ascii: "u"), i + 6 <= all.count,
                      let unit = UInt32(String(decoding: all[(i + 2)..<(i + 6)], as: UTF8.self), radix: 16),
                      all[(i + 2)..<(i + 6)].allSatisfy({ $0 != UInt8(ascii: "+") && $0 != UInt8(ascii: "-") }),
                      !(0xD800..<0xE000).contains(unit) else { return .invalid(i) }
                i += 6
            } else if b < 0x20 {
                return .invalid(i)
            } else if b < 0x80 {
                i += 1
            } else {
                // One scalar, validated by Swift's own decoder.
                let length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2
                guard i + length <= body.count, String(validating: all[i..<(i + length)], as: UTF8.self) != nil
                else { return .invalid(i) }
                i += length
            }
        }
    }
}
