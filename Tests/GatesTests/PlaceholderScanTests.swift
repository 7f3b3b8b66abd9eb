@testable import Gates
import TestSupport
import Testing

/// The placeholder scan skips eight bytes at a time to the next `{`, `<` or `[`; it must find
/// what trying every byte finds.
struct PlaceholderScanTests {
    /// Every byte tried in turn (the scan as it was).
    static func reference(_ text: String) -> [SchemaGate.Placeholder] {
        var found: [SchemaGate.Placeholder] = []
        var text = text
        text.withUTF8 { b in
            var i = 0
            while i < b.count {
                var hit: SchemaGate.Placeholder?
                switch b[i] {
                case UInt8(ascii: "{"): hit = SchemaGate.braces(b, at: i)
                case UInt8(ascii: "<"): hit = SchemaGate.delimited(b, at: i, close: UInt8(ascii: ">"), kind: "angle")
                case UInt8(ascii: "["): hit = SchemaGate.delimited(b, at: i, close: UInt8(ascii: "]"), kind: "brackets")
                default: break
                }
                if let hit {
                    found.append(hit)
                    i = hit.range.upperBound
                } else {
                    i += 1
                }
            }
            if !found.isEmpty {
                let code = SchemaGate.codeRanges(b)
                found.removeAll { p in code.contains { $0.overlaps(p.range) } }
            }
        }
        return found
    }

    /// Random texts of placeholders, their delimiters alone, code, and bytes a bit or two away
    /// from a delimiter ("û" ends in 0xBB, "ü" in 0xBC, "Û" in 0x9B; `{` is 0x7B, `<` 0x3C,
    /// `[` 0x5B), at every alignment.
    @Test func randomTextsScanAlike() {
        let pieces = ["{{name}}", "{{", "}}", "{", "<CUSTOMER_NAME>", "<", ">", "[Insert date]", "[TODO: link]", "[", "]",
                      "[text](url)", "`{{x}}`", "```\n{{code}}\n```\n", "a", "Z", " ", "\n", "û", "ü", "Û", ";", "[NAME]",
                      "<EOS>", "Vec<T>", "items[INDEX]", "ok", "日本"]
        var random = SplitMix64(0x91AC_E401)
        for _ in 0..<5000 {
            let text = (0..<Int(random.next() % 24)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined()
            #expect(SchemaGate.placeholders(in: text) == Self.reference(text), "\(text.debugDescription)")
        }
    }

    @Test(.enabled(if: TestRows.realDataPresent, "../shared/realdata is absent"))
    func realTextsScanAlike() throws {
        var found = 0
        for text in try TestRows.realTexts() {
            let fast = SchemaGate.placeholders(in: text)
            #expect(fast == Self.reference(text), "\(text.debugDescription)")
            found += fast.count
        }
        #expect(found > 0, "no placeholder in the real texts: the check would prove little")
    }
}
