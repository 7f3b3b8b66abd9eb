import Foundation
import GRDB
import Gates
import ProvenanceLog
import WinnowCore

/// The gates a run applies: per-row checks (run on all cores) and corpus checks that see every
/// row in turn (duplicates, template lock-in). Built from the config by `GateSuite.make`.
struct GateSuite {
    /// Findings for one row; must be safe to call from several threads.
    var perRow: @Sendable (GateRow) -> [GateFinding]
    /// A fresh corpus pass for one run.
    var corpus: () -> CorpusPass
    /// Hash of the settings, recorded in every verdict.
    var configHash: String
}

/// A corpus check fed the rows in import order, a chunk at a time, so a run never holds every
/// row's text at once; `finish` returns the findings by row id.
struct CorpusPass {
    var add: (CorpusRow) -> Void
    var finish: () -> [String: [GateFinding]]

    static var none: CorpusPass { CorpusPass(add: { _ in }, finish: { [:] }) }
}

/// What corpus gates see of a row.
struct CorpusRow: Sendable {
    var row: GateRow
    var contentHash: String
}

/// What a gate run changed.
public struct GateRunSummary: Sendable {
    public var rows = 0
    public var flagged = 0
    public var rejected = 0
    /// Rows the classifier gave a slice: routing, not a finding, so never counted as flagged.
    public var tagged = 0
    public var cleared = 0
    public var unchanged = 0
    public var byGate: [String: Int] = [:]
    public var warnings: [String] = []
}

/// Runs the gates over the workspace and logs what changed: a verdict for every (row, gate)
/// whose flag is new or different, a `clear` for every flag a rerun no longer finds. A rerun
/// with nothing changed writes nothing, so gates can run after every import and config edit.
final class GateRunner {
    let paths: WorkspacePaths
    let index: RowIndex
    let log: LogFile
    let suite: GateSuite
    static let batchSize = 1000

    init(paths: WorkspacePaths, index: RowIndex, log: LogFile, suite: GateSuite) {
        self.paths = paths
        self.index = index
        self.log = log
        self.suite = suite
    }

    /// Rows read, gated and fed to the corpus pass per chunk.
    static let chunkSize = 8192

    func run() throws -> GateRunSummary {
        var summary = GateRunSummary()
        let store = RowStore(paths: paths, index: index)
        let corpus = suite.corpus()
        var findings: [String: [GateFinding]] = [:]
        var order: [String] = []
        var after: Int64 = 0
        while true {
            let chunk = try index.rows(after: after, limit: Self.chunkSize)
            guard let last = chunk.last else { break }
            after = last.n
            var corpusRows: [CorpusRow] = []
            corpusRows.reserveCapacity(chunk.count)
            for (_, row) in chunk {
                // A slice the classifier gave is not the row's own: let it classify afresh.
                var provenance = row.provenance
                if row.sliceTagged { provenance.slices = [] }
                let gateRow = GateRow(id: row.id, shape: row.shape, provenance: provenance, text: try store.text(of: row))
                corpusRows.append(CorpusRow(row: gateRow, contentHash: row.contentHash))
                order.append(row.id)
            }
            for (id, list) in Self.perRowFindings(corpusRows, suite.perRow) { findings[id, default: []] += list }
            for row in corpusRows { corpus.add(row) }
        }
        summary.rows = order.count
        for (id, extra) in corpus.finish() { findings[id, default: []] += extra }

        var desired: [String: [String: GateFlag]] = [:]
        for (id, list) in findings {
            for (gate, group) in Dictionary(grouping: list, by: \.gate) {
                desired[id, default: [:]][gate] = GateFlag.combine(row: id, gate: gate, group)
            }
        }
        let payloads = diff(desired: desired, current: try index.flags(), order: order, summary: &summary)
        try append(payloads)
        return summary
    }

    /// Per-row gates on all cores; results keyed by row id.
    static func perRowFindings(_ rows: [CorpusRow], _ check: @Sendable (GateRow) -> [GateFinding]) -> [String: [GateFinding]] {
        let parts = max(1, min(ProcessInfo.processInfo.activeProcessorCount * 4, rows.count / 256 + 1))
        let slots = UnsafeSlots<[(String, [GateFinding])]>(count: parts)
        rows.withUnsafeBufferPointer { buffer in
            let shared = UnsafeSendable(buffer)
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                let lower = shared.value.count * part / parts, upper = shared.value.count * (part + 1) / parts
                var out: [(String, [GateFinding])] = []
                for i in lower..<upper {
                    let found = check(shared.value[i].row)
                    if !found.isEmpty { out.append((shared.value[i].row.id, found)) }
                }
                slots.set(part, out)
            }
        }
        var result: [String: [GateFinding]] = [:]
        for part in slots.values { for (id, list) in part { result[id, default: []] += list } }
        return result
    }

    /// The log entries that bring the index's flags to `desired`, in row order then gate order.
    func diff(
        desired: [String: [String: GateFlag]], current: [String: [String: GateFlag]], order: [String],
        summary: inout GateRunSummary
    ) -> [GatePayload] {
        var payloads: [GatePayload] = []
        for id in order {
            let want = desired[id] ?? [:], have = current[id] ?? [:]
            for gate in Set(want.keys).union(have.keys).sorted() {
                switch (want[gate], have[gate]) {
                case let (flag?, old) where old != flag:
                    let action: GatePayload.Action = gate == GateSuite.tagGate ? .tag : flag.action == .reject ? .reject : .flag
                    payloads.append(GatePayload(
                        gate: gate, action: action, row: id, reason: flag.reason, detail: flag.detail, config: suite.configHash))
                    if action == .tag { summary.tagged += 1 } else if flag.action == .reject { summary.rejected += 1 } else { summary.flagged += 1 }
                    summary.byGate[gate, default: 0] += 1
                case (nil, let old?):
                    payloads.append(GatePayload(gate: gate, action: .clear, row: id, reason: old.reason, config: suite.configHash))
                    summary.cleared += 1
                default:
                    summary.unchanged += 1
                }
            }
        }
        return payloads
    }

    /// Appends in locked batches and applies each batch to the index once it is on disk.
    func append(_ payloads: [GatePayload]) throws {
        var start = 0
        while start < payloads.count {
            let batch = Array(payloads[start..<min(start + Self.batchSize, payloads.count)])
            _ = try index.appendAndApply(batch, to: log) { entry, db in
                try RowIndex.apply(try entry.payload(GatePayload.self), seq: entry.seq, in: db)
            }
            start += batch.count
        }
    }
}

/// Result slots written by one worker each, read after all have finished.
final class UnsafeSlots<T>: @unchecked Sendable {
    private let slots: UnsafeMutablePointer<T?>
    private let count: Int
    init(count: Int) {
        self.count = count
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil, count: count)
    }
    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }
    func set(_ index: Int, _ value: T) { slots[index] = value }
    var values: [T] { (0..<count).compactMap { slots[$0] } }
}

struct UnsafeSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
