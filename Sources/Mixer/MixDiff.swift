import Foundation
import WinnowCore

/// `winnow mix SPEC --against DIR`: what changed between an earlier mix and this one, row by
/// row (from each row's provenance) and slice by slice, so a rollback or a round of review can
/// be seen in the data rather than taken on trust.
public struct MixDiff: Sendable {
    public struct SliceChange: Sendable {
        public var slice: String
        public var before: Int
        public var after: Int
    }

    public var against: String
    public var added: Int
    public var removed: Int
    public var kept: Int
    public var slices: [SliceChange]
    /// Rows that left, by their kind in the earlier mix (human, synthetic-accepted, ...).
    public var removedByKind: [String: Int]
    public var specChanged: Bool
    public var headBefore: Int
    public var headAfter: Int
    /// Round over round: synthetic copies per generation and human copies fresh or reused, in
    /// each mix, by the lineage as it stands now (`MixDiff+Generations`).
    public var rounds = RoundColumns()

    public static func compare(earlier: String, later: String, lineage: MixLineage = MixLineage()) throws -> MixDiff {
        let old = try MixManifest.read(directory: earlier), new = try MixManifest.read(directory: later)
        let before = try rows(in: earlier, manifest: old), after = try rows(in: later, manifest: new)
        var added = 0, removed = 0, kept = 0
        var removedByKind: [String: Int] = [:]
        for (id, entry) in before {
            let now = after[id]?.copies ?? 0
            kept += min(now, entry.copies)
            if entry.copies > now {
                removed += entry.copies - now
                removedByKind[entry.kind, default: 0] += entry.copies - now
            }
        }
        for (id, entry) in after { added += max(0, entry.copies - (before[id]?.copies ?? 0)) }
        var perSlice: [String: (Int, Int)] = [:]
        for entry in before.values { perSlice[entry.slice, default: (0, 0)].0 += entry.copies }
        for entry in after.values { perSlice[entry.slice, default: (0, 0)].1 += entry.copies }
        return MixDiff(
            against: earlier, added: added, removed: removed, kept: kept,
            slices: perSlice.keys.sorted().map { SliceChange(slice: $0, before: perSlice[$0]!.0, after: perSlice[$0]!.1) },
            removedByKind: removedByKind, specChanged: old.specHash != new.specHash, headBefore: old.headSeq, headAfter: new.headSeq,
            rounds: RoundColumns(before: before, after: after, lineage: lineage))
    }

    typealias RowCopies = [String: (copies: Int, slice: String, kind: String, generator: String?)]

    /// Row id → (copies, slice, kind, generator) over every data file of a mix, from the
    /// provenance each row carries. A mix written with --strip-provenance cannot be compared
    /// row by row.
    static func rows(in directory: String, manifest: MixManifest) throws -> RowCopies {
        guard !manifest.stripProvenance else {
            throw MixError.manifest(path: directory + "/manifest.json",
                                    reason: "this mix was written with --strip-provenance, so its rows cannot be compared one by one")
        }
        var result: RowCopies = [:]
        for name in manifest.outputs.keys.sorted() {
            let path = directory + "/" + name
            try MixLineage.forEachLine(path: path) { number, line in
                guard let value = try? JSONValue.parse(line), let meta = value["metadata"],
                      let id = meta["row"]?.stringValue else {
                    throw MixError.manifest(path: "\(path):\(number)", reason: "a row without winnow provenance (metadata.row)")
                }
                let slice = meta["slice"]?.stringValue ?? "(none)", kind = meta["kind"]?.stringValue ?? "?"
                result[id, default: (0, slice, kind, meta["generator"]?.stringValue)].copies += 1
            }
        }
        return result
    }

    public var lines: [String] {
        var out = ["Against \(against) (log #\(headBefore) then, #\(headAfter) now\(specChanged ? ", spec changed" : ", same spec")):",
                   "  \(kept) rows kept, \(added) added, \(removed) removed"]
        for (kind, n) in removedByKind.sorted(by: { $0.key < $1.key }) { out.append("  removed \(kind): \(n)") }
        for s in slices where s.before != s.after {
            out.append(String(format: "  %@: %d -> %d (%+d)", Sanitiser.clean(s.slice), s.before, s.after, s.after - s.before))
        }
        return out + rounds.lines
    }

    public var json: JSONValue {
        .object([
            ("against", .string(against)), ("kept", .int(kept)), ("added", .int(added)), ("removed", .int(removed)),
            ("removed_by_kind", .object(removedByKind.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })),
            ("spec_changed", .bool(specChanged)), ("head_before", .int(headBefore)), ("head_after", .int(headAfter)),
            ("slices", .array(slices.map { .object([("slice", .string($0.slice)), ("before", .int($0.before)), ("after", .int($0.after))]) })),
            ("generations", rounds.json),
            ("fresh_human_rows", .object([("before", .int(rounds.fresh.before)), ("after", .int(rounds.fresh.after))])),
            ("reused_human_rows", .object([("before", .int(rounds.reused.before)), ("after", .int(rounds.reused.after))])),
        ])
    }
}
