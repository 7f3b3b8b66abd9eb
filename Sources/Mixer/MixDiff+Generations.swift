import Foundation
import WinnowCore

extension MixDiff {
    /// The two mixes side by side by generation and by fresh human data: whether the new round
    /// leans more on models trained on earlier mixes, and whether its human rows are new to the
    /// lineage or the same ones again. Each mix's human rows are judged against the lineage of
    /// its own generators.
    public struct RoundColumns: Sendable {
        /// Synthetic copies per generation: (generation, before, after), oldest first.
        public var generations: [(generation: Int, before: Int, after: Int)] = []
        public var fresh = (before: 0, after: 0)
        public var reused = (before: 0, after: 0)

        public init() {}

        init(before: RowCopies, after: RowCopies, lineage: MixLineage) {
            var byGeneration: [Int: (before: Int, after: Int)] = [:]
            for (side, rows) in [(0, before), (1, after)] {
                let used = lineage.humanRowsUsed(before: Set(rows.values.filter { $0.kind != MixKind.human.rawValue }.compactMap(\.generator)))
                var fresh = 0, reused = 0
                for (id, row) in rows {
                    if row.kind == MixKind.human.rawValue {
                        if used.contains(id) { reused += row.copies } else { fresh += row.copies }
                    } else {
                        let g = lineage.generation(of: row.generator)
                        if side == 0 { byGeneration[g, default: (0, 0)].before += row.copies } else { byGeneration[g, default: (0, 0)].after += row.copies }
                    }
                }
                if side == 0 { self.fresh.before = fresh; self.reused.before = reused } else { self.fresh.after = fresh; self.reused.after = reused }
            }
            generations = byGeneration.sorted { $0.key < $1.key }.map { ($0.key, $0.value.before, $0.value.after) }
        }

        static let barWidth = 20

        /// A line per generation and for the human rows, with a bar of the later mix's share.
        var lines: [String] {
            let total = generations.reduce(0) { $0 + $1.after } + fresh.after + reused.after
            func bar(_ n: Int) -> String {
                total == 0 || n == 0 ? "" : "  " + String(repeating: "#", count: max(1, Int((Double(n) * Double(Self.barWidth) / Double(total)).rounded())))
            }
            var out = ["  by round (earlier -> this mix):"]
            out.append(String(format: "    fresh human     %7d -> %-7d", fresh.before, fresh.after) + bar(fresh.after))
            out.append(String(format: "    reused human    %7d -> %-7d", reused.before, reused.after) + bar(reused.after))
            for g in generations {
                out.append(String(format: "    generation %-4d %7d -> %-7d", g.generation, g.before, g.after) + bar(g.after))
            }
            return out
        }

        var json: JSONValue {
            .array(generations.map { .object([("generation", .int($0.generation)), ("before", .int($0.before)), ("after", .int($0.after))]) })
        }
    }
}
