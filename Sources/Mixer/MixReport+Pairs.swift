import Foundation
import WinnowCore

extension MixReport {
    /// The mix's preference pairs per slice, and how many of them the pair gate saw come from
    /// two different generators (issue 14): pairs of one model's answers, or of answers nobody
    /// can attribute, teach a ranker little about what separates good from bad.
    public struct PairCounts: Sendable {
        public struct Slice: Sendable {
            public var slice: String
            /// Pair copies in the mix.
            public var pairs: Int
            /// Of them, copies of pairs a gate run saw with a generator per side, two different ones.
            public var twoGenerators: Int
        }

        public var slices: [Slice] = []
        public var pairs: Int { slices.reduce(0) { $0 + $1.pairs } }
        public var twoGenerators: Int { slices.reduce(0) { $0 + $1.twoGenerators } }

        public init() {}

        /// A pair counts as from two generators only when a gate run saw it and the pair gate
        /// found neither one generator nor a side it could not attribute (fail closed: a pair
        /// never gated, or whose flag cannot be read, is not counted as two).
        init(_ c: MixComposition) {
            var pairs: [Int32: Int] = [:], two: [Int32: Int] = [:]
            for unit in c.units {
                let row = c.pool.rows[Int(unit.row)]
                guard row.shape.isPreferencePair else { continue }
                pairs[row.slice, default: 0] += 1
                let reasons = c.pool.pairReasons[row.n]
                let gated = row.n <= c.pool.gatedThrough
                let attributed = reasons.map { !$0.isEmpty && $0.isDisjoint(with: ["same-generator", "cannot-judge"]) } ?? true
                if gated && attributed { two[row.slice, default: 0] += 1 }
            }
            slices = pairs.keys.sorted { c.pool.sliceNames[Int($0)] < c.pool.sliceNames[Int($1)] }.map { i in
                Slice(slice: c.pool.sliceNames[Int(i)], pairs: pairs[i] ?? 0, twoGenerators: two[i] ?? 0)
            }
        }

        var lines: [String] {
            guard pairs > 0 else { return [] }
            return ["", "Preference pairs: \(pairs), \(twoGenerators) from two different generators (pair gate)"]
                + slices.map { "  " + MixReport.row([Sanitiser.clean($0.slice), "\($0.twoGenerators) of \($0.pairs)"]) }
        }

        var warnings: [String] {
            guard pairs > 0, Double(twoGenerators) < 0.5 * Double(pairs) else { return [] }
            return [String(format: "only %d of the mix's %d preference pairs (%.0f%%) come from two different generators: pairs of one "
                           + "model's answers, or of answers nobody can attribute, teach a ranker little (pair gate: same-generator, cannot-judge)",
                           twoGenerators, pairs, Double(twoGenerators) * 100 / Double(pairs))]
        }

        var json: JSONValue {
            .array(slices.map { .object([("slice", .string($0.slice)), ("pairs", .int($0.pairs)), ("two_generators", .int($0.twoGenerators))]) })
        }
    }
}
