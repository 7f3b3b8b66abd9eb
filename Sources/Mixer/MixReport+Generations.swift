import Foundation
import WinnowCore

extension MixReport {
    /// What a mix is made of, round over round: its synthetic copies by the generation of the
    /// model that wrote them, and its human copies fresh (held by no earlier mix in the lineage
    /// of its generators) or reused. Without a lineage every synthetic row is generation 0 and
    /// every human row fresh, and the report says nothing of it.
    public struct LineageCounts: Sendable {
        /// Synthetic copies per generation, oldest first.
        public var generations: [(generation: Int, rows: Int)] = []
        public var freshHumans = 0
        public var usedHumans = 0
        /// Whether the mix has a lineage to speak of (a generation past 0, a reused human row,
        /// or a spec that bounds generations).
        public var declared = false

        public init() {}

        init(_ c: MixComposition) {
            var byGeneration: [Int: Int] = [:]
            for unit in c.units {
                let row = c.pool.rows[Int(unit.row)]
                if row.kind.isHuman {
                    if row.usedBefore { usedHumans += 1 } else { freshHumans += 1 }
                } else {
                    byGeneration[row.generation, default: 0] += 1
                }
            }
            generations = byGeneration.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
            // The workspace's fresh floor alone says nothing: every mix has it, most no lineage.
            declared = usedHumans > 0 || byGeneration.keys.contains { $0 > 0 }
                || c.spec.maxGeneration != nil || c.spec.weights.generationDecay != nil
        }

        var total: Int { freshHumans + usedHumans + generations.reduce(0) { $0 + $1.rows } }
        /// Copies written by models trained on earlier mixes.
        var later: Int { generations.filter { $0.generation > 0 }.reduce(0) { $0 + $1.rows } }

        /// A mix that is mostly the output of models trained on earlier mixes, or whose human rows
        /// are all reused, is the self-consuming loop the lineage exists to show.
        var warnings: [String] {
            guard declared, total > 0 else { return [] }
            var out: [String] = []
            if Double(later) / Double(total) > 0.5 {
                out.append(String(format: "%.1f%% of the mix (%d of %d rows) was written by models trained on earlier mixes "
                    + "(generation 1 or later): each round trained mostly on the last loses the tails of the human data; "
                    + "add fresh human rows (fresh_human_min_fraction) or bound it (max_generation, generation_decay)",
                    Double(later) * 100 / Double(total), later, total))
            }
            let humans = freshHumans + usedHumans
            if humans > 0, usedHumans * 2 > humans {
                out.append(String(format: "only %.1f%% of the human rows (%d of %d) are fresh: the rest were in mixes the "
                    + "generators of this mix were trained on", Double(freshHumans) * 100 / Double(humans), freshHumans, humans))
            }
            return out
        }

        var lines: [String] {
            guard declared else { return [] }
            var out = ["", "Lineage: human \(freshHumans + usedHumans) (fresh \(freshHumans), held by earlier mixes \(usedHumans))"]
            for g in generations { out.append("  generation \(g.generation): \(g.rows) synthetic rows") }
            return out
        }

        var json: JSONValue {
            .object([
                ("fresh_human_rows", .int(freshHumans)), ("reused_human_rows", .int(usedHumans)),
                ("generations", .array(generations.map { .object([("generation", .int($0.generation)), ("rows", .int($0.rows))]) })),
            ])
        }
    }
}
