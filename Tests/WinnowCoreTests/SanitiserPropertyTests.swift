import PropertyBased
import Testing
@testable import WinnowCore

/// Whatever goes in, nothing that can act on a terminal or hide itself comes out.
@Suite struct SanitiserPropertyTests {
    /// Scalars no sanitised text may contain; listed here independently of the sanitiser's own table.
    static func isForbidden(_ v: UInt32, mode: Sanitiser.Mode) -> Bool {
        if v == 0x0A { return mode == .singleLine }
        switch v {
        case 0x00...0x1F, 0x7F...0x9F,            // C0 (tab included), DEL, C1
             0x00AD, 0x061C,                       // soft hyphen, Arabic letter mark
             0x200B...0x200F,                      // zero width, LRM, RLM
             0x2028, 0x2029,                       // line and paragraph separators
             0x202A...0x202E,                      // bidi embeddings and overrides
             0x2060...0x2069,                      // word joiner, invisible operators, isolates
             0xFEFF,                               // BOM / zero-width no-break space
             0xE0000...0xE007F:                    // tag characters
            return true
        default:
            return false
        }
    }

    static let escapeSequences = [
        "\u{1B}[2J", "\u{1B}[31m", "\u{1B}]52;c;aGVsbG8=\u{07}", "\u{1B}]8;;https://x.example\u{1B}\\",
        "\u{1B}P1$qm\u{1B}\\", "\u{1B}]0;pwned\u{07}", "\u{9B}6n", "\u{1B}c",
    ]

    static let bidiControls: [UInt32] = [0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069,
                                         0x200E, 0x200F, 0x061C]
    static let invisibles: [UInt32] = [0x200B, 0x200C, 0x200D, 0xFEFF, 0x2060, 0x2061, 0x2064, 0x00AD, 0x2028, 0x2029]

    /// Text where joiners and tags belong, to be cut up and mixed with the rest.
    static let joined = ["👨\u{200D}👩\u{200D}👧", "🏃🏽\u{200D}♀️", "क्\u{200D}ष", "می\u{200C}خوا", "\u{200D}", "\u{200C}",
                         "🏴\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}", "🏴\u{E0067}\u{E0062}", "\u{E007F}"]

    /// Text biased towards everything dangerous, mixed with ordinary letters of many scripts.
    static func hostileText(_ rng: inout RNG) -> String {
        var out = String.UnicodeScalarView()
        for _ in 0..<Rand.int(0...24, &rng) {
            switch Rand.weightedIndex([4, 2, 1, 1, 1, 1, 1, 2, 1, 2], &rng) {
            case 0: out.append(Rand.scalar(in: 0x20...0x7E, &rng))
            case 1: out.append(Rand.scalar(in: 0x00...0x1F, &rng))
            case 2: out.append(contentsOf: Rand.pick(escapeSequences, &rng).unicodeScalars)
            case 3: out.append(Rand.scalar(in: 0x7F...0x9F, &rng))
            case 4: out.append(Unicode.Scalar(Rand.pick(bidiControls, &rng))!)
            case 5: out.append(Unicode.Scalar(Rand.pick(invisibles, &rng))!)
            case 6: out.append(Rand.scalar(in: 0xE0000...0xE007F, &rng))
            case 7: out.append(printableScalar(&rng))
            case 8: out.append(Rand.scalar(in: 0...0x10FFFF, &rng))
            default: out.append(contentsOf: Rand.pick(joined, &rng).unicodeScalars)
            }
        }
        return String(out)
    }

    /// Scalars that are plainly visible: letters of many scripts, CJK, emoji, combining marks.
    static func printableScalar(_ rng: inout RNG) -> Unicode.Scalar {
        Rand.pick([0x20...0x7E, 0xC0...0x24F, 0x391...0x3C9, 0x410...0x44F, 0x905...0x939, 0x4E00...0x9FFF,
                   0xAC00...0xD7A3, 0x1F300...0x1F5FF, 0x300...0x34E, 0x350...0x36F, 0x3041...0x3096] as [ClosedRange<UInt32>],
                  &rng).randomScalar(&rng)
    }

    static let hostile = Generator<String, Shrink.None<String>> { rng in hostileText(&rng) }

    static let printable = Generator<String, Shrink.None<String>> { rng in
        var out = String.UnicodeScalarView()
        for _ in 0..<Rand.int(0...30, &rng) { out.append(printableScalar(&rng)) }
        return String(out)
    }

    /// Byte strings: hostile text in UTF-8 cut up and mixed with invalid sequences.
    static let hostileBytes = Generator<[UInt8], Shrink.None<[UInt8]>> { rng in
        var out: [UInt8] = []
        for _ in 0..<Rand.int(0...10, &rng) {
            let chunk: [UInt8] = Rand.weighted(&rng, [
                (3, { Array(hostileText(&$0).utf8) }),
                (1, { [UInt8(Rand.int(0x80...0xFF, &$0))] }),
                (1, { Rand.pick([[0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF],
                                 [0xF4, 0x90, 0x80, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xE2, 0x82], [0xF0, 0x9F, 0x98],
                                 [0xC3], [0xC2, 0x9B], [0xEF, 0xBB, 0xBF]], &$0) }),
                (1, { rng in (0..<Rand.int(1...6, &rng)).map { _ in UInt8(Rand.int(0...0xFF, &rng)) } }),
            ])
            out.append(contentsOf: chunk)
        }
        return out
    }

    /// The one way an invisible character may survive, stated independently of the sanitiser:
    /// a joiner (ZWJ/ZWNJ) with a visible, non-ASCII, non-space character on each side (an emoji
    /// sequence, a conjunct, a Persian word) or after a nonspacing mark (a virama), or the tags of 🏴 + an RGI subdivision (England,
    /// Scotland, Wales) + U+E007F. Never at an edge, never next to ASCII or another invisible.
    static func isAllowedInContext(_ scalars: [Unicode.Scalar], at i: Int, mode: Sanitiser.Mode) -> Bool {
        let v = scalars[i].value
        if v == 0x200C || v == 0x200D {
            let visible = { (n: Unicode.Scalar) in n.value >= 0x80 && !isForbidden(n.value, mode: mode) && !n.properties.isWhitespace }
            guard i > 0, visible(scalars[i - 1]) else { return false }
            // At a word's end only after a virama (a nonspacing mark).
            if scalars[i - 1].properties.generalCategory == .nonspacingMark && (i + 1 == scalars.count || !visible(scalars[i + 1])) {
                return true
            }
            return i + 1 < scalars.count && visible(scalars[i + 1])
        }
        guard (0xE0020...0xE007F).contains(v) else { return false }
        let flags = ["gbeng", "gbsct", "gbwls"].map { code in
            [0x1F3F4] + code.unicodeScalars.map { $0.value + 0xE0000 } + [0xE007F]
        }
        return (max(0, i - 6)..<i).contains { start in
            flags.contains { flag in
                start + flag.count <= scalars.count && scalars[start..<(start + flag.count)].map(\.value) == flag
            }
        }
    }

    static func assertSafe(_ output: String, mode: Sanitiser.Mode, input: String,
                           sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let scalars = Array(output.unicodeScalars)
        let bad = scalars.indices.filter { isForbidden(scalars[$0].value, mode: mode) && !isAllowedInContext(scalars, at: $0, mode: mode) }
            .map { scalars[$0] }
        #expect(bad.isEmpty, "left \(bad.map { String($0.value, radix: 16) }) in output of \(input.debugDescription)",
                sourceLocation: sourceLocation)
    }

    @Test("no dangerous scalar survives, in either mode")
    func outputIsSafe() async {
        await propertyCheck(count: 1000, input: Self.hostile) { text in
            Self.assertSafe(Sanitiser.clean(text), mode: .singleLine, input: text)
            Self.assertSafe(Sanitiser.clean(text, mode: .multiLine), mode: .multiLine, input: text)
            let newlines = text.unicodeScalars.filter { $0 == "\n" }.count
            #expect(Sanitiser.clean(text, mode: .multiLine).unicodeScalars.filter { $0 == "\n" }.count == newlines)
        }
    }

    @Test("byte input: invalid UTF-8 is shown, the rest is cleaned like text")
    func byteOutputIsSafe() async {
        await propertyCheck(count: 1000, input: Self.hostileBytes) { bytes in
            for mode in [Sanitiser.Mode.singleLine, .multiLine] {
                let output = Sanitiser.clean(bytes: bytes, mode: mode)
                Self.assertSafe(output, mode: mode, input: bytes.map { String($0, radix: 16) }.joined(separator: " "))
                #expect(String(validating: Array(output.utf8), as: UTF8.self) != nil)
                #expect(output == Self.referenceClean(bytes, mode: mode))
            }
        }
    }

    /// An independent byte cleaner: Swift's own UTF-8 validation decides what is a scalar; each
    /// run of valid scalars is cleaned as text (joiners keep their context within a run).
    static func referenceClean(_ bytes: [UInt8], mode: Sanitiser.Mode) -> String {
        var out = "", i = 0
        var run = String.UnicodeScalarView()
        scan: while i < bytes.count {
            for length in 1...4 where i + length <= bytes.count {
                if let text = String(validating: bytes[i..<(i + length)], as: UTF8.self), text.unicodeScalars.count == 1 {
                    run.append(contentsOf: text.unicodeScalars)
                    i += length
                    continue scan
                }
            }
            out += Sanitiser.clean(String(run), mode: mode)
            run = String.UnicodeScalarView()
            out += "\\x" + String(bytes[i], radix: 16, uppercase: true).leftPadded(to: 2)
            i += 1
        }
        return out + Sanitiser.clean(String(run), mode: mode)
    }

    @Test("valid UTF-8 bytes clean exactly like the same text")
    func bytesAndTextAgree() async {
        await propertyCheck(count: 500, input: Self.hostile) { text in
            #expect(Sanitiser.clean(bytes: Array(text.utf8)) == Sanitiser.clean(text))
            #expect(Sanitiser.clean(bytes: Array(text.utf8), mode: .multiLine) == Sanitiser.clean(text, mode: .multiLine))
        }
    }

    @Test("printable text passes unchanged")
    func printablePassesUnchanged() async {
        await propertyCheck(count: 1000, input: Self.printable) { text in
            #expect(Sanitiser.clean(text).unicodeScalars.elementsEqual(text.unicodeScalars))
            #expect(Sanitiser.clean(text, mode: .multiLine).unicodeScalars.elementsEqual(text.unicodeScalars))
            #expect(Sanitiser.isClean(text))
        }
    }

    @Test("cleaning is idempotent and isClean(x) == (clean(x) == x)")
    func idempotentAndConsistent() async {
        await propertyCheck(count: 1000, input: Self.hostile) { text in
            for mode in [Sanitiser.Mode.singleLine, .multiLine] {
                let once = Sanitiser.clean(text, mode: mode)
                #expect(Sanitiser.clean(once, mode: mode).unicodeScalars.elementsEqual(once.unicodeScalars))
                #expect(Sanitiser.isClean(once, mode: mode))
                #expect(Sanitiser.isClean(text, mode: mode) == (once == text))
                #expect(Sanitiser.isClean(text, mode: mode) == once.unicodeScalars.elementsEqual(text.unicodeScalars))
            }
        }
    }
}

extension ClosedRange where Bound == UInt32 {
    func randomScalar(_ rng: inout RNG) -> Unicode.Scalar { Rand.scalar(in: self, &rng) }
}
