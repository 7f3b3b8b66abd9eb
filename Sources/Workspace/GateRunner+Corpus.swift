import Foundation
import Gates
import ProvenanceLog
import WinnowCore

/// The two kinds of run. Both end in `diff` and `append`; they differ in what they read.
extension GateRunner {
    /// Every row through every gate; the kept keys are rebuilt on the way.
    func runAll() throws -> GateRunSummary {
        var timing = PhaseTiming.gates()
        try index.invalidateGateKeys(everything: true)
        var summary = GateRunSummary()
        let lines = try newVerdictLines()
        // Per-row verdicts are decided chunk by chunk and kept only as verdict lines; the corpus
        // gates' flags wait for the end. A million rows' flags are never held at once.
        var desired: [String: [String: GateFlag]] = [:]
        func found(_ id: String, _ finding: GateFinding) {
            desired[id, default: [:]][finding.gate] = GateFlag.combine(row: id, gate: finding.gate, [finding])
        }
        var order: [(n: Int64, id: String)] = []
        var last: (n: Int64, id: String)?
        let rowCount = try index.rowCount()
        var exact: ExactDuplicateDetector? = ExactDuplicateDetector()
        exact?.reserveCapacity(rowCount)
        var near = suite.corpus.map { NearDuplicateDetector(options: $0.near) }
        near?.reserveCapacity(rowCount)
        // Template batches by their rows' keys (computed on the workers); the report reads only
        // the answers it samples or quotes.
        var groups: [TemplateGroupKey: [(n: Int64, row: TemplateLockInDetector.KeyedRow)]] = [:]
        try forEachChunk(after: 0) { rows in
            guard let firstRow = rows.first, let lastRow = rows.last else { return }
            var chunkDesired: [String: [String: GateFlag]] = [:]
            var chunkCurrent: [String: [String: GateFlag]] = [:]
            for (_, row) in try index.flags(from: firstRow.n, through: lastRow.n) {
                let own = row.flags.filter { !Self.corpusGates.contains($0.key) }
                if !own.isEmpty { chunkCurrent[row.id] = own }
            }
            let first = near?.count ?? 0
            // By index, field by field: `for row in rows` copied each whole GatedRow (a dozen
            // references retained and released) on this thread, which the workers wait for.
            for i in rows.indices {
                let id = rows[i].row.id
                if !rows[i].flags.isEmpty { chunkDesired[id] = rows[i].flags }
                order.append((rows[i].n, id))
                guard let keys = rows[i].exact else { continue }
                if let finding = exact!.add(id: id, keys: keys) { found(id, finding) }
                if let signature = rows[i].signature { near?.add(id: id, signature: signature) }
                if let template = rows[i].template {
                    groups[TemplateGroupKey(rows[i].row.provenance), default: []].append((rows[i].n, .init(id: id, keys: template)))
                }
            }
            try diff(desired: chunkDesired, current: chunkCurrent, order: rows.map { ($0.n, $0.row.id, nil) }, summary: &summary, into: lines)
            last = (lastRow.n, lastRow.row.id)
            guard suite.corpus != nil, near != nil else { return }
            let bands = NearDuplicateIncrement.bandKeyBytes(&near!, rows: first..<(first + rows.count))
            try index.storeGateKeys(Self.gateKeys(rows, bands: bands))
        }
        timing.mark("rows gated, keys stored")
        // Each detector is let go as soon as it has reported (the signatures alone are 512 MB
        // at a million rows).
        exact = nil
        if let report = near?.finish() {
            near = nil
            for (id, finding) in report.findings { found(id, finding) }
        }
        timing.mark("near-duplicate clusters")
        if let corpus = suite.corpus {
            for (id, finding) in try templateReport(groups, options: corpus.template).findings { found(id, finding) }
            groups = [:]
        }
        timing.mark("template report")
        // The corpus gates' verdicts, in row order.
        var current: [String: [String: GateFlag]] = [:]
        for (_, row) in try index.flags(after: Int64.max, orOf: Array(Self.corpusGates)) { current[row.id] = row.flags }
        let corpusOrder = order.lazy.filter { desired[$0.id] != nil || current[$0.id] != nil }.map { ($0.n, $0.id, Optional(Self.corpusGates)) }
        try diff(desired: desired, current: current, order: Array(corpusOrder), summary: &summary, into: lines)
        summary.rows = order.count
        desired = [:]
        order = []
        timing.mark("corpus verdicts")
        try append(lines, scope: .all, rows: summary.rows, last: last, timing: &timing)
        return summary
    }

    /// The rows after `start` through every gate, checked against the rows up to `start` by
    /// their kept keys; verdicts of existing rows change only where a new row changes them
    /// (a near-duplicate cluster it joins, a template batch it grows).
    func runNew(after start: Int64) throws -> GateRunSummary {
        guard let corpus = suite.corpus else { return try runNewPerRowOnly(after: start) }
        var summary = GateRunSummary()
        summary.incremental = true
        var fresh: [GatedRow] = []
        var near = NearDuplicateDetector(options: corpus.near)
        try forEachChunk(after: start) { rows in
            let first = near.count
            for row in rows { if let signature = row.signature { near.add(id: row.row.id, signature: signature) } }
            let bands = NearDuplicateIncrement.bandKeyBytes(&near, rows: first..<(first + rows.count))
            try index.storeGateKeys(Self.gateKeys(rows, bands: bands))
            // Texts are not kept past their chunk: the corpus gates need only the keys now.
            fresh += rows.map { row in
                var kept = row
                kept.row.text = RowText(segments: [])
                kept.signature = nil
                return kept
            }
        }
        guard !fresh.isEmpty else { return summary }
        summary.rows = fresh.count

        // One pass over the existing rows' keys feeds all three corpus gates.
        var increment = NearDuplicateIncrement(new: near, positions: fresh.map(\.n))
        var exact = ExactDuplicateDetector()
        exact.reserveCapacity(Int(start) + fresh.count)
        typealias Group = TemplateGroupKey
        let touched = Set(fresh.compactMap { $0.template == nil ? nil : Group($0.row.provenance) })
        var groups: [Group: [(n: Int64, row: TemplateLockInDetector.KeyedRow)]] = [:]
        try index.scanGateKeys(through: start) { existing in
            summary.existing += 1
            _ = exact.add(id: existing.id, keys: .init(contentHashBytes: existing.contentHash, textKeyBytes: existing.textKey))
            increment.visit(position: existing.n, bandKeys: existing.bands)
            if let opening = existing.opening, let skeleton = existing.skeleton {
                let group = Group(generator: existing.generator ?? "-", template: existing.template ?? "-")
                if touched.contains(group) {
                    groups[group, default: []].append((existing.n, .init(id: existing.id, keys: .init(opening: opening, skeleton: skeleton))))
                }
            }
        }

        var findings: [String: [GateFinding]] = [:]
        for row in fresh {
            if !row.findings.isEmpty { findings[row.row.id, default: []] += row.findings }
            if let keys = row.exact, let finding = exact.add(id: row.row.id, keys: keys) {
                findings[row.row.id, default: []].append(finding)
            }
            if let keys = row.template {
                groups[Group(row.row.provenance), default: []].append((row.n, .init(id: row.row.id, keys: keys)))
            }
        }
        var order: [Int64: (id: String, gates: Set<String>)] = [:]
        let store = RowStore(paths: paths, index: index)

        // Near duplicates: new pairs, merged into the clusters the existing rows' verdicts name.
        let current = try index.flags(after: start, orOf: ["near-duplicate", "template"])
        var ids: [Int64: String] = Dictionary(uniqueKeysWithValues: fresh.map { ($0.n, $0.row.id) })
        let pairs = try increment.pairs { numbers in
            var texts: [Int64: String] = [:]
            for (n, row) in try index.rows(numbers: numbers) {
                ids[n] = row.id
                texts[n] = NearDuplicateDetector.comparedText(of: try store.text(of: row), corpus.near.text)
            }
            return texts
        }
        var standing: [Int64: NearDuplicateIncrement.Standing] = [:]
        for (n, row) in current where n <= start {
            guard let flag = row.flags["near-duplicate"], let match = flag.detail["matches"]?.arrayValue?.first,
                  let cluster = match["cluster"]?.stringValue, let neighbour = match["neighbour"]?.stringValue,
                  let similarity = match["similarity"]?.doubleValue else { continue }
            standing[n] = .init(id: row.id, cluster: cluster, neighbour: neighbour,
                                agreement: Int((similarity * Double(corpus.near.permutations)).rounded()))
        }
        let matches = NearDuplicateIncrement.merge(pairs: pairs, standing: standing, ids: ids, permutations: corpus.near.permutations)
        for (n, match) in matches {
            findings[match.id, default: []].append(NearDuplicateReport.finding(for: match))
            if n <= start { order[n, default: (match.id, [])].gates.insert("near-duplicate") }
        }

        // Template lock-in: the groups new rows joined, recomputed from their keys.
        let report = try templateReport(groups, options: corpus.template)
        for (id, finding) in report.findings { findings[id, default: []].append(finding) }
        // An existing row of a recomputed batch can change only if it has a template verdict
        // now or gets one: those are the rows to compare (not the batches' every row).
        let echoing = Set(report.findings.map(\.id))
        for (_, members) in groups {
            for member in members where member.n <= start
                && (echoing.contains(member.row.id) || current[member.n]?.flags["template"] != nil) {
                order[member.n, default: (member.row.id, [])].gates.insert("template")
            }
        }

        var currentByID: [String: [String: GateFlag]] = [:]
        for (_, row) in current { currentByID[row.id] = row.flags }
        let rowOrder = order.sorted { $0.key < $1.key }.map { (n: $0.key, id: $0.value.id, gates: Optional($0.value.gates)) }
            + fresh.map { (n: $0.n, id: $0.row.id, gates: nil) }
        let lines = try newVerdictLines()
        try diff(desired: Self.flags(findings), current: currentByID, order: rowOrder, summary: &summary, into: lines)
        try append(lines, scope: .new, rows: fresh.count, last: fresh.last.map { ($0.n, $0.row.id) })
        return summary
    }

    /// New rows through the per-row gates only (a suite without corpus gates).
    func runNewPerRowOnly(after start: Int64) throws -> GateRunSummary {
        var summary = GateRunSummary()
        summary.incremental = true
        var findings: [String: [GateFinding]] = [:]
        var order: [(n: Int64, id: String, gates: Set<String>?)] = []
        var last: (n: Int64, id: String)?
        try forEachChunk(after: start) { rows in
            for row in rows {
                if !row.findings.isEmpty { findings[row.row.id] = row.findings }
                order.append((row.n, row.row.id, nil))
            }
            last = rows.last.map { ($0.n, $0.row.id) }
        }
        guard !order.isEmpty else { return summary }
        summary.rows = order.count
        let current = try index.flags(after: start, orOf: [])
        var currentByID: [String: [String: GateFlag]] = [:]
        for (_, row) in current { currentByID[row.id] = row.flags }
        let lines = try newVerdictLines()
        try diff(desired: Self.flags(findings), current: currentByID, order: order, summary: &summary, into: lines)
        try append(lines, scope: .new, rows: order.count, last: last)
        return summary
    }
}

/// A template batch: generator and template, "-" for a missing one (as the detector groups).
struct TemplateGroupKey: Hashable {
    var generator: String
    var template: String

    init(generator: String, template: String) {
        self.generator = generator
        self.template = template
    }

    init(_ provenance: Provenance) {
        self.init(generator: provenance.generator ?? "-", template: provenance.template ?? "-")
    }
}
