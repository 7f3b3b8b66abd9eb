import WinnowCore

/// One worker's counts for the import summary, kept by small integer keys and turned into the
/// summary's `[String: Int]` tables once per batch (`ImportSummary.merge(_:)`).
///
/// Why: counting a row into the summary's dictionaries hashed four or five Strings per row
/// and copied the config's slice list to look each slice up, as much work as staging the row.
/// Shapes, origins and conflicting fields are enums, so they count into arrays; slice and
/// generator names repeat (a file has a handful), so each is compared against the few seen
/// before instead of hashed, and whether the config knows a slice is decided once per name.
struct SummaryTally {
    var rows = 0
    var quarantined = 0
    var blankLines = 0
    private var shapes = [Int](repeating: 0, count: RowShape.allCases.count)
    private var origins = [Int](repeating: 0, count: Origin.allCases.count)
    private var conflicts = [Int](repeating: 0, count: RowField.allCases.count)
    private var firstSlices = NameCounts()
    private var generators = NameCounts()
    /// Every slice a row carries (not only the first), to find the ones the config lacks.
    private var slices = NameCounts()
    /// Members rows have that import did not read (`RecognizedRow.unused`), by dotted path.
    private var unused = NameCounts()
    private var quarantineReasons: [String: Int] = [:]
    private let config: WorkspaceConfig

    init(config: WorkspaceConfig) { self.config = config }

    mutating func count(_ outcome: RecordOutcome) {
        switch outcome {
        case .blank: blankLines += 1
        case .quarantined(let record):
            quarantined += 1
            quarantineReasons[ImportSummary.reasonKind(record.reason), default: 0] += 1
        case .row(let row): count(row.recognized)
        }
    }

    private mutating func count(_ row: RecognizedRow) {
        rows += 1
        let p = row.provenance
        shapes[row.shape.index] += 1
        origins[p.origin.ordinal] += 1
        firstSlices.add(p.slices.first ?? "(none)")
        generators.add(p.generator ?? "(none)")
        for field in row.conflicts { conflicts[field.ordinal] += 1 }
        for slice in p.slices where slices.add(slice) {
            slices.flagLast(config.slice(named: slice) == nil)
        }
        for name in row.unused { unused.add(name) }
    }

    /// Adds these counts to `summary`'s tables.
    func add(to summary: inout ImportSummary) {
        summary.rows += rows
        summary.quarantined += quarantined
        summary.blankLines += blankLines
        for (shape, n) in zip(RowShape.allCases, shapes) where n > 0 { summary.byShape[shape.rawValue, default: 0] += n }
        for (origin, n) in zip(Origin.allCases, origins) where n > 0 { summary.byOrigin[origin.rawValue, default: 0] += n }
        for (field, n) in zip(RowField.allCases, conflicts) where n > 0 { summary.conflicts[field.rawValue, default: 0] += n }
        firstSlices.forEach { name, n, _ in summary.bySlice[name, default: 0] += n }
        generators.forEach { name, n, _ in summary.byGenerator[name, default: 0] += n }
        slices.forEach { name, n, unknown in if unknown { summary.unknownSlices[name, default: 0] += n } }
        unused.forEach { name, n, _ in summary.unusedMembers[name, default: 0] += n }
        for (reason, n) in quarantineReasons { summary.quarantineReasons[reason, default: 0] += n }
    }
}

/// Counts per name, for the few distinct names a column has: looked up by comparing against
/// the names seen so far (a short String comparison each), with a dictionary index only once
/// there are many, so a column of all-distinct values stays linear.
struct NameCounts {
    private var names: [String] = []
    private var counts: [Int] = []
    /// A yes/no decided once per name, when it is first seen (`flagLast`).
    private var flags: [Bool] = []
    private var index: [String: Int] = [:]
    private static let scanLimit = 16

    /// Counts `name` once; true when it was not seen before.
    @discardableResult
    mutating func add(_ name: String) -> Bool {
        if let slot = slot(of: name) {
            counts[slot] += 1
            return false
        }
        names.append(name)
        counts.append(1)
        flags.append(false)
        if names.count > Self.scanLimit {
            if index.isEmpty {
                for (i, n) in names.enumerated() { index[n] = i }
            } else {
                index[name] = names.count - 1
            }
        }
        return true
    }

    /// Sets the flag of the name `add` has just seen for the first time.
    mutating func flagLast(_ flag: Bool) { flags[flags.count - 1] = flag }

    private func slot(of name: String) -> Int? {
        if names.count > Self.scanLimit { return index[name] }
        for i in names.indices where names[i] == name { return i }
        return nil
    }

    func forEach(_ body: (_ name: String, _ count: Int, _ flag: Bool) -> Void) {
        for i in names.indices { body(names[i], counts[i], flags[i]) }
    }
}

extension ImportSummary {
    /// Adds a worker's tally (its counts of some records) to these.
    mutating func merge(_ tally: SummaryTally) { tally.add(to: &self) }
}


private extension Origin {
    var ordinal: Int {
        switch self {
        case .human: return 0
        case .synthetic: return 1
        case .unknown: return 2
        }
    }
}
