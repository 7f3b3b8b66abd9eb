import Foundation
import WinnowCore

extension MixPool {
    /// The rows one output may draw from: the mix's eligible rows that its format can write,
    /// its row filter takes and its own `max_generation` allows, with what it left out counted
    /// under the reason; then the human rows its generators' lineage already used are marked.
    ///
    /// Why a second pass and not a condition in the scan: the stages of a staged mix share one
    /// scan of the index (the part of a mix that grows with the workspace), and differ only here.
    /// `judge`: for a `judge-kept` output, the cut.
    func narrowed(for spec: MixSpec, judge: MixJudgeCut?, lineage: MixLineageSource) -> MixPool {
        var pool = self
        var kept: [MixCandidate] = []
        kept.reserveCapacity(rows.count)
        var changed = false
        for row in rows {
            if let reason = leftOut(row, spec: spec, judge: judge) {
                pool.excluded[reason, default: 0] += 1
                changed = true
            } else {
                kept.append(row)
            }
        }
        // An output that takes every row keeps the scan's array as it is (no copy of a million rows).
        if changed { pool.rows = kept }
        pool.markUsedHumans(lineage)
        return pool
    }

    /// Why `row` is not for this output, or nil when it is.
    func leftOut(_ row: MixCandidate, spec: MixSpec, judge: MixJudgeCut?) -> String? {
        guard spec.format.accepts(row.shape) else { return "\(row.shape.rawValue) rows have no \(spec.format.rawValue) form" }
        guard spec.rows.takes(row.shape) else {
            return spec.rows == .pairs ? "not a preference pair (rows = \"pairs\")" : "a preference pair (rows = \"non-pairs\")"
        }
        if let most = spec.maxGeneration, row.generation > most {
            return "generation \(row.generation), above max_generation = \(most)"
        }
        guard spec.rows == .judgeKept else { return nil }
        if row.kind.isHuman { return "human-written (rows = \"judge-kept\" takes synthetic rows)" }
        // The judge scored the row as generated; a reviewer's edit is other text.
        if row.kind == .edited { return "edited by a reviewer: the judge scored the text before the edit (rows = \"judge-kept\")" }
        guard let score = row.judgeScore else { return "no judge score (rows = \"judge-kept\")" }
        guard let cut = judge, score >= cut.threshold else {
            return "judge score below the calibrated threshold (rows = \"judge-kept\")"
        }
        return nil
    }
}
