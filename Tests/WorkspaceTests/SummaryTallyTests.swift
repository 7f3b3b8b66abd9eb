import TestSupport
import Testing
@testable import WinnowCore
@testable import Workspace

/// A worker's tally, counted by small keys and merged into the summary's tables, must give the
/// tables counting each record straight into them gives: shapes, origins, first slices,
/// generators, conflicts, quarantine reasons, and slices the config does not define. Names
/// come from a small pool and from a large one (past the tally's linear-scan limit).
@Suite struct SummaryTallyTests {
    /// The straightforward counting the tally replaces.
    static func reference(_ outcomes: [RecordOutcome], config: WorkspaceConfig) -> ImportSummary {
        var s = ImportSummary(file: "")
        for outcome in outcomes {
            switch outcome {
            case .blank: s.blankLines += 1
            case .quarantined(let record):
                s.quarantined += 1
                s.quarantineReasons[ImportSummary.reasonKind(record.reason), default: 0] += 1
            case .row(let row):
                s.rows += 1
                let p = row.recognized.provenance
                s.byShape[row.recognized.shape.rawValue, default: 0] += 1
                s.byOrigin[p.origin.rawValue, default: 0] += 1
                s.bySlice[p.slices.first ?? "(none)", default: 0] += 1
                s.byGenerator[p.generator ?? "(none)", default: 0] += 1
                for field in row.recognized.conflicts { s.conflicts[field.rawValue, default: 0] += 1 }
                for slice in p.slices where config.slice(named: slice) == nil { s.unknownSlices[slice, default: 0] += 1 }
            }
        }
        return s
    }

    static func outcomes(count: Int, names: Int, seed: UInt64) -> [RecordOutcome] {
        var rng = SplitMix64(seed)
        func name(_ prefix: String) -> String { "\(prefix)-\(Int(rng.next() % UInt64(names)))" }
        return (0..<count).map { i in
            switch rng.next() % 10 {
            case 0: return .blank
            case 1: return .quarantined(QuarantinedRecord(line: i, offset: 0, length: 1, reason: ["invalid JSON at column 3: x", "'output' is empty"][i % 2]))
            default:
                var p = Provenance()
                p.origin = Origin.allCases[Int(rng.next() % 3)]
                p.generator = rng.next() % 4 == 0 ? nil : name("gen")
                p.slices = (0..<Int(rng.next() % 3)).map { _ in rng.next() % 2 == 0 ? "general" : name("slice") }
                let conflicts = RowField.allCases.filter { _ in rng.next() % 8 == 0 }
                let row = RecognizedRow(shape: RowShape.allCases[Int(rng.next() % 6)], ownID: nil, provenance: p, conflicts: conflicts)
                return .row(ParsedRow(line: i, offset: 0, length: 1, contentHash: Digest(bytes: [UInt8](repeating: 0, count: 32))!, recognized: row))
            }
        }
    }

    @Test("tallies merged into a summary equal counting into the summary directly", arguments: [3, 40])
    func agreesWithDirectCounting(names: Int) {
        var config = WorkspaceConfig()
        config.slices = [WorkspaceConfig.Slice(name: "general", priority: 0, critical: false, reviewRate: 0, description: "", keywords: []),
                         WorkspaceConfig.Slice(name: "slice-1", priority: 0, critical: false, reviewRate: 0, description: "", keywords: [])]
        let outcomes = Self.outcomes(count: 3000, names: names, seed: UInt64(names))
        var merged = ImportSummary(file: "")
        for part in [outcomes[..<1000], outcomes[1000...]] {
            var tally = SummaryTally(config: config)
            for outcome in part { tally.count(outcome) }
            merged.merge(tally)
        }
        let expected = Self.reference(outcomes, config: config)
        #expect(merged.rows == expected.rows && merged.quarantined == expected.quarantined && merged.blankLines == expected.blankLines)
        #expect(merged.byShape == expected.byShape)
        #expect(merged.byOrigin == expected.byOrigin)
        #expect(merged.bySlice == expected.bySlice)
        #expect(merged.byGenerator == expected.byGenerator)
        #expect(merged.conflicts == expected.conflicts)
        #expect(merged.unknownSlices == expected.unknownSlices)
        #expect(merged.quarantineReasons == expected.quarantineReasons)
    }
}
