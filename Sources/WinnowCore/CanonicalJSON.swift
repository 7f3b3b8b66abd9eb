/// The one canonical form winnow hashes: members sorted by key (Unicode code point order, which
/// is UTF-8 byte order), no insignificant whitespace, strings with only `"`, `\` and control
/// characters escaped (short forms where JSON has them, else `\u00xx`), non-ASCII kept as UTF-8,
/// integers as written (so no size limit), other numbers in Python `repr` style.
///
/// This is byte-for-byte what `json.dumps(row, sort_keys=True, separators=(",", ":"),
/// ensure_ascii=False)` prints, so anyone can recompute a row's content hash with three lines of
/// Python, and the benchmark's reference script agrees with winnow row by row.
public enum CanonicalJSON {
    /// Canonical bytes of a value built in memory.
    public static func bytes(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(value, into: &out)
        return out
    }

    public static func string(_ value: JSONValue) -> String {
        String(decoding: bytes(value), as: UTF8.self)
    }

    static func write(_ value: JSONValue, into out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let n): out.append(contentsOf: n.text.utf8)
        case .string(let s): writeString(s.utf8, into: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                write(item, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            // Most objects winnow writes are built in key order (payloads, verdict details):
            // checking that costs a comparison per member, where sorting copied every member
            // (a key and a value, retained and released) on the way to the same order. Members
            // with equal keys keep their order either way, as a stable sort keeps them.
            if inKeyOrder(members) {
                for i in members.indices { writeMember(members[i], first: i == 0, into: &out) }
            } else {
                let order = members.indices.sorted { a, b in
                    let order = compareUTF8(members[a].0, members[b].0)
                    return order == 0 ? a < b : order < 0
                }
                for (n, i) in order.enumerated() { writeMember(members[i], first: n == 0, into: &out) }
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func writeMember(_ member: (String, JSONValue), first: Bool, into out: inout [UInt8]) {
        if !first { out.append(UInt8(ascii: ",")) }
        writeString(member.0.utf8, into: &out)
        out.append(UInt8(ascii: ":"))
        write(member.1, into: &out)
    }

    /// Whether no member's key sorts before the one ahead of it.
    static func inKeyOrder(_ members: [(String, JSONValue)]) -> Bool {
        var i = 1
        while i < members.count {
            if compareUTF8(members[i - 1].0, members[i].0) > 0 { return false }
            i += 1
        }
        return true
    }

    static func compareUTF8(_ a: String, _ b: String) -> Int {
        var ia = a.utf8.makeIterator(), ib = b.utf8.makeIterator()
        while true {
            switch (ia.next(), ib.next()) {
            case (nil, nil): return 0
            case (nil, _): return -1
            case (_, nil): return 1
            case let (x?, y?): if x != y { return x < y ? -1 : 1 }
            }
        }
    }

    /// Writes decoded string content (UTF-8) with canonical escaping, quotes included. Public
    /// for writers that emit canonical JSON without building a `JSONValue` first (the mixer).
    @inlinable
    public static func writeString<S: Sequence<UInt8>>(_ utf8: S, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Contiguous text (native Strings, arrays) is copied in runs between the bytes that need
        // an escape, instead of byte by byte: most text has none.
        let copied: Void? = utf8.withContiguousStorageIfAvailable { buffer in
            var run = 0
            for i in 0..<buffer.count where needsEscape(buffer[i]) {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[run..<i]))
                writeEscape(buffer[i], into: &out)
                run = i + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[run...]))
        }
        if copied == nil {
            for b in utf8 {
                if needsEscape(b) { writeEscape(b, into: &out) } else { out.append(b) }
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    @inlinable @inline(__always)
    static func needsEscape(_ b: UInt8) -> Bool {
        b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\")
    }

    @inlinable
    static func writeEscape(_ b: UInt8, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\\"))
        switch b {
        case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
        case 0x0A: out.append(UInt8(ascii: "n"))
        case 0x0D: out.append(UInt8(ascii: "r"))
        case 0x09: out.append(UInt8(ascii: "t"))
        case 0x08: out.append(UInt8(ascii: "b"))
        case 0x0C: out.append(UInt8(ascii: "f"))
        default:
            out.append(contentsOf: "u00".utf8)
            out.append(hexDigits[Int(b >> 4)])
            out.append(hexDigits[Int(b & 0xF)])
        }
    }

    @usableFromInline static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// A double in Python `repr` style: shortest round-trip digits; fixed notation when the
    /// decimal exponent is in -4..<16 (always with a fractional part, "1.0"), else "1.5e-05".
    public static func formatDouble(_ value: Double) -> String {
        precondition(value.isFinite, "JSON has no non-finite numbers")
        // Swift's description already yields the shortest round-trip digits; only the layout
        // differs from Python's, so take the digits and exponent from it and lay them out again.
        var text = Substring(value.description)
        var sign = ""
        if text.hasPrefix("-") {
            sign = "-"
            text = text.dropFirst()
        }
        var exponentPart = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponentPart = Int(text[text.index(after: e)...]) ?? 0
            text = text[..<e]
        }
        let integerPart: Substring, fraction: Substring
        if let dot = text.firstIndex(of: ".") {
            integerPart = text[..<dot]
            fraction = text[text.index(after: dot)...]
        } else {
            integerPart = text
            fraction = ""
        }
        var digits = Array((integerPart + fraction).utf8)
        var pointPosition = integerPart.count
        while let first = digits.first, first == UInt8(ascii: "0") {
            digits.removeFirst()
            pointPosition -= 1
        }
        while let last = digits.last, last == UInt8(ascii: "0") { digits.removeLast() }
        if digits.isEmpty { return sign + "0.0" }
        let exponent = pointPosition - 1 + exponentPart
        let digitString = String(decoding: digits, as: UTF8.self)
        if exponent >= -4 && exponent < 16 {
            if exponent >= 0 {
                let whole = exponent + 1
                if digits.count <= whole {
                    return sign + digitString + String(repeating: "0", count: whole - digits.count) + ".0"
                }
                let cut = digitString.index(digitString.startIndex, offsetBy: whole)
                return sign + digitString[..<cut] + "." + digitString[cut...]
            }
            return sign + "0." + String(repeating: "0", count: -exponent - 1) + digitString
        }
        var mantissa = String(digitString.prefix(1))
        if digits.count > 1 { mantissa += "." + digitString.dropFirst() }
        let magnitude = String(abs(exponent)).leftPadded(to: 2)
        return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + magnitude
    }

    /// Canonical text of a JSON number lexeme (already validated by the parser), or nil when it
    /// is out of the range of a double (Python would turn it into Infinity, which is not JSON).
    public static func canonicalNumber(_ lexeme: UnsafeBufferPointer<UInt8>, isFloat: Bool) -> String? {
        if !isFloat {
            if lexeme.count == 2 && lexeme[0] == UInt8(ascii: "-") && lexeme[1] == UInt8(ascii: "0") {
                return "0"
            }
            return String(decoding: lexeme, as: UTF8.self)
        }
        if isAlreadyCanonicalFloat(lexeme) { return String(decoding: lexeme, as: UTF8.self) }
        guard let value = Double(String(decoding: lexeme, as: UTF8.self)), value.isFinite else {
            return nil
        }
        return formatDouble(value)
    }

    /// True for lexemes like "2.1" or "0.001" that Python would print unchanged: fixed notation,
    /// no trailing zero (except "x.0"), at most 15 significant digits (so the text is the
    /// shortest that round-trips), decimal exponent within Python's fixed-notation range.
    static func isAlreadyCanonicalFloat(_ lexeme: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        if lexeme.count > 0 && lexeme[0] == UInt8(ascii: "-") { i = 1 }
        let intStart = i
        while i < lexeme.count && lexeme[i] != UInt8(ascii: ".") {
            if lexeme[i] | 0x20 == UInt8(ascii: "e") { return false }
            i += 1
        }
        guard i < lexeme.count else { return false }
        let intDigits = i - intStart
        let fracStart = i + 1
        let fracDigits = lexeme.count - fracStart
        guard fracDigits > 0 else { return false }
        for j in fracStart..<lexeme.count where lexeme[j] | 0x20 == UInt8(ascii: "e") { return false }
        let integerIsZero = intDigits == 1 && lexeme[intStart] == UInt8(ascii: "0")
        if lexeme[lexeme.count - 1] == UInt8(ascii: "0") {
            // Only "N.0" keeps a trailing zero; 15 integer digits at most keeps it shortest.
            return fracDigits == 1 && intDigits <= 15
        }
        if integerIsZero {
            var zeros = 0
            while zeros < fracDigits && lexeme[fracStart + zeros] == UInt8(ascii: "0") { zeros += 1 }
            return zeros <= 3 && fracDigits - zeros <= 15
        }
        return intDigits + fracDigits <= 15 && intDigits <= 16
    }
}
