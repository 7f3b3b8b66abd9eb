import Foundation
@testable import WinnowCore

/// Writes a JSON value the way real files do, not the canonical way: random whitespace, members
/// in a random order, characters escaped that need not be (`\/`, `\u00e9`, surrogate pairs,
/// upper- or lowercase hex), floats in other notations that denote the same double, -0 for 0.
struct NoisyJSONWriter {
    /// Reorder object members (the canonical form must not care; `JSONValue` equality does).
    var shuffleMembers = true
    /// Allow newlines as whitespace (not in JSON Lines files).
    var newlines = false

    func write(_ value: JSONValue, _ rng: inout RNG) -> [UInt8] {
        var out = ""
        emit(value, into: &out, &rng)
        space(into: &out, &rng)
        return Array(out.utf8)
    }

    func space(into out: inout String, _ rng: inout RNG) {
        guard Rand.chance(0.3, &rng) else { return }
        let blanks = newlines ? [" ", "\t", "\r", "\n", "  "] : [" ", "\t", "\r", "  "]
        for _ in 0..<Rand.int(1...3, &rng) { out += Rand.pick(blanks, &rng) }
    }

    func emit(_ value: JSONValue, into out: inout String, _ rng: inout RNG) {
        space(into: &out, &rng)
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n): out += Self.noisyNumber(n.text, &rng)
        case .string(let s): out += Self.noisyString(s, &rng)
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                emit(item, into: &out, &rng)
                space(into: &out, &rng)
            }
            if items.isEmpty { space(into: &out, &rng) }
            out += "]"
        case .object(let members):
            out += "{"
            let ordered = shuffleMembers ? Rand.shuffled(members, &rng) : members
            for (i, member) in ordered.enumerated() {
                if i > 0 { out += "," }
                space(into: &out, &rng)
                out += Self.noisyString(member.0, &rng)
                space(into: &out, &rng)
                out += ":"
                emit(member.1, into: &out, &rng)
                space(into: &out, &rng)
            }
            if members.isEmpty { space(into: &out, &rng) }
            out += "}"
        }
    }

    static func hex4(_ unit: UInt32, _ rng: inout RNG) -> String {
        let text = String(unit, radix: 16).leftPadded(to: 4)
        return Rand.chance(0.5, &rng) ? text.uppercased() : text
    }

    static func uEscape(_ scalar: Unicode.Scalar, _ rng: inout RNG) -> String {
        if scalar.value < 0x10000 { return "\\u" + hex4(scalar.value, &rng) }
        let v = scalar.value - 0x10000
        return "\\u" + hex4(0xD800 + (v >> 10), &rng) + "\\u" + hex4(0xDC00 + (v & 0x3FF), &rng)
    }

    /// A string literal with every character written one of the ways JSON allows.
    static func noisyString(_ text: String, _ rng: inout RNG) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            let short: String? = switch scalar {
            case "\"": "\\\""
            case "\\": "\\\\"
            case "/": Rand.chance(0.5, &rng) ? "\\/" : "/"
            case "\u{08}": "\\b"
            case "\u{0C}": "\\f"
            case "\n": "\\n"
            case "\r": "\\r"
            case "\t": "\\t"
            default: nil
            }
            let mustEscape = scalar.value < 0x20 || scalar == "\"" || scalar == "\\"
            if Rand.chance(mustEscape ? 0.4 : 0.15, &rng) || (mustEscape && short == nil) {
                out += uEscape(scalar, &rng)
            } else if let short {
                out += short
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// Another lexeme for the same number: integers stay integers (0 may become -0); a float is
    /// rewritten from its decimal digits in fixed or exponent notation, with padding zeros, or
    /// with 17 significant digits, all of which denote the same double.
    static func noisyNumber(_ canonical: String, _ rng: inout RNG) -> String {
        let isFloat = canonical.contains(where: { $0 == "." || $0 == "e" })
        guard isFloat else {
            return canonical == "0" && Rand.chance(0.3, &rng) ? "-0" : canonical
        }
        let value = Double(canonical)!
        let negative = value.sign == .minus
        let sign = negative ? "-" : ""
        let (digits, exponent) = decimalDigits(abs(value))  // value = 0.d1d2... * 10^exponent
        let e = Rand.pick(["e", "E"], &rng)
        func expText(_ x: Int, _ rng: inout RNG) -> String {
            let body = String(abs(x)).leftPadded(to: Rand.int(1...3, &rng))
            return x < 0 ? "-" + body : (Rand.chance(0.5, &rng) ? "+" : "") + body
        }
        let padding = String(repeating: "0", count: Rand.int(0...3, &rng))
        switch Rand.int(0...6, &rng) {
        case 0, 1:
            return canonical
        case 2:  // d.ddd e x
            let frac = digits.dropFirst()
            return sign + String(digits.prefix(1)) + (frac.isEmpty && padding.isEmpty ? "" : "." + frac + padding)
                + e + expText(exponent - 1, &rng)
        case 3:  // ddd e x
            return sign + digits + e + expText(exponent - digits.count, &rng)
        case 4:  // 0.ddd e x
            return sign + "0." + digits + padding + e + expText(exponent, &rng)
        case 5:  // fixed notation, when it is not absurdly long
            guard exponent > -30 && exponent < 40 else { return canonical }
            if exponent <= 0 {
                return sign + "0." + String(repeating: "0", count: -exponent) + digits + padding
            }
            let whole = digits.count <= exponent
                ? digits + String(repeating: "0", count: exponent - digits.count) : String(digits.prefix(exponent))
            let frac = digits.count <= exponent ? "0" : String(digits.dropFirst(exponent))
            return sign + whole + "." + frac + padding
        default:  // 17 significant digits: not the shortest, but the same double
            let text = String(format: "%.17g", abs(value))
            return sign + text + (text.contains(where: { $0 == "." || $0 == "e" }) ? "" : ".0")
        }
    }

    /// Shortest round-trip digits and the exponent of 0.DIGITS (zero gives "0", exponent 1).
    static func decimalDigits(_ value: Double) -> (String, Int) {
        var text = Substring(value.description)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...])!
            text = text[..<e]
        }
        let dot = text.firstIndex(of: ".") ?? text.endIndex
        var digits = String(text[..<dot]) + (dot < text.endIndex ? String(text[text.index(after: dot)...]) : "")
        var point = text.distance(from: text.startIndex, to: dot) + exponent
        while digits.first == "0" { digits.removeFirst(); point -= 1 }
        while digits.last == "0" { digits.removeLast() }
        if digits.isEmpty { return ("0", 1) }
        return (digits, point)
    }
}
