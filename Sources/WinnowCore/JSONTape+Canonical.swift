import Foundation

/// Why a parsed row cannot be put in canonical form.
public enum CanonicalizationError: Error, Sendable, Equatable {
    case duplicateKey(String)
    case numberOutOfRange(String)

    public var reason: String {
        switch self {
        case .duplicateKey(let key):
            return "duplicate member \"\(key)\" (parsers disagree on which one wins)"
        case .numberOutOfRange(let text):
            return "number \(text) is out of range for a 64-bit float"
        }
    }
}

extension JSONTape {
    /// The decoded text of a string node.
    public func decodeString(_ index: Int, source: UnsafeBufferPointer<UInt8>) -> String {
        let node = nodes[index]
        let raw = UnsafeBufferPointer(rebasing: source[Int(node.start)..<Int(node.end)])
        if !node.flag { return String(decoding: raw, as: UTF8.self) }
        return String(decoding: JSONTape.unescape(raw), as: UTF8.self)
    }

    /// Decodes the escapes of a validated string body into UTF-8 bytes.
    static func unescape(_ raw: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = 0
        func hex4(_ at: Int) -> UInt32 {
            var v: UInt32 = 0
            for k in 0..<4 { v = v << 4 | (hexValue(raw[at + k]) ?? 0) }
            return v
        }
        while i < raw.count {
            let b = raw[i]
            guard b == UInt8(ascii: "\\") else {
                out.append(b)
                i += 1
                continue
            }
            let e = raw[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "u"):
                var scalar = hex4(i)
                i += 4
                if scalar >= 0xD800 && scalar < 0xDC00 {
                    let low = hex4(i + 2)
                    i += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                UTF8.encode(Unicode.Scalar(scalar) ?? "\u{FFFD}") { out.append($0) }
            default: out.append(e)  // \" \\ \/
            }
        }
        return out
    }

    /// The value at `index` as a `JSONValue` (numbers canonicalised).
    public func value(_ index: Int, source: UnsafeBufferPointer<UInt8>) throws(CanonicalizationError) -> JSONValue {
        let node = nodes[index]
        switch node.kind {
        case .null: return .null
        case .true: return .bool(true)
        case .false: return .bool(false)
        case .number:
            let lexeme = UnsafeBufferPointer(rebasing: source[Int(node.start)..<Int(node.end)])
            guard let text = CanonicalJSON.canonicalNumber(lexeme, isFloat: node.flag) else {
                throw .numberOutOfRange(String(decoding: lexeme, as: UTF8.self))
            }
            return .number(JSONNumber(canonicalText: text))
        case .string: return .string(decodeString(index, source: source))
        case .array:
            var items: [JSONValue] = []
            for child in elements(index) { items.append(try value(child, source: source)) }
            return .array(items)
        case .object:
            var result: [(String, JSONValue)] = []
            // Names compared as code points (UTF-8 bytes), as writeCanonical and Python do; a
            // Set<String> would call precomposed "é" and "e\u0301" the same member.
            var seen = Set<[UInt8]>()
            for (key, child) in members(index) {
                let name = decodeString(key, source: source)
                guard seen.insert(Array(name.utf8)).inserted else { throw .duplicateKey(name) }
                result.append((name, try value(child, source: source)))
            }
            return .object(result)
        }
    }
}

@inline(__always)
func compareBytes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
    let n = min(a.count, b.count)
    if n > 0, let pa = a.baseAddress, let pb = b.baseAddress {
        let r = memcmp(pa, pb, n)
        if r != 0 { return r < 0 ? -1 : 1 }
    }
    return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
}
