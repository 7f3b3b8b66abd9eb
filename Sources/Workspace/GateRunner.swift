import Foundation
import GRDB
import Gates
import ProvenanceLog
import WinnowCore

/// The gates a run applies: per-row checks (run on all cores) and the corpus checks (exact and
/// near duplicates, template lock-in) that compare rows with each other. Built from the config
/// by `GateSuite.make`.
struct GateSuite {
    /// Findings for one row; must be safe to call from several threads.
    var perRow: @Sendable (GateRow) -> [GateFinding]
    /// The corpus gates' settings; nil runs none (tests of the bookkeeping).
    var corpus: CorpusGates?
    /// Hash of the settings, recorded with every run.
    var configHash: String
}

/// Settings of the corpus gates.
struct CorpusGates: Sendable {
    var near: NearDuplicateOptions
    var template: TemplateLockInOptions
}

/// What a gate run changed.
public struct GateRunSummary: Sendable {
    public var rows = 0
    /// Rows the new ones were checked against (0 for a run over everything).
    public var existing = 0
    public var incremental = false
    public var flagged = 0
    public var rejected = 0
    /// Rows the classifier gave a slice: routing, not a finding, so never counted as flagged.
    public var tagged = 0
    public var cleared = 0
    public var unchanged = 0
    public var byGate: [String: Int] = [:]
    public var warnings: [String] = []
}

/// Runs the gates and logs what changed: a verdict for every (row, gate) whose flag is new or
/// different, a `clear` for every flag a rerun no longer finds, all in one verdict file pinned
/// by one `gate-run` entry. A rerun with nothing changed and no new row writes nothing, so gates
/// can run after every command; a run over new rows is logged even when it finds nothing, so
/// the log says which rows the gates have seen.
///
/// After an import only the new rows are read: per-row gates run on them alone, and the corpus
/// gates check them against what `gate_keys` keeps of the existing rows (see
/// `GateRunner+Corpus`). A run over everything (`gates --rerun`, changed settings, an index
/// without complete keys) reads every row and refills the keys.
final class GateRunner {
    let paths: WorkspacePaths
    let index: RowIndex
    let log: any LogAppender
    let suite: GateSuite

    init(paths: WorkspacePaths, index: RowIndex, log: any LogAppender, suite: GateSuite) {
        self.paths = paths
        self.index = index
        self.log = log
        self.suite = suite
    }

    /// Rows read, gated and fed to the corpus pass per chunk.
    static let chunkSize = 8192

    /// The most parts parallel work is split into: four per core, so a slow part does not
    /// leave the other cores idle at the end.
    static let maxParts = ProcessInfo.processInfo.activeProcessorCount * 4

    /// Gates the rows imported since the last run, or every row when `everything` is asked for
    /// or the last run's state cannot be used.
    func run(everything: Bool = false) throws -> GateRunSummary {
        let gated = try index.gatedThrough()
        let keys = try index.gateKeysThrough()
        if !everything, let gated, gated.config == suite.configHash, keys?.n == gated.n, keys?.config == suite.configHash {
            return try runNew(after: gated.n)
        }
        return try runAll()
    }

    /// A row read and gated: its per-row findings and what the corpus gates need of it.
    struct GatedRow {
        var n: Int64
        var row: GateRow
        var contentHash: String
        var findings: [GateFinding] = []
        /// The per-row findings folded into one flag per gate (on the worker, not the run's thread).
        var flags: [String: GateFlag] = [:]
        var exact: ExactDuplicateDetector.RowKeys?
        var template: TemplateLockInDetector.BatchKeys?
        /// The near-duplicate gate's signature of the row.
        var signature: NearDuplicateSignature?
    }

    /// The keys a chunk's rows keep for later runs (`bands`: each row's near-duplicate band
    /// keys, in row order), read field by field rather than by copying each row.
    static func gateKeys(_ rows: [GatedRow], bands: [[UInt8]?]) -> [RowIndex.GateKeys] {
        // One band entry per row: the runs add every row of a gated chunk to the detector.
        precondition(bands.count == rows.count, "band keys for \(bands.count) of \(rows.count) rows")
        return rows.indices.map { i in
            RowIndex.GateKeys(n: rows[i].n, textKey: rows[i].exact?.textKeyBytes, bands: bands[i],
                              opening: rows[i].template?.opening, skeleton: rows[i].template?.skeleton)
        }
    }

    /// The rows after `after`, a chunk at a time, each read and gated on all cores.
    ///
    /// The next chunk is read and gated in the background while `body` takes the current one:
    /// `body` (the corpus gates' bookkeeping, the verdict diff, storing keys) runs on one
    /// thread, and without the overlap the other cores would wait for it at every chunk. Chunks
    /// still reach `body` one at a time and in row order.
    func forEachChunk(after: Int64, _ body: ([GatedRow]) throws -> Void) throws {
        let context = UnsafeSendable((suite: suite, index: index, stores: StorePool(paths: paths, index: index)))
        // RowIndex serialises its reads and writes (a GRDB queue), so the background scan and
        // `body`'s writes to the gate keys take turns on the connection.
        func start(after: Int64) -> Prefetch<(rows: [GatedRow], last: Int64?)> {
            Prefetch {
                let (suite, index, stores) = context.value
                let chunk = try index.scanRows(after: after, limit: Self.chunkSize)
                guard let last = chunk.last else { return ([], nil) }
                return (try Self.gate(chunk, suite, stores: stores), last.n)
            }
        }
        var next = start(after: after)
        while true {
            let (rows, last) = try next.wait()
            guard let last else { break }
            next = start(after: last)
            do { try body(rows) } catch {
                _ = try? next.wait()  // never leave a worker reading behind a failed run
                throw error
            }
        }
    }

    /// Reads the rows' texts and runs the per-row gates and the corpus gates' keys, on all
    /// cores (each part of the chunk with its own store from `stores`: a store's scratch
    /// buffers are not shared).
    static func gate(_ chunk: [(n: Int64, row: IndexedRow)], _ suite: GateSuite, stores: StorePool) throws -> [GatedRow] {
        let parts = max(1, min(StorePool.size, chunk.count / 256 + 1))
        let slots = UnsafeSlots<Result<[GatedRow], Error>>(count: parts)
        chunk.withUnsafeBufferPointer { buffer in
            let shared = UnsafeSendable(buffer)
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                let lower = shared.value.count * part / parts, upper = shared.value.count * (part + 1) / parts
                let store = stores.store(part)
                var signer = suite.corpus.map { NearDuplicateSigner(options: $0.near) }
                var out: [GatedRow] = []
                out.reserveCapacity(upper - lower)
                do {
                    let span = shared.value[lower..<upper]
                    let texts = try store.texts(of: span.lazy.map(\.row))
                    for ((n, indexed), text) in zip(span, texts) {
                        let row = Self.gateRow(indexed, text: text)
                        var gated = GatedRow(n: n, row: row, contentHash: indexed.contentHash)
                        gated.findings = suite.perRow(row)
                        for (gate, group) in Dictionary(grouping: gated.findings, by: \.gate) {
                            gated.flags[gate] = GateFlag.combine(row: row.id, gate: gate, group)
                        }
                        if let corpus = suite.corpus, signer != nil {
                            // One word scan of the full text gives the exact key and, when the
                            // near-duplicate gate compares the full text, its signature too.
                            signer!.tokenize(row.text, .full)
                            gated.exact = signer!.exactKeys(contentHash: indexed.contentHash)
                            if corpus.near.text != .full { signer!.tokenize(row.text, corpus.near.text) }
                            gated.signature = signer!.signature()
                            gated.template = TemplateLockInDetector.keys(of: row, options: corpus.template)
                        }
                        out.append(gated)
                    }
                    slots.set(part, .success(out))
                } catch {
                    slots.set(part, .failure(error))
                }
                store.closeFiles()  // the store is kept for the run, its descriptors are not
            }
        }
        var rows: [GatedRow] = []
        rows.reserveCapacity(chunk.count)
        for result in slots.values { rows += try result.get() }
        return rows
    }

    /// A stored row as the gates see it. A slice the classifier gave is not the row's own: the
    /// row is left without it, so the classifier judges it afresh.
    static func gateRow(_ indexed: IndexedRow, text: RowText) -> GateRow {
        var provenance = indexed.provenance
        if indexed.sliceTagged { provenance.slices = [] }
        return GateRow(id: indexed.id, shape: indexed.shape, provenance: provenance, text: text)
    }

    /// Texts of stored rows, read on all cores (each worker with its own store).
    func gateRows(_ numbers: [Int64]) throws -> [Int64: GateRow] {
        let rows = try index.rows(numbers: numbers).sorted { $0.key < $1.key }
        let parts = max(1, min(Self.maxParts, rows.count / 64 + 1))
        let slots = UnsafeSlots<Result<[(Int64, GateRow)], Error>>(count: parts)
        let sharedIndex = UnsafeSendable(index), paths = paths
        rows.withUnsafeBufferPointer { buffer in
            let shared = UnsafeSendable(buffer)
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                let lower = shared.value.count * part / parts, upper = shared.value.count * (part + 1) / parts
                let store = RowStore(paths: paths, index: sharedIndex.value)
                do {
                    let span = shared.value[lower..<upper]
                    let texts = try store.texts(of: span.lazy.map(\.value))
                    slots.set(part, .success(zip(span, texts).map { entry, text in (entry.key, Self.gateRow(entry.value, text: text)) }))
                } catch {
                    slots.set(part, .failure(error))
                }
            }
        }
        var result: [Int64: GateRow] = [:]
        for slot in slots.values { for (n, row) in try slot.get() { result[n] = row } }
        return result
    }

    /// The template report of whole groups from their rows' keys (see
    /// `TemplateLockInDetector.report(groups:)`), reading the answers it needs on all cores.
    func templateReport(_ groups: [TemplateGroupKey: [(n: Int64, row: TemplateLockInDetector.KeyedRow)]],
                        options: TemplateLockInOptions) throws -> TemplateLockInReport {
        let list = groups.map { (generator: $0.key.generator, template: $0.key.template, rows: $0.value.map(\.row)) }
        return try TemplateLockInDetector.report(groups: list, options: options) { wanted in
            // The rows' numbers for the few thousand ids wanted, looked up among the members (a
            // table of every member's number, a million ids inserted one by one, was a third of
            // the report's time).
            let wantedIDs = Set(wanted)
            var numbers: [Int64] = []
            numbers.reserveCapacity(wantedIDs.count)
            for (_, members) in groups { for member in members where wantedIDs.contains(member.row.id) { numbers.append(member.n) } }
            var answers: [String: String] = [:]
            for (_, row) in try gateRows(numbers) { answers[row.id] = TemplateLockInDetector.answer(of: row) }
            return answers
        }
    }

    /// The gates that compare rows with each other (the rest judge each row alone).
    static let corpusGates: Set<String> = ["exact-duplicate", "near-duplicate", "template"]

    /// A run's verdicts as the lines of its verdict file, written to a temporary file in
    /// `gates/` as they are decided and hashed on the way: a whole run over a million rows has
    /// hundreds of thousands (97 MB of lines at make_rows' million), which held in memory sat
    /// beside the near-duplicate signatures at the run's peak. `commit` names the file by its
    /// SHA-256. A run that fails before that, or logs nothing, leaves no file: the temporary
    /// one is removed, or, when the process was killed, by the next session that opens the
    /// workspace (`WorkspaceSession.removeAbandonedCopies`). One that fails after it leaves a
    /// file named by its hash that no entry pins.
    final class VerdictLines {
        private(set) var count = 0
        private let paths: WorkspacePaths
        private var hash = StreamingHash()
        private var copy: SourceCopy?
        private var committed = false

        init(paths: WorkspacePaths) {
            self.paths = paths
        }

        deinit {
            if !committed { copy?.discard() }
        }

        private func write(_ bytes: [UInt8]) throws {
            if copy == nil {
                try WorkspaceCreator.makeDirectory(paths.gates)
                copy = try SourceCopy(path: paths.gates + "/.writing-\(getpid())-\(UInt64.random(in: 0 ... .max))", what: "gate verdict file")
            }
            try bytes.withUnsafeBytes { buffer in
                try copy!.write(buffer)
                hash.update(buffer)
            }
        }

        func add(_ verdict: GatePayload) throws {
            try write(verdict.verdictLine + [0x0A])
            count += 1
        }

        /// Adds verdicts in order, encoding them on all cores (canonical JSON of a third of a
        /// million verdicts is seconds of work on one).
        func add(contentsOf verdicts: [GatePayload]) throws {
            guard verdicts.count > 256 else {
                for verdict in verdicts { try add(verdict) }
                return
            }
            let parts = max(1, min(GateRunner.maxParts, verdicts.count / 256))
            let slots = UnsafeSlots<[UInt8]>(count: parts)
            let shared = UnsafeSendable(verdicts)
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                let all = shared.value
                var out: [UInt8] = []
                for verdict in all[(all.count * part / parts)..<(all.count * (part + 1) / parts)] {
                    out += verdict.verdictLine
                    out.append(0x0A)
                }
                slots.set(part, out)
            }
            for part in slots.values { try write(part) }
            count += verdicts.count
        }

        /// Flushes the file and names it `gates/<sha256>.jsonl` (an empty file for a run with
        /// no verdict); returns the hash. A file of that hash already there (the same verdicts
        /// written before) is checked and kept.
        func commit() throws -> String {
            let sha = hash.finalizeHex()
            let final = paths.verdictFile(sha)
            if FileManager.default.fileExists(atPath: final) {
                _ = try GateVerdictFile.read(final, expected: sha, display: paths.display(final), seq: nil)
                copy?.discard()
                copy = nil
                return sha
            }
            if copy == nil { try write([]) }
            try copy!.commit(to: final)
            committed = true
            return sha
        }
    }

    /// A run's empty verdict lines, with the index's verdict stage emptied to match.
    func newVerdictLines() throws -> VerdictLines {
        try index.clearGateVerdictStage()
        return VerdictLines(paths: paths)
    }

    /// Adds the verdicts that bring the index's flags to `desired` for the (row, gate) pairs the
    /// run evaluated (`gates` nil: all of the row's), in the given row order then gate order,
    /// to the lines and to the index's verdict stage (by the rows' numbers, `n`).
    func diff(
        desired: [String: [String: GateFlag]], current: [String: [String: GateFlag]],
        order: [(n: Int64, id: String, gates: Set<String>?)], summary: inout GateRunSummary, into out: VerdictLines
    ) throws {
        var verdicts: [GatePayload] = [], numbers: [Int64] = []
        for (n, id, evaluated) in order {
            let want = desired[id] ?? [:], have = current[id] ?? [:]
            if want.isEmpty && have.isEmpty { continue }
            var gates = Set(want.keys).union(have.keys)
            if let evaluated { gates.formIntersection(evaluated) }
            for gate in gates.sorted() {
                switch (want[gate], have[gate]) {
                case let (flag?, old) where old != flag:
                    let action = gate == GateSuite.tagGate ? GatePayload.Action.tag : GatePayload.Action(flag.action)
                    verdicts.append(GatePayload(gate: gate, action: action, row: id, reason: flag.reason, detail: flag.detail))
                    numbers.append(n)
                    if action == .tag { summary.tagged += 1 } else if flag.action == .reject { summary.rejected += 1 } else { summary.flagged += 1 }
                    summary.byGate[gate, default: 0] += 1
                case (nil, let old?):
                    verdicts.append(GatePayload(gate: gate, action: .clear, row: id, reason: old.reason))
                    numbers.append(n)
                    summary.cleared += 1
                default:
                    summary.unchanged += 1
                }
            }
        }
        try out.add(contentsOf: verdicts)
        try index.stageGateVerdicts(verdicts, numbers: numbers)
    }

    /// Folds findings into one flag per (row, gate).
    static func flags(_ findings: [String: [GateFinding]]) -> [String: [String: GateFlag]] {
        var desired: [String: [String: GateFlag]] = [:]
        for (id, list) in findings {
            for (gate, group) in Dictionary(grouping: list, by: \.gate) {
                desired[id, default: [:]][gate] = GateFlag.combine(row: id, gate: gate, group)
            }
        }
        return desired
    }

    /// Writes the verdicts to their file and logs the run as one `gate-run` entry, applied to
    /// the index once it is on disk, with the kept keys marked complete through the run's last
    /// row. A run that changed nothing and saw no new row logs nothing. `last` is the last row
    /// the run saw (rows imported meanwhile are the next run's).
    func append(_ lines: VerdictLines, scope: GateRunPayload.Scope, rows: Int, last: (n: Int64, id: String)?) throws {
        var timing = PhaseTiming.gates()
        try append(lines, scope: scope, rows: rows, last: last, timing: &timing)
    }

    func append(_ lines: VerdictLines, scope: GateRunPayload.Scope, rows: Int, last: (n: Int64, id: String)?,
                timing: inout PhaseTiming) throws {
        let gated = try index.gatedThrough()
        let config = suite.configHash, through = last?.n ?? 0
        if lines.count == 0 && gated?.config == config && gated?.n == through {
            // A rerun that changes nothing and sees no new row writes nothing.
            try index.write { db in try RowIndex.setGateKeysThrough(through, config: config, in: db) }
            return
        }
        // A run over new rows (or under new settings) is logged even when it found nothing, with
        // an empty verdict file: how far the gates have seen is then the log's to say, so a
        // reindex restores it and rows the gates passed never count as pending (about 500 bytes
        // a run, not a row).
        let sha = try lines.commit()
        timing.mark("verdict file written")
        let run = GateRunPayload(verdicts: sha, count: lines.count, config: config, scope: scope, rows: rows, through: last?.id)
        let display = paths.display(paths.verdictFile(sha))
        _ = try index.appendAndApply([run], to: log) { entry, db in
            // The stage holds the run's verdicts unless something emptied it meanwhile: then,
            // and for a run small enough to apply one by one, the file is read back.
            if lines.count >= RowIndex.bulkApplyThreshold, try RowIndex.stagedVerdicts(db) == run.count {
                try RowIndex.apply(stagedGateRun: run, seq: entry.seq, in: db)
            } else {
                let bytes = try GateVerdictFile.read(paths.verdictFile(sha), expected: sha, display: display, seq: entry.seq)
                let verdicts = try GateVerdictFile.parse(bytes, of: run, seq: entry.seq, display: display)
                try RowIndex.apply(gateRun: run, verdicts: verdicts, seq: entry.seq, in: db)
            }
            try RowIndex.setGateKeysThrough(through, config: config, in: db)
        }
        timing.mark("logged and applied")
    }
}

extension PhaseTiming {
    /// A gate run's phases on stderr when `WINNOW_GATE_TIMING` is set.
    static func gates() -> PhaseTiming { PhaseTiming("gates", variable: "WINNOW_GATE_TIMING") }
}

/// The stores a run's chunks are read with, one per part of a chunk, kept from chunk to chunk.
///
/// A store made afresh for every part of every chunk (a thousand at a million rows) looked up
/// its source's import options in the index and rebuilt its recognizer each time, through the
/// index's one queue that the run's own writes keep busy. Chunks are gated one at a time and
/// part `k` of a chunk runs on one worker, so store `k` is never used by two threads at once.
/// Each part closes its store's files when it is done: kept open, every store would hold every
/// large source for the whole run (four stores a core, times the sources).
final class StorePool: @unchecked Sendable {
    /// The most parts a chunk is split into.
    static let size = GateRunner.maxParts
    private let stores: [RowStore]

    init(paths: WorkspacePaths, index: RowIndex) {
        stores = (0..<Self.size).map { _ in RowStore(paths: paths, index: index) }
    }

    func store(_ part: Int) -> RowStore { stores[part] }
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

/// Work started on another thread now, its result (or error) taken later with `wait()`.
final class Prefetch<T>: @unchecked Sendable {
    private let finished = DispatchSemaphore(value: 0)
    private var result: Result<T, Error>?

    init(_ work: @escaping @Sendable () throws -> T) {
        DispatchQueue.global(qos: .userInitiated).async {
            self.result = Result { try work() }
            self.finished.signal()
        }
    }

    /// The result, once the work is done. Called from one thread (the one that started it).
    func wait() throws -> T {
        if !waited {
            finished.wait()
            waited = true
        }
        return try result!.get()
    }
    private var waited = false
}

struct UnsafeSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
