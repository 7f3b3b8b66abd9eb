/// A flat, allocation-light parse of one JSON text: one node per value, in document order.
///
/// Import parses a million rows a second or so; building a tree of Swift strings per row would
/// cost more than everything else together. The tape records where each value sits in the input
/// bytes, so canonical output can copy unescaped strings straight through and only the few
/// fields import needs (id, provenance, content checks) are ever decoded into `String`s.
public struct JSONTape: Sendable {
    public enum Kind: UInt8, Sendable {
        case null, `false`, `true`, number, string, array, object
    }

    public struct Node: Sendable {
        public var kind: Kind
        /// Strings: the text contains a backslash escape. Numbers: it has a fraction or exponent.
        public var flag: Bool
        /// Byte range in the input: strings exclude their quotes; containers span their brackets.
        public var start: Int32
        public var end: Int32
        /// Index of the first node after this value's subtree.
        public var next: Int32
        /// Arrays: element count. Objects: member count (each member is a key node then a value).
        public var count: Int32
    }

    public internal(set) var nodes: [Node] = []

    public init() {}

    public var isEmpty: Bool { nodes.isEmpty }

    public func kind(_ index: Int) -> Kind { nodes[index].kind }

    /// Indices of an array's elements.
    public func elements(_ index: Int) -> [Int] {
        let node = nodes[index]
        guard node.kind == .array else { return [] }
        var result: [Int] = []
        result.reserveCapacity(Int(node.count))
        var child = index + 1
        for _ in 0..<node.count {
            result.append(child)
            child = Int(nodes[child].next)
        }
        return result
    }

    /// (key node, value node) pairs of an object, in document order.
    public func members(_ index: Int) -> [(key: Int, value: Int)] {
        let node = nodes[index]
        guard node.kind == .object else { return [] }
        var result: [(key: Int, value: Int)] = []
        result.reserveCapacity(Int(node.count))
        var child = index + 1
        for _ in 0..<node.count {
            result.append((child, child + 1))
            child = Int(nodes[child + 1].next)
        }
        return result
    }
}

/// Why a JSON text did not parse, with the byte offset it went wrong at.
public struct JSONSyntaxError: Error, Sendable, Equatable {
    public let offset: Int
    public let reason: String
    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }
}

extension JSONTape {
    /// The deepest nesting accepted; deeper input is refused rather than risk the stack.
    public static let maxDepth = 256

    /// Parses `bytes` (one complete JSON text, surrounding whitespace allowed) into this tape,
    /// reusing its storage.
    public mutating func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) {
        nodes.removeAll(keepingCapacity: true)
        var parser = TapeParser(bytes: bytes, nodes: nodes)
        nodes = []
        defer { nodes = parser.nodes }
        parser.skipWhitespace()
        guard parser.position < bytes.count else {
            throw JSONSyntaxError(offset: 0, reason: "empty line")
        }
        try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        if parser.position < bytes.count {
            throw JSONSyntaxError(
                offset: parser.position,
                reason: "unexpected \(describeByte(bytes[parser.position])) after the JSON value")
        }
    }

    /// Convenience for tests and small inputs.
    public static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONTape {
        var tape = JSONTape()
        var failure: JSONSyntaxError?
        bytes.withUnsafeBufferPointer { buffer in
            do throws(JSONSyntaxError) { try tape.parse(buffer) } catch { failure = error }
        }
        if let failure { throw failure }
        return tape
    }
}

func describeByte(_ byte: UInt8) -> String {
    if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
    return "byte 0x" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}

/// The recursive-descent scanner behind `JSONTape.parse`. Kept separate so its cursor lives in
/// registers instead of in the tape.
struct TapeParser {
    let bytes: UnsafeBufferPointer<UInt8>
    var nodes: [JSONTape.Node]
    var position = 0

    init(bytes: UnsafeBufferPointer<UInt8>, nodes: [JSONTape.Node]) {
        self.bytes = bytes
        self.nodes = nodes
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while position < bytes.count {
            let b = bytes[position]
            if b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { position += 1 } else { return }
        }
    }

    func fail(_ reason: String, at offset: Int? = nil) -> JSONSyntaxError {
        JSONSyntaxError(offset: offset ?? position, reason: reason)
    }

    func unexpected(_ expecting: String) -> JSONSyntaxError {
        if position >= bytes.count { return fail("the line ends before \(expecting)") }
        return fail("expected \(expecting), found \(describeByte(bytes[position]))")
    }

    mutating func append(_ kind: JSONTape.Kind, flag: Bool, start: Int, end: Int) -> Int {
        let index = nodes.count
        nodes.append(JSONTape.Node(
            kind: kind, flag: flag, start: Int32(truncatingIfNeeded: start),
            end: Int32(truncatingIfNeeded: end), next: Int32(index + 1), count: 0))
        return index
    }

    mutating func parseValue(depth: Int) throws(JSONSyntaxError) {
        guard position < bytes.count else { throw unexpected("a value") }
        switch bytes[position] {
        case UInt8(ascii: "{"): try parseObject(depth: depth)
        case UInt8(ascii: "["): try parseArray(depth: depth)
        case UInt8(ascii: "\""): try parseString()
        case UInt8(ascii: "t"): try parseLiteral("true", .true)
        case UInt8(ascii: "f"): try parseLiteral("false", .false)
        case UInt8(ascii: "n"): try parseLiteral("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try parseNumber()
        default: throw unexpected("a value")
        }
    }

    mutating func parseLiteral(_ word: StaticString, _ kind: JSONTape.Kind) throws(JSONSyntaxError) {
        let length = word.utf8CodeUnitCount
        guard position + length <= bytes.count else { throw fail("truncated literal") }
        let ok = word.withUTF8Buffer { expected in
            (0..<length).allSatisfy { bytes[position + $0] == expected[$0] }
        }
        guard ok else { throw fail("invalid literal (expected \(word))") }
        _ = append(kind, flag: false, start: position, end: position + length)
        position += length
    }

    mutating func parseNumber() throws(JSONSyntaxError) {
        let start = position
        var isFloat = false
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard position < bytes.count, isDigit(bytes[position]) else {
            throw fail("a number needs digits", at: start)
        }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
            if position < bytes.count, isDigit(bytes[position]) {
                throw fail("a number may not have leading zeros", at: start)
            }
        } else {
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            isFloat = true
            position += 1
            guard position < bytes.count, isDigit(bytes[position]) else {
                throw fail("a digit must follow the decimal point")
            }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            isFloat = true
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard position < bytes.count, isDigit(bytes[position]) else {
                throw fail("an exponent needs digits")
            }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        _ = append(.number, flag: isFloat, start: start, end: position)
    }

    @inline(__always)
    func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }

    mutating func parseString() throws(JSONSyntaxError) {
        position += 1  // opening quote
        let start = position
        var escaped = false
        while true {
            // Plain ASCII runs go by a word at a time; every other byte is decided below.
            position = JSONStringScan.firstStop(in: bytes, from: position)
            guard position < bytes.count else { throw fail("unterminated string", at: start - 1) }
            let b = bytes[position]
            if b == UInt8(ascii: "\"") { break }
            if b == UInt8(ascii: "\\") {
                escaped = true
                try scanEscape()
            } else if b < 0x20 {
                throw fail(b == 0
                    ? "NUL byte inside a string"
                    : "unescaped control character U+00\(String(b, radix: 16, uppercase: true).leftPadded(to: 2)) inside a string")
            } else {
                try scanUTF8(lead: b)
            }
        }
        _ = append(.string, flag: escaped, start: start, end: position)
        position += 1  // closing quote
    }

    mutating func scanEscape() throws(JSONSyntaxError) {
        let at = position
        position += 1
        guard position < bytes.count else { throw fail("unterminated escape", at: at) }
        switch bytes[position] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
             UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            position += 1
        case UInt8(ascii: "u"):
            position += 1
            let unit = try hex4(at: at)
            if unit >= 0xD800 && unit < 0xDC00 {
                guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"),
                      bytes[position + 1] == UInt8(ascii: "u") else {
                    throw fail("unpaired UTF-16 surrogate \\u\(hexString(unit))", at: at)
                }
                position += 2
                let low = try hex4(at: at)
                guard low >= 0xDC00 && low < 0xE000 else {
                    throw fail("unpaired UTF-16 surrogate \\u\(hexString(unit))", at: at)
                }
            } else if unit >= 0xDC00 && unit < 0xE000 {
                throw fail("unpaired UTF-16 surrogate \\u\(hexString(unit))", at: at)
            }
        default:
            throw fail("invalid escape \\\(describeByte(bytes[position]))", at: at)
        }
    }

    func hexString(_ unit: UInt32) -> String {
        String(unit, radix: 16, uppercase: true).leftPadded(to: 4)
    }

    mutating func hex4(at escapeStart: Int) throws(JSONSyntaxError) -> UInt32 {
        guard position + 4 <= bytes.count else { throw fail("truncated \\u escape", at: escapeStart) }
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = hexValue(bytes[position]) else {
                throw fail("invalid \\u escape", at: escapeStart)
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    /// Validates one multi-byte UTF-8 sequence (RFC 3629: no overlongs, no surrogates, <= U+10FFFF).
    mutating func scanUTF8(lead: UInt8) throws(JSONSyntaxError) {
        let at = position
        guard let expected = UTF8Lead(lead), position + expected.length <= bytes.count else { throw invalidUTF8(at) }
        let length = expected.length
        let second = bytes[position + 1]
        guard second >= expected.secondLow && second <= expected.secondHigh else { throw invalidUTF8(at) }
        var i = 2
        while i < length {
            guard bytes[position + i] & 0xC0 == 0x80 else { throw invalidUTF8(at) }
            i += 1
        }
        position += length
    }

    func invalidUTF8(_ at: Int) -> JSONSyntaxError {
        fail("invalid UTF-8 (\(describeByte(bytes[at])))", at: at)
    }

    mutating func parseArray(depth: Int) throws(JSONSyntaxError) {
        guard depth < JSONTape.maxDepth else { throw fail("nested deeper than \(JSONTape.maxDepth) levels") }
        let index = append(.array, flag: false, start: position, end: position)
        position += 1
        skipWhitespace()
        var count: Int32 = 0
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
        } else {
            while true {
                try parseValue(depth: depth + 1)
                count += 1
                skipWhitespace()
                guard position < bytes.count else { throw unexpected("',' or ']'") }
                if bytes[position] == UInt8(ascii: ",") {
                    position += 1
                    skipWhitespace()
                } else if bytes[position] == UInt8(ascii: "]") {
                    position += 1
                    break
                } else {
                    throw unexpected("',' or ']'")
                }
            }
        }
        nodes[index].count = count
        nodes[index].end = Int32(truncatingIfNeeded: position)
        nodes[index].next = Int32(nodes.count)
    }

    mutating func parseObject(depth: Int) throws(JSONSyntaxError) {
        guard depth < JSONTape.maxDepth else { throw fail("nested deeper than \(JSONTape.maxDepth) levels") }
        let index = append(.object, flag: false, start: position, end: position)
        position += 1
        skipWhitespace()
        var count: Int32 = 0
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
        } else {
            while true {
                guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                    throw unexpected("a member name in double quotes")
                }
                try parseString()
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else {
                    throw unexpected("':'")
                }
                position += 1
                skipWhitespace()
                try parseValue(depth: depth + 1)
                count += 1
                skipWhitespace()
                guard position < bytes.count else { throw unexpected("',' or '}'") }
                if bytes[position] == UInt8(ascii: ",") {
                    position += 1
                    skipWhitespace()
                } else if bytes[position] == UInt8(ascii: "}") {
                    position += 1
                    break
                } else {
                    throw unexpected("',' or '}'")
                }
            }
        }
        nodes[index].count = count
        nodes[index].end = Int32(truncatingIfNeeded: position)
        nodes[index].next = Int32(nodes.count)
    }
}

@inline(__always)
func hexValue(_ b: UInt8) -> UInt32? {
    switch b {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(b - UInt8(ascii: "0"))
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(b - UInt8(ascii: "a") + 10)
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(b - UInt8(ascii: "A") + 10)
    default: return nil
    }
}
