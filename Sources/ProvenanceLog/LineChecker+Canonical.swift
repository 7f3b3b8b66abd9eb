import Foundation
import WinnowCore

/// Is a parsed line byte-for-byte canonical? Answered by walking the tape against the bytes
/// instead of writing the canonical form out and comparing.
///
/// Writing the canonical form copies every byte and sorts every object's members; it was the
/// largest cost of verifying a log. A canonical text has a shape that can be checked in place:
/// no byte between tokens but the separators, members in strictly increasing key order (which
/// also rules out duplicates), integers as written except "-0", floats already in shortest
/// form, and strings with no escapes, or only the escapes the canonical form uses. The rare
/// cases that need decoding (escaped strings and keys, floats) fall back to writing that one
/// value canonically and comparing it.
extension LineChecker {
    /// True if `line`, already parsed into `tape`, is exactly its own canonical form.
    mutating func isCanonical(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        var walker = CanonicalWalker(tape: tape, line: line, scratch: canonical)
        defer { canonical = walker.scratch }
        return walker.value(0, at: 0) == line.count
    }
}

private struct CanonicalWalker {
    let tape: JSONTape
    let line: UnsafeBufferPointer<UInt8>
    var scratch: [UInt8]

    /// Checks node `index` starting at byte `position`; returns the offset after it, or nil.
    mutating func value(_ index: Int, at position: Int) -> Int? {
        let node = tape.nodes[index]
        let start = Int(node.start), end = Int(node.end)
        switch node.kind {
        case .null, .true, .false:
            return start == position ? end : nil
        case .number:
            guard start == position else { return nil }
            if !node.flag {
                let negativeZero = end - start == 2 && line[start] == UInt8(ascii: "-") && line[start + 1] == UInt8(ascii: "0")
                return negativeZero ? nil : end
            }
            return matchesCanonical(index, start..<end) ? end : nil
        case .string:
            guard start - 1 == position else { return nil }
            if node.flag && !matchesCanonical(index, (start - 1)..<(end + 1)) { return nil }
            return end + 1
        case .array:
            guard start == position else { return nil }
            var cursor = start + 1
            var child = index + 1
            for i in 0..<Int(node.count) {
                if i > 0 {
                    guard line[cursor] == UInt8(ascii: ",") else { return nil }
                    cursor += 1
                }
                guard let after = value(child, at: cursor) else { return nil }
                cursor = after
                child = Int(tape.nodes[child].next)
            }
            return cursor == end - 1 && line[cursor] == UInt8(ascii: "]") ? end : nil
        case .object:
            guard start == position else { return nil }
            var cursor = start + 1
            var child = index + 1
            var previousKey = -1
            for i in 0..<Int(node.count) {
                if i > 0 {
                    guard line[cursor] == UInt8(ascii: ",") else { return nil }
                    cursor += 1
                }
                if previousKey >= 0 && !ascending(previousKey, child) { return nil }
                guard let afterKey = value(child, at: cursor), line[afterKey] == UInt8(ascii: ":"),
                      let after = value(child + 1, at: afterKey + 1) else { return nil }
                cursor = after
                previousKey = child
                child = Int(tape.nodes[child + 1].next)
            }
            return cursor == end - 1 && line[cursor] == UInt8(ascii: "}") ? end : nil
        }
    }

    /// Strictly increasing keys in UTF-8 byte order, as the canonical form sorts them.
    mutating func ascending(_ a: Int, _ b: Int) -> Bool {
        let first = tape.nodes[a], second = tape.nodes[b]
        if first.flag || second.flag {
            let x = Array(tape.decodeString(a, source: line).utf8)
            let y = Array(tape.decodeString(b, source: line).utf8)
            return x.lexicographicallyPrecedes(y)
        }
        let x = UnsafeBufferPointer(rebasing: line[Int(first.start)..<Int(first.end)])
        let y = UnsafeBufferPointer(rebasing: line[Int(second.start)..<Int(second.end)])
        let common = min(x.count, y.count)
        let order = common == 0 ? 0 : memcmp(x.baseAddress!, y.baseAddress!, common)
        return order < 0 || (order == 0 && x.count < y.count)
    }

    /// The slow path for one value: write it canonically and compare with the bytes in `range`.
    mutating func matchesCanonical(_ index: Int, _ range: Range<Int>) -> Bool {
        scratch.removeAll(keepingCapacity: true)
        do throws(CanonicalizationError) {
            try tape.writeCanonical(index, source: line, into: &scratch)
        } catch {
            return false
        }
        guard scratch.count == range.count else { return false }
        return scratch.withUnsafeBufferPointer { memcmp($0.baseAddress!, line.baseAddress! + range.lowerBound, range.count) == 0 }
    }
}
