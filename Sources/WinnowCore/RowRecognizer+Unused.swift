/// Every member of a row is either read or named: what import did not render, take as
/// provenance or as the id is listed (`RecognizedRow.unused`) so the import summary can count
/// it ("not used: input in 5,482 rows"). A field that vanished silently (an Alpaca `input` read
/// as prompt/response, a Self-Instruct instance's input behind `--map output=instances.0.output`)
/// is how a reviewer approves a row without the numbers its answer is about.
///
/// What counts as read: the shape's content fields it renders (`contentOrder`/`renders`), the
/// id, and each provenance field at the first of its paths the row has (a row with both
/// `meta.generator` and `meta.model` reads the first; the second is named). A member some read
/// path goes through (`meta` for `meta.origin`) is looked into, member by member (and element by
/// element for arrays), so `meta.notes` is named while `meta.origin` is not. A member whose value
/// is empty (null, "", [] or {}) holds nothing to lose and is not named. Inside a rendered list of
/// messages or instances, members beside the ones rendered (a message's `name` or `tool_calls`)
/// are named with `*` for the position (`unusedInList`).
///
/// Cost: one pass over the row's top-level members (and those of containers such as `meta`),
/// each compared by node number with the field tree's few first-level names, reusing the walk
/// `FieldTree.resolve` already made; Strings are built only for members that are named.
extension RowRecognizer {
    /// Content fields that may hold a list of messages (or, for `instances`, of examples).
    static let listFields: Set<RowField> = [.messages, .conversations, .chosen, .rejected, .prompt, .instances]

    /// Dotted paths of the members of the row in `view` that a row of `shape` does not read.
    func unusedMembers(_ shape: RowShape, _ view: RowView) -> [String] {
        let tree = compiled.tree
        let nodes = tree.nodes, parents = tree.parents, pathEnds = tree.pathEnds
        guard !nodes.isEmpty else { return [] }
        let tape = view.tape, source = view.source, found = view.found
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: nodes.count) { marks in
            // 2: read whole; 1: a path below it was read; 0: not read.
            marks.initialize(repeating: 0)
            func read(_ field: RowField) {
                guard let (_, p) = compiled.find(field, in: found) else { return }
                var t = Int(pathEnds[p])
                marks[t] = 2
                t = Int(parents[t])
                while t >= 0 && marks[t] == 0 {
                    marks[t] = 1
                    t = Int(parents[t])
                }
            }
            read(.id); read(.origin); read(.generator); read(.template); read(.seed)
            read(.temperature); read(.created); read(.slice); read(.judgeScore)
            if shape.isPreferencePair { read(.chosenGenerator); read(.rejectedGenerator) }
            for field in Self.contentOrder(shape, rendering: rendering) where renders(field, view) { read(field) }

            var unused: [String] = []
            /// The tree child of `t` that led to tape node `value`, or -1.
            func child(of t: Int, leadingTo value: Int, index: Bool) -> Int {
                let first = Int(nodes[t].firstChild)
                for c in first..<(first + Int(nodes[t].childCount)) where nodes[c].isIndex == index && Int(found[c]) == value {
                    return c
                }
                return -1
            }
            // Names are built only for a member that is named: most rows have none.
            func visit(_ c: Int, _ value: Int, _ name: () -> String) {
                if c >= 0 && marks[c] == 2 { return }
                if c >= 0 && marks[c] == 1 {
                    walk(c, value) { name() + "." }
                } else if !Self.holdsNothing(value, tape) {
                    unused.append(name())
                }
            }
            func walk(_ t: Int, _ value: Int, _ prefix: () -> String) {
                switch tape.kind(value) {
                case .object:
                    var key = value + 1
                    for _ in 0..<Int(tape.nodes[value].count) {
                        let member = key + 1
                        visit(child(of: t, leadingTo: member, index: false), member) { prefix() + tape.decodeString(key, source: source) }
                        key = Int(tape.nodes[member].next)
                    }
                case .array:
                    var element = value + 1
                    for i in 0..<Int(tape.nodes[value].count) {
                        visit(child(of: t, leadingTo: element, index: true), element) { prefix() + String(i) }
                        element = Int(tape.nodes[element].next)
                    }
                default:
                    break
                }
            }
            walk(0, 0) { "" }
            // Inside rendered lists (messages, instances), members beside the rendered ones.
            for field in Self.contentOrder(shape, rendering: rendering) where Self.listFields.contains(field) && renders(field, view) {
                guard let (node, path) = find(field, view) else { continue }
                unused += unusedInList(node, path: name(path), field: field, view)
            }
            return unused
        }
    }
}
