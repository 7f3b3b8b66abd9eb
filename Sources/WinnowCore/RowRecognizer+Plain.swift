/// Shortcuts for the values most rows have, read from the bytes in place, each with the general
/// path it must agree with right beside it: the shortcut only answers when it is sure.
///
/// Why: recognising a row decoded its origin, role names and provenance texts into Strings
/// only to compare or trim them, and parsed numbers by way of a String and `strtod`.
extension RowRecognizer {
    /// "human" or "synthetic" written plainly (no escapes, lowercase); nil otherwise.
    static func plainOrigin(_ node: Int, _ view: RowView) -> Origin? {
        guard !view.tape.nodes[node].flag else { return nil }
        let raw = view.tape.rawBytes(node, source: view.source)
        if raw.equals("human") { return .human }
        if raw.equals("synthetic") { return .synthetic }
        return nil
    }

    /// The general reading: the decoded text as written or lowercased; never `.unknown`.
    static func spelledOrigin(_ node: Int, _ view: RowView) -> Origin? {
        let text = view.tape.decodeString(node, source: view.source)
        guard let origin = Origin(rawValue: text) ?? Origin(rawValue: text.lowercased()), origin != .unknown else { return nil }
        return origin
    }
}

extension JSONTape {
    /// A node's bytes in the source (strings without their quotes, escapes as written).
    @inline(__always)
    func rawBytes(_ index: Int, source: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        let node = nodes[index]
        return UnsafeBufferPointer(rebasing: source[Int(node.start)..<Int(node.end)])
    }

    /// True when a string node's text has nothing for `String.trimmingSpaces` to trim and is not
    /// empty, judged as that does: no escapes, first and last bytes printable ASCII.
    @inline(__always)
    func hasPlainEnds(_ index: Int, source: UnsafeBufferPointer<UInt8>) -> Bool {
        let node = nodes[index]
        guard !node.flag, node.end > node.start else { return false }
        let first = source[Int(node.start)], last = source[Int(node.end) - 1]
        return first > 0x20 && first < 0x80 && last > 0x20 && last < 0x80
    }

    /// `decodeString(index).trimmingSpaces`, skipping the trim when `hasPlainEnds`.
    func trimmedString(_ index: Int, source: UnsafeBufferPointer<UInt8>) -> String {
        let text = decodeString(index, source: source)
        return hasPlainEnds(index, source: source) ? text : text.trimmingSpaces
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// Byte-for-byte equal to `text`.
    @inline(__always)
    func equals(_ text: StaticString) -> Bool {
        text.withUTF8Buffer { compareBytes(self, $0) == 0 }
    }
}

/// Plain decimal numbers ("0.7", "-12", "2.25") read without `strtod`.
///
/// Why exact: with at most 2^53 as the digits' integer value and at most 22 digits after the
/// point, both the digits and the power of ten are exact doubles, and one IEEE division rounds
/// their quotient correctly, which is what `Double(String)` (a correctly rounding `strtod`)
/// returns as well. Anything else (exponents, more digits) answers nil for the general path.
enum FastDouble {
    static let powers: [Double] = (0...22).map { (0..<$0).reduce(1.0) { r, _ in r * 10 } }

    static func parse(_ lexeme: UnsafeBufferPointer<UInt8>) -> Double? {
        var i = 0
        let negative = lexeme.count > 0 && lexeme[0] == UInt8(ascii: "-")
        if negative { i = 1 }
        var digits: UInt64 = 0
        var digitCount = 0
        var fractionDigits = 0
        var seenPoint = false
        while i < lexeme.count {
            let b = lexeme[i]
            if b == UInt8(ascii: "."), !seenPoint {
                seenPoint = true
            } else if b &- UInt8(ascii: "0") < 10 {
                digitCount += 1
                guard digitCount <= 18 else { return nil }
                digits = digits &* 10 &+ UInt64(b &- UInt8(ascii: "0"))
                if seenPoint { fractionDigits += 1 }
            } else {
                return nil
            }
            i += 1
        }
        // The shape JSON allows: digits before the point, and after it when there is one.
        guard digitCount > fractionDigits, !seenPoint || fractionDigits > 0 else { return nil }
        guard digits <= 1 << 53, fractionDigits <= 22 else { return nil }
        let value = Double(digits) / powers[fractionDigits]
        return negative ? -value : value
    }
}
