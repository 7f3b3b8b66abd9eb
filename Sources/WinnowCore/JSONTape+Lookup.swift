/// A dotted path into a row (`meta.generator`, `instances.0.output`): object members by name,
/// array elements by a decimal index. Used by `--map` and the config's provenance paths.
public struct FieldPath: Sendable, Hashable, CustomStringConvertible {
    public enum Segment: Sendable, Hashable {
        case member([UInt8])
        case index(Int)
    }

    public let segments: [Segment]
    public let description: String

    /// Nil for an empty path or an empty segment ("meta..x").
    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard !text.isEmpty, parts.allSatisfy({ !$0.isEmpty }) else { return nil }
        segments = parts.map { part in
            if let i = Int(part), i >= 0, part.allSatisfy(\.isASCII) { return .index(i) }
            return .member(Array(part.utf8))
        }
        description = text
    }
}

extension JSONTape {
    /// The value of the member named `name` in the object at `index` (decoded names compared).
    public func member(_ index: Int, named name: [UInt8], source: UnsafeBufferPointer<UInt8>) -> Int? {
        name.withUnsafeBufferPointer { member(index, named: $0, source: source) }
    }

    /// As above, for a name already in memory (the recognizer's compiled paths).
    public func member(_ index: Int, named name: UnsafeBufferPointer<UInt8>, source: UnsafeBufferPointer<UInt8>) -> Int? {
        // Through a buffer pointer: the recognizer resolves a couple of dozen paths per row, each
        // walking an object's members, and the array accesses' checks were an eighth of the walk.
        nodes.withUnsafeBufferPointer { nodes in
            let node = nodes[index]
            guard node.kind == .object else { return nil }
            var child = index + 1
            var found: Int?
            for _ in 0..<node.count {
                let key = nodes[child]
                let matches: Bool
                if !key.flag {
                    // Lengths first: most members are not the one looked for.
                    matches = Int(key.end - key.start) == name.count
                        && compareBytes(UnsafeBufferPointer(rebasing: source[Int(key.start)..<Int(key.end)]), name) == 0
                } else {
                    matches = JSONTape.unescape(UnsafeBufferPointer(rebasing: source[Int(key.start)..<Int(key.end)])).elementsEqual(name)
                }
                if matches { found = child + 1 }
                child = Int(nodes[child + 1].next)
            }
            return found
        }
    }

    public func member(_ index: Int, named name: StaticString, source: UnsafeBufferPointer<UInt8>) -> Int? {
        name.withUTF8Buffer { member(index, named: $0, source: source) }
    }

    /// The node a path leads to from `root`, or nil when any step is missing.
    public func resolve(_ path: FieldPath, from root: Int = 0, source: UnsafeBufferPointer<UInt8>) -> Int? {
        var current = root
        for segment in path.segments {
            switch segment {
            case .member(let name):
                guard let next = member(current, named: name, source: source) else { return nil }
                current = next
            case .index(let i):
                let node = nodes[current]
                guard node.kind == .array, i < node.count else { return nil }
                var child = current + 1
                for _ in 0..<i { child = Int(nodes[child].next) }
                current = child
            }
        }
        return current
    }

    /// Names of the top-level members, for "no known row shape" messages.
    public func memberNames(_ index: Int, source: UnsafeBufferPointer<UInt8>) -> [String] {
        members(index).map { decodeString($0.key, source: source) }
    }

    /// A string node's byte length without decoding it (escapes counted as written).
    public func rawLength(_ index: Int) -> Int { Int(nodes[index].end - nodes[index].start) }

    /// True for a string node holding something other than whitespace.
    public func isNonBlankString(_ index: Int, source: UnsafeBufferPointer<UInt8>) -> Bool {
        let node = nodes[index]
        guard node.kind == .string else { return false }
        for i in Int(node.start)..<Int(node.end) {
            let b = source[i]
            if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { continue }
            if b == UInt8(ascii: "\\") && i + 1 < Int(node.end) {
                let e = source[i + 1]
                if e == UInt8(ascii: "n") || e == UInt8(ascii: "t") || e == UInt8(ascii: "r") { continue }
            }
            if b == UInt8(ascii: "n") || b == UInt8(ascii: "t") || b == UInt8(ascii: "r"),
               i > Int(node.start), source[i - 1] == UInt8(ascii: "\\") { continue }
            return true
        }
        return false
    }
}
