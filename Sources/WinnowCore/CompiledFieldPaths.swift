/// The recognizer's field paths flattened into plain values (no arrays of arrays, no strings),
/// so the dozen lookups per row do no reference counting: at a million rows, retaining and
/// releasing `FieldPath`s cost more than the lookups themselves.
struct CompiledFieldPaths: Sendable {
    struct Segment: Sendable {
        /// A member name (`bytes[start..<start+count]`) or an array index (`start`).
        var isIndex: Bool
        var start: Int32
        var count: Int32
    }

    struct Path: Sendable {
        var firstSegment: Int32
        var segmentCount: Int32
    }

    private var bytes: [UInt8] = []
    private var segments: [Segment] = []
    private var paths: [Path] = []
    /// Paths of the field with ordinal `o` are `paths[fieldStart[o]..<fieldStart[o + 1]]`.
    private var fieldStart: [Int32] = []
    /// The original paths, parallel to `paths`, for messages.
    private(set) var originals: [FieldPath] = []
    /// All paths as one tree, to resolve a row's fields in one walk (`RowView`).
    private(set) var tree = FieldTree([])

    init(_ table: [RowField: [FieldPath]]) {
        for field in RowField.allCases {
            fieldStart.append(Int32(paths.count))
            for path in table[field] ?? [] {
                paths.append(Path(firstSegment: Int32(segments.count), segmentCount: Int32(path.segments.count)))
                originals.append(path)
                for segment in path.segments {
                    switch segment {
                    case .member(let name):
                        segments.append(Segment(isIndex: false, start: Int32(bytes.count), count: Int32(name.count)))
                        bytes.append(contentsOf: name)
                    case .index(let i):
                        segments.append(Segment(isIndex: true, start: Int32(i), count: 0))
                    }
                }
            }
        }
        fieldStart.append(Int32(paths.count))
        tree = FieldTree(originals)
    }

    /// As `find` below, on a row whose paths `tree` has resolved into `found`.
    @inline(__always)
    func find(_ field: RowField, in found: UnsafeBufferPointer<Int32>) -> (node: Int, path: Int)? {
        let o = field.ordinal
        for p in Int(fieldStart[o])..<Int(fieldStart[o + 1]) {
            let node = found[Int(tree.pathEnds[p])]
            if node >= 0 { return (Int(node), p) }
        }
        return nil
    }

    /// The first path of `field` that exists in the row: its node and the path's position.
    @inline(__always)
    func find(_ field: RowField, _ tape: JSONTape, _ source: UnsafeBufferPointer<UInt8>) -> (node: Int, path: Int)? {
        let o = field.ordinal
        return bytes.withUnsafeBufferPointer { names in
            segments.withUnsafeBufferPointer { segs in
                paths.withUnsafeBufferPointer { ps in
                    for p in Int(fieldStart[o])..<Int(fieldStart[o + 1]) {
                        if let node = resolve(ps[p], names, segs, tape, source) { return (node, p) }
                    }
                    return nil
                }
            }
        }
    }

    @inline(__always)
    private func resolve(
        _ path: Path, _ names: UnsafeBufferPointer<UInt8>, _ segs: UnsafeBufferPointer<Segment>,
        _ tape: JSONTape, _ source: UnsafeBufferPointer<UInt8>
    ) -> Int? {
        var current = 0
        for s in Int(path.firstSegment)..<Int(path.firstSegment + path.segmentCount) {
            let segment = segs[s]
            if segment.isIndex {
                let node = tape.nodes[current]
                guard node.kind == .array, segment.start < node.count else { return nil }
                var child = current + 1
                for _ in 0..<Int(segment.start) { child = Int(tape.nodes[child].next) }
                current = child
            } else {
                let name = UnsafeBufferPointer(rebasing: names[Int(segment.start)..<Int(segment.start + segment.count)])
                guard let next = tape.member(current, named: name, source: source) else { return nil }
                current = next
            }
        }
        return current
    }
}
