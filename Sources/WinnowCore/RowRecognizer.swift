/// What import learned about one row: its shape, its own id if it has one, and its provenance.
public struct RecognizedRow: Sendable, Equatable {
    public var shape: RowShape
    public var ownID: String?
    public var provenance: Provenance
    /// Provenance fields where the row's own value won over a different value given as a flag.
    public var conflicts: [RowField] = []
    /// The row's members that nothing read (not rendered, not provenance, not the id), as
    /// dotted paths ("input", "meta.notes", "instances.0.input"), for the import summary; see
    /// `RowRecognizer.unusedMembers`.
    public var unused: [String] = []
}

/// Why a row cannot be imported, in words a person can act on.
public struct RowProblem: Error, Sendable, Equatable {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
}

/// Recognises rows on a parsed tape: the shape (auto or forced), the id, the provenance from the
/// row's own metadata (configurable paths) with import flags filling the gaps.
///
/// It only reads: the row's bytes are kept exactly as they were, and winnow's additions live in
/// the index and the log.
public struct RowRecognizer: Sendable {
    /// nil: recognise each row's shape on its own.
    public var format: RowShape?
    /// Where each field is looked for; the first path present wins.
    public var paths: [RowField: [FieldPath]] {
        // Keep the lookup table in step when a caller edits the paths after init.
        didSet { compiled = CompiledFieldPaths(paths) }
    }
    /// Values from import flags, used where the row has none.
    public var defaults: Provenance
    /// Which fields a shape renders: 1 is how imports logged before `system`, `history`,
    /// `instances` and a prompt-response row's `input` were read, kept so those rows (and mixes
    /// built from them) read back exactly as they did; 2 renders them.
    public var rendering: Int = RowRecognizer.currentRendering
    public static let currentRendering = 2
    /// `paths` flattened for the hot loop, which looks fields up a dozen times per row.
    var compiled: CompiledFieldPaths

    public init(format: RowShape? = nil, paths: [RowField: [FieldPath]] = [:], defaults: Provenance = Provenance()) {
        self.format = format
        var all: [RowField: [FieldPath]] = [:]
        for field in RowField.allCases {
            all[field] = paths[field] ?? field.defaultPaths.compactMap(FieldPath.init)
        }
        self.paths = all
        self.defaults = defaults
        compiled = CompiledFieldPaths(all)
    }

    /// Calls `body` with the row's view: every configured path resolved in one walk.
    func withView<T>(_ tape: JSONTape, source: UnsafeBufferPointer<UInt8>, _ body: (RowView) -> T) -> T {
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: compiled.tree.nodes.count) { found in
            compiled.tree.resolve(tape, source: source, into: found)
            return body(RowView(tape: tape, source: source, found: UnsafeBufferPointer(found)))
        }
    }

    /// The field's node and the path it was found at (a `FieldPath` only made for messages).
    @inline(__always)
    func find(_ field: RowField, _ view: RowView) -> (node: Int, path: FoundPath)? {
        guard let (node, index) = compiled.find(field, in: view.found) else { return nil }
        return (node, FoundPath(index: index))
    }

    /// The dotted path a field was found at, for messages.
    func name(_ path: FoundPath) -> String { compiled.originals[path.index].description }

    public func recognize(_ tape: JSONTape, source: UnsafeBufferPointer<UInt8>) -> Result<RecognizedRow, RowProblem> {
        guard tape.kind(0) == .object else {
            // A file of bare strings (OpenAssistant's `*_text.jsonl` prompt lists) is quarantined
            // line by line: a prompt alone has no answer to review. Say so, once per line.
            let bare = tape.kind(0) == .string ? " (a bare text, such as a list of prompts, has no answer to review)" : ""
            return .failure(RowProblem("the line holds \(Self.kindName(tape.kind(0))), not a JSON object\(bare)"))
        }
        return withView(tape, source: source) { recognize($0) }
    }

    private func recognize(_ view: RowView) -> Result<RecognizedRow, RowProblem> {
        let shape: RowShape
        switch detectShape(view) {
        case .success(let s): shape = s
        case .failure(let problem): return .failure(problem)
        }
        if let problem = validate(shape, view) { return .failure(problem) }
        var row = RecognizedRow(shape: shape, ownID: nil, provenance: defaults)
        if let problem = readID(into: &row, view) { return .failure(problem) }
        if let problem = readProvenance(into: &row, view) { return .failure(problem) }
        row.unused = unusedMembers(shape, view)
        return .success(row)
    }

    static func kindName(_ kind: JSONTape.Kind) -> String {
        switch kind {
        case .null: return "null"
        case .true, .false: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    func readID(into row: inout RecognizedRow, _ view: RowView) -> RowProblem? {
        let tape = view.tape
        let source = view.source
        guard let (node, path) = find(.id, view) else { return nil }
        switch tape.kind(node) {
        case .string:
            let text = tape.decodeString(node, source: source)
            if tape.hasPlainEnds(node, source: source) || !text.trimmingSpaces.isEmpty { row.ownID = text }
        case .number where !tape.nodes[node].flag:
            row.ownID = tape.decodeNumberText(node, source: source)
        case .null:
            break
        default:
            return RowProblem("'\(name(path))' is \(Self.kindName(tape.kind(node))), expected a string or an integer id")
        }
        return nil
    }

    func readProvenance(into row: inout RecognizedRow, _ view: RowView) -> RowProblem? {
        let tape = view.tape
        let source = view.source
        // Written into `row` in place: a local copy of the provenance and the copy back cost
        // two copies (and releases) of its strings per row.
        if let (node, path) = find(.origin, view), tape.kind(node) != .null {
            guard tape.kind(node) == .string else {
                return RowProblem("'\(name(path))' is \(Self.kindName(tape.kind(node))), expected \"human\" or \"synthetic\"")
            }
            guard let origin = Self.plainOrigin(node, view) ?? Self.spelledOrigin(node, view) else {
                let text = tape.decodeString(node, source: source)
                return RowProblem("'\(name(path))' is \"\(text)\", expected \"human\" or \"synthetic\"")
            }
            if defaults.origin != .unknown && defaults.origin != origin { row.conflicts.append(.origin) }
            row.provenance.origin = origin
        }
        // Written out field by field: key paths here cost a runtime lookup per row.
        do {
            if let text = try text(.generator, defaults.generator, &row.conflicts, view) { row.provenance.generator = text }
            if let text = try text(.template, defaults.template, &row.conflicts, view) { row.provenance.template = text }
            if let text = try text(.seed, defaults.seed, &row.conflicts, view) { row.provenance.seed = text }
            if let text = try text(.created, defaults.created, &row.conflicts, view) { row.provenance.created = text }
            if let value = try number(.temperature, view) { row.provenance.temperature = value }
            if let value = try number(.judgeScore, view) { row.provenance.judgeScore = value }
            // Who wrote each side of a pair: checked here, so a value the pair gate could not
            // read is a problem named at import rather than a field dropped without a word. Only
            // pairs read them (other rows name such a member as not used, as before).
            if row.shape.isPreferencePair {
                _ = try text(.chosenGenerator, nil, &row.conflicts, view)
                _ = try text(.rejectedGenerator, nil, &row.conflicts, view)
            }
        } catch {
            return error
        }
        if let (node, path) = find(.slice, view) {
            switch tape.kind(node) {
            case .null: break
            case .string:
                let text = tape.trimmedString(node, source: source)
                if !text.isEmpty { row.provenance.slices = [text] }
            case .array:
                var slices: [String] = []
                for element in tape.elements(node) {
                    guard tape.kind(element) == .string else {
                        return RowProblem("'\(name(path))' holds \(Self.kindName(tape.kind(element))), expected slice names")
                    }
                    let text = tape.trimmedString(element, source: source)
                    if !text.isEmpty && !slices.contains(text) { slices.append(text) }
                }
                if !slices.isEmpty { row.provenance.slices = slices }
            default:
                return RowProblem("'\(name(path))' is \(Self.kindName(tape.kind(node))), expected a slice name or a list of them")
            }
            if !defaults.slices.isEmpty && row.provenance.slices != defaults.slices && !row.provenance.slices.isEmpty {
                row.conflicts.append(.slice)
            }
        }
        return nil
    }
}

extension RowRecognizer {
    /// A text provenance field (numbers accepted as their text), noting a conflict with the flag.
    func text(
        _ field: RowField, _ given: String?, _ conflicts: inout [RowField], _ view: RowView
    ) throws(RowProblem) -> String? {
        let tape = view.tape
        let source = view.source
        guard let (node, path) = find(field, view) else { return nil }
        let text: String
        switch tape.kind(node) {
        case .null: return nil
        case .string:
            text = tape.decodeString(node, source: source)
            if !tape.hasPlainEnds(node, source: source) && text.trimmingSpaces.isEmpty { return nil }
        case .number:
            text = tape.decodeNumberText(node, source: source)
        default:
            throw RowProblem("'\(name(path))' is \(Self.kindName(tape.kind(node))), expected a string")
        }
        if let given, given != text { conflicts.append(field) }
        return text
    }

    func number(_ field: RowField, _ view: RowView) throws(RowProblem) -> Double? {
        let tape = view.tape
        let source = view.source
        guard let (node, path) = find(field, view), tape.kind(node) != .null else { return nil }
        guard tape.kind(node) == .number else {
            throw RowProblem("'\(name(path))' is \(Self.kindName(tape.kind(node))), expected a number")
        }
        let lexeme = tape.rawBytes(node, source: source)
        guard let value = FastDouble.parse(lexeme) ?? Double(String(decoding: lexeme, as: UTF8.self)), value.isFinite else {
            throw RowProblem("'\(name(path))' is out of range for a number")
        }
        return value
    }
}

/// A row being recognised: its tape and bytes, and the node each of the recognizer's paths
/// leads to in it (`FieldTree.resolve`), so each field lookup reads a table.
struct RowView {
    let tape: JSONTape
    let source: UnsafeBufferPointer<UInt8>
    let found: UnsafeBufferPointer<Int32>
}

/// Which of a field's paths it was found at; `RowRecognizer.name` spells it for messages.
struct FoundPath {
    let index: Int
}

extension JSONTape {
    func decodeNumberText(_ index: Int, source: UnsafeBufferPointer<UInt8>) -> String {
        let node = nodes[index]
        return String(decoding: UnsafeBufferPointer(rebasing: source[Int(node.start)..<Int(node.end)]), as: UTF8.self)
    }
}

extension String {
    var trimmingSpaces: String {
        // Most values have nothing to trim; checking the ends' bytes avoids Character work.
        if let first = utf8.first, let last = utf8.last, first > 0x20, first < 0x80, last > 0x20, last < 0x80 {
            return self
        }
        var scalars = Substring(self)
        while let f = scalars.first, f.isWhitespace { scalars.removeFirst() }
        while let l = scalars.last, l.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
