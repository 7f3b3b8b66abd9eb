/// The recognizer's field paths as plain values for the hot loop: which paths each field has,
/// in order, and all of them merged into one tree (`FieldTree`), so a row's fields are found in
/// one walk (`RowRecognizer.withView`) and each lookup afterwards reads a table. (Looking each
/// path up on its own walked the row's members again for every try, and retaining and releasing
/// `FieldPath`s per row cost more than the lookups.)
struct CompiledFieldPaths: Sendable {
    /// Paths of the field with ordinal `o` are `fieldStart[o]..<fieldStart[o + 1]`, positions in
    /// `originals` and in the tree's `pathEnds`.
    private var fieldStart: [Int32] = []
    /// The original paths, for messages.
    private(set) var originals: [FieldPath] = []
    /// All paths as one tree, to resolve a row's fields in one walk.
    private(set) var tree = FieldTree([])

    init(_ table: [RowField: [FieldPath]]) {
        for field in RowField.allCases {
            fieldStart.append(Int32(originals.count))
            originals += table[field] ?? []
        }
        fieldStart.append(Int32(originals.count))
        tree = FieldTree(originals)
    }

    /// The first path of `field` that exists in a row whose paths `tree` resolved into `found`:
    /// its node and the path's position.
    @inline(__always)
    func find(_ field: RowField, in found: UnsafeBufferPointer<Int32>) -> (node: Int, path: Int)? {
        let o = field.ordinal
        for p in Int(fieldStart[o])..<Int(fieldStart[o + 1]) {
            let node = found[Int(tree.pathEnds[p])]
            if node >= 0 { return (Int(node), p) }
        }
        return nil
    }
}
