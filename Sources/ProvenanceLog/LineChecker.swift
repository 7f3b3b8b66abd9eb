import Foundation
import WinnowCore

/// The value node found for each envelope name (-1: absent), without a heap allocation per line.
struct EnvelopeSlots {
    private var slots: (Int, Int, Int, Int, Int, Int, Int, Int) = (-1, -1, -1, -1, -1, -1, -1, -1)

    subscript(slot: Int) -> Int {
        get {
            withUnsafeBytes(of: slots) { $0.load(fromByteOffset: slot * MemoryLayout<Int>.stride, as: Int.self) }
        }
        set {
            withUnsafeMutableBytes(of: &slots) { $0.storeBytes(of: newValue, toByteOffset: slot * MemoryLayout<Int>.stride, as: Int.self) }
        }
    }
}

/// Byte-wise equality of two buffers.
@inline(__always)
func equalBytes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
    a.count == b.count && (a.count == 0 || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0)
}

/// Checks one log line without building a tree of Swift values: parse onto a reusable
/// `JSONTape`, compare the line with its canonical form, check the envelope's fields in place,
/// and hash the line with the "hash" member cut out.
///
/// Verifying a million entries in about a second leaves no room for a `JSONValue` per line; the
/// canonical form makes the cut exact (a canonical line *is* the canonical form of the entry,
/// so the canonical form without "hash" is the same bytes minus one member and one comma).
/// The same checker serves `LogVerifier` (everything), `LogFile.open` (the tail) and
/// `LogReader` (envelope only), so the three cannot disagree about what a valid line is.
struct LineChecker {
    var tape = JSONTape()
    var canonical: [UInt8] = []

    /// Where the envelope sits in a line that passed.
    struct Fields {
        var seq: Int
        /// Byte ranges of the 64 hex digits of prev and hash.
        var prev: Range<Int>
        var hash: Range<Int>
        /// The bytes to leave out when hashing: the hash member and the comma beside it.
        var cut: Range<Int>
        /// Set when the stored hash is not the computed one; reported after seq and chain.
        var hashProblem: LogProblem?
    }

    static let envelopeNames = ["v", "seq", "prev", "ts", "actor", "tool", "kind", "hash"]

    /// Checks `line` (without its newline). `full` adds the canonical-form and hash checks;
    /// without it only the JSON syntax and the envelope are checked (for replay).
    mutating func check(_ line: UnsafeBufferPointer<UInt8>, full: Bool) throws(LogProblem) -> Fields {
        do throws(JSONSyntaxError) {
            try tape.parse(line)
        } catch {
            throw .badJSON(reason: error.reason, column: error.offset + 1)
        }
        guard tape.nodes[0].kind == .object else { throw .notAnObject }
        if full && !isCanonical(line) {
            // Say why when the canonical form cannot even be written (a duplicate member).
            canonical.removeAll(keepingCapacity: true)
            do throws(CanonicalizationError) {
                try tape.writeCanonical(0, source: line, into: &canonical)
            } catch {
                throw .badJSON(reason: error.reason, column: 1)
            }
            throw .notCanonical
        }
        var fields = try envelope(line)
        if full {
            let stored = UnsafeBufferPointer(rebasing: line[fields.hash])
            var computed = LineChecker.hash(line, cutting: fields.cut)
            if !computed.withUTF8({ equalBytes($0, stored) }) {
                fields.hashProblem = .badHash(computed: computed, stored: String(decoding: stored, as: UTF8.self))
            }
        }
        return fields
    }

    /// SHA-256 hex of `line` without the bytes in `cut`.
    static func hash(_ line: UnsafeBufferPointer<UInt8>, cutting cut: Range<Int>) -> String {
        var hasher = StreamingHash()
        hasher.update(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: line[0..<cut.lowerBound])))
        hasher.update(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: line[cut.upperBound..<line.count])))
        return hasher.finalizeHex()
    }

    /// Finds the envelope members among the top-level ones and checks each one's shape.
    private func envelope(_ line: UnsafeBufferPointer<UInt8>) throws(LogProblem) -> Fields {
        var found = EnvelopeSlots()  // value node per envelope name
        var hashKey = -1
        let nodes = tape.nodes
        var child = 1
        for _ in 0..<Int(nodes[0].count) {
            let key = nodes[child]
            if !key.flag, let slot = LineChecker.slot(line, Int(key.start), Int(key.end)) {
                found[slot] = child + 1
                if slot == 7 { hashKey = child }
            }
            child = Int(nodes[child + 1].next)
        }
        func node(_ slot: Int) throws(LogProblem) -> JSONTape.Node {
            guard found[slot] >= 0 else { throw .missingField(LineChecker.envelopeNames[slot]) }
            return nodes[found[slot]]
        }
        func text(_ n: JSONTape.Node) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(rebasing: line[Int(n.start)..<Int(n.end)])
        }
        let v = try node(0)
        guard v.kind == .number, !v.flag, v.end - v.start == 1, line[Int(v.start)] == UInt8(ascii: "1") else {
            let shown = v.kind == .number || v.kind == .string
                ? String(decoding: text(v), as: UTF8.self) : "\(v.kind)"
            throw .wrongVersion(found: shown)
        }
        let seqNode = try node(1)
        guard seqNode.kind == .number, !seqNode.flag, let seq = LineChecker.positiveInt(text(seqNode)) else {
            throw .wrongField("seq", expected: "a positive integer")
        }
        let prev = try node(2)
        guard LineChecker.isHex64(prev, text(prev)) else {
            throw .wrongField("prev", expected: "64 lowercase hex digits")
        }
        let ts = try node(3)
        guard ts.kind == .string, !ts.flag, LogTimestamp.isValid(text(ts)) else {
            throw .wrongField("ts", expected: "an RFC 3339 UTC time like 2025-06-01T09:30:00.125Z")
        }
        let actor = try node(4)
        guard actor.kind == .object, actorIsValid(found[4], line) else {
            throw .wrongField("actor", expected: "an object with uid (integer), user and host (strings)")
        }
        guard try node(5).kind == .string else { throw .wrongField("tool", expected: "a string") }
        let kind = try node(6)
        guard kind.kind == .string, kind.end > kind.start else {
            throw .wrongField("kind", expected: "a non-empty string")
        }
        let hash = try node(7)
        guard LineChecker.isHex64(hash, text(hash)) else {
            throw .wrongField("hash", expected: "64 lowercase hex digits")
        }
        let memberStart = Int(nodes[hashKey].start) - 1
        let memberEnd = Int(hash.end) + 1
        let cut = line[memberStart - 1] == UInt8(ascii: ",")
            ? (memberStart - 1)..<memberEnd
            : memberStart..<min(memberEnd + 1, line.count)
        return Fields(
            seq: seq, prev: Int(prev.start)..<Int(prev.end), hash: Int(hash.start)..<Int(hash.end),
            cut: cut, hashProblem: nil)
    }

    private func actorIsValid(_ index: Int, _ line: UnsafeBufferPointer<UInt8>) -> Bool {
        var uid = false, user = false, host = false
        let nodes = tape.nodes
        var child = index + 1
        for _ in 0..<Int(nodes[index].count) {
            let key = nodes[child], value = nodes[child + 1]
            let name = UnsafeBufferPointer(rebasing: line[Int(key.start)..<Int(key.end)])
            func isKey(_ text: StaticString) -> Bool { text.withUTF8Buffer { equalBytes($0, name) } }
            if isKey("uid") {
                uid = value.kind == .number && !value.flag
            } else if isKey("user") {
                user = value.kind == .string
            } else if isKey("host") {
                host = value.kind == .string
            } else if isKey("gate"), value.kind != .string {
                return false
            }
            child = Int(value.next)
        }
        return uid && user && host
    }

    /// Index into `envelopeNames` of the key `line[start..<end]`, if it is one.
    @inline(__always)
    private static func slot(_ line: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
        let length = end - start
        guard length >= 1 && length <= 5 else { return nil }
        let key = UnsafeBufferPointer(rebasing: line[start..<end])
        func isKey(_ name: StaticString) -> Bool {
            name.withUTF8Buffer { equalBytes($0, key) }
        }
        switch (length, key[0]) {
        case (1, UInt8(ascii: "v")): return 0
        case (3, UInt8(ascii: "s")): return isKey("seq") ? 1 : nil
        case (4, UInt8(ascii: "p")): return isKey("prev") ? 2 : nil
        case (2, UInt8(ascii: "t")): return isKey("ts") ? 3 : nil
        case (5, UInt8(ascii: "a")): return isKey("actor") ? 4 : nil
        case (4, UInt8(ascii: "t")): return isKey("tool") ? 5 : nil
        case (4, UInt8(ascii: "k")): return isKey("kind") ? 6 : nil
        case (4, UInt8(ascii: "h")): return isKey("hash") ? 7 : nil
        default: return nil
        }
    }

    private static func isHex64(_ node: JSONTape.Node, _ text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard node.kind == .string, !node.flag, text.count == 64 else { return false }
        for b in text where !(b &- UInt8(ascii: "0") < 10 || b &- UInt8(ascii: "a") < 6) { return false }
        return true
    }

    private static func positiveInt(_ text: UnsafeBufferPointer<UInt8>) -> Int? {
        guard text.count >= 1, text.count <= 18, text[0] != UInt8(ascii: "-") else { return nil }
        var value = 0
        for b in text { value = value * 10 + Int(b &- UInt8(ascii: "0")) }
        return value > 0 ? value : nil
    }
}
