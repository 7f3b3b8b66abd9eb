/// The recognizer's field paths merged into one tree of names (`meta` once, with `origin`,
/// `generator`, `seed_id`... under it), so a single walk over a row finds every configured
/// path at once (`resolve`), and looking a field up afterwards reads a table.
///
/// Why: recognising a row asks for a dozen fields, each tried at two or three paths, and
/// resolving each path on its own walked the row's top-level members and then `meta`'s again
/// for every try: a sixth of the parsing side's instructions. The walk here looks at each
/// member of the row and of `meta` once.
struct FieldTree: Sendable {
    struct Node: Sendable {
        /// How the node is reached from its parent: a member name (`bytes[start..<start+count]`)
        /// or an array index (`start`).
        var isIndex: Bool
        var start: Int32
        var count: Int32
        /// The children are `nodes[firstChild..<firstChild + childCount]`; nodes are in
        /// breadth-first order, so a parent comes before its children.
        var firstChild: Int32 = 0
        var childCount: Int32 = 0
    }

    private(set) var nodes: [Node] = []
    private var bytes: [UInt8] = []
    /// The node each path ends at, in the order the paths were given.
    private(set) var pathEnds: [Int32] = []
    /// Each node's parent (the root's is -1), to mark the members above a path that was read.
    private(set) var parents: [Int32] = []

    init(_ paths: [FieldPath]) {
        // A tree of segments first, then laid out breadth-first with contiguous children.
        var segments: [FieldPath.Segment?] = [nil]
        var children: [[Int]] = [[]]
        var ends: [Int] = []
        for path in paths {
            var at = 0
            for segment in path.segments {
                if let existing = children[at].first(where: { segments[$0] == segment }) {
                    at = existing
                } else {
                    segments.append(segment)
                    children.append([])
                    children[at].append(segments.count - 1)
                    at = segments.count - 1
                }
            }
            ends.append(at)
        }
        var order = [0]
        var position = [Int](repeating: 0, count: segments.count)
        var next = 0
        while next < order.count {
            let old = order[next]
            position[old] = next
            order.append(contentsOf: children[old])
            next += 1
        }
        for old in order {
            var node: Node
            switch segments[old] {
            case nil: node = Node(isIndex: false, start: 0, count: 0)
            case .member(let name)?:
                node = Node(isIndex: false, start: Int32(bytes.count), count: Int32(name.count))
                bytes.append(contentsOf: name)
            case .index(let i)?:
                node = Node(isIndex: true, start: Int32(clamping: i), count: 0)
            }
            if let first = children[old].first {
                node.firstChild = Int32(position[first])
                node.childCount = Int32(children[old].count)
            }
            nodes.append(node)
        }
        pathEnds = ends.map { Int32(position[$0]) }
        parents = [Int32](repeating: -1, count: nodes.count)
        for (p, node) in nodes.enumerated() where node.childCount > 0 {
            for c in Int(node.firstChild)..<Int(node.firstChild + node.childCount) { parents[c] = Int32(p) }
        }
    }

    /// Fills `found` (one slot per node) with the tape node each tree node leads to in the row,
    /// or -1 where the row has nothing there. The same answers as `JSONTape.resolve` per path:
    /// of duplicate member names the last wins, and a step below it looks only inside that one.
    func resolve(_ tape: JSONTape, source: UnsafeBufferPointer<UInt8>, into found: UnsafeMutableBufferPointer<Int32>) {
        found.update(repeating: -1)
        guard !tape.nodes.isEmpty, !found.isEmpty else { return }
        found[0] = 0
        tape.nodes.withUnsafeBufferPointer { values in
            bytes.withUnsafeBufferPointer { names in
                nodes.withUnsafeBufferPointer { tree in
                    for t in tree.indices where tree[t].childCount > 0 && found[t] >= 0 {
                        let value = Int(found[t])
                        let children = Int(tree[t].firstChild)..<Int(tree[t].firstChild + tree[t].childCount)
                        switch values[value].kind {
                        case .object:
                            matchMembers(of: value, children, values, names, tree, source, found)
                        case .array:
                            for c in children where tree[c].isIndex && tree[c].start < values[value].count {
                                var element = value + 1
                                for _ in 0..<Int(tree[c].start) { element = Int(values[element].next) }
                                found[c] = Int32(element)
                            }
                        default:
                            break
                        }
                    }
                }
            }
        }
    }

    @inline(__always)
    private func matchMembers(
        of object: Int, _ children: Range<Int>, _ values: UnsafeBufferPointer<JSONTape.Node>,
        _ names: UnsafeBufferPointer<UInt8>, _ tree: UnsafeBufferPointer<Node>,
        _ source: UnsafeBufferPointer<UInt8>, _ found: UnsafeMutableBufferPointer<Int32>
    ) {
        var key = object + 1
        for _ in 0..<Int(values[object].count) {
            let node = values[key]
            let raw = UnsafeBufferPointer(rebasing: source[Int(node.start)..<Int(node.end)])
            if !node.flag {
                for c in children where !tree[c].isIndex && Int(tree[c].count) == raw.count
                    && compareBytes(raw, UnsafeBufferPointer(rebasing: names[Int(tree[c].start)..<Int(tree[c].start + tree[c].count)])) == 0 {
                    found[c] = Int32(key + 1)
                    break
                }
            } else {
                let decoded = JSONTape.unescape(raw)
                for c in children where !tree[c].isIndex
                    && decoded.elementsEqual(names[Int(tree[c].start)..<Int(tree[c].start + tree[c].count)]) {
                    found[c] = Int32(key + 1)
                    break
                }
            }
            key = Int(values[key + 1].next)
        }
    }
}
