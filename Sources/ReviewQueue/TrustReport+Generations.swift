import WinnowCore

extension TrustReport {
    /// The synthetic rows of one generation: their verdicts, the generators that wrote them, and
    /// how many sit in a near-duplicate cluster (a generation that repeats itself more than the
    /// one before is the first sign of a loop losing variety).
    public struct GenerationGroup: Sendable {
        public var generation: Int
        /// The generators with rows in this generation, by name.
        public var generators: [String]
        public var group: Group
        /// Of the rows whose generator is named (rows without one cannot be matched to the
        /// near-duplicate counts, which are per generator).
        public var nearDuplicateShare: Proportion

        static let prefix = "generation "

        static func name(_ generation: Int) -> String { prefix + String(generation) }

        /// One group per generation, oldest first, from the per-generation verdict groups and
        /// the per-generator near-duplicate counts.
        static func grouped(_ groups: [Group], variety: [(generator: String, nearDuplicateShare: Proportion, distinct2: Double?)],
                            generations: [String: Int]) -> [GenerationGroup] {
            var share: [Int: (flagged: Int, rows: Int)] = [:]
            var members: [Int: [String]] = [:]
            for v in variety {
                let g = generations[v.generator] ?? 0
                share[g, default: (0, 0)].flagged += v.nearDuplicateShare.successes
                share[g, default: (0, 0)].rows += v.nearDuplicateShare.trials
                members[g, default: []].append(v.generator)
            }
            return groups.compactMap { group -> GenerationGroup? in
                guard group.name.hasPrefix(prefix), let g = Int(group.name.dropFirst(prefix.count)) else { return nil }
                let near = share[g] ?? (0, 0)
                return GenerationGroup(generation: g, generators: (members[g] ?? []).sorted(), group: group,
                                       nearDuplicateShare: Proportion(successes: near.flagged, trials: near.rows))
            }.sorted { $0.generation < $1.generation }
        }

        var json: JSONValue {
            guard case let .object(fields) = group.json else { return group.json }
            return .object([("generation", .int(generation)), ("generators", .array(generators.map(JSONValue.string)))]
                + fields.filter { $0.0 != "name" }
                + [("near_duplicate_share", TrustReport.number(nearDuplicateShare.rate)), ("near_duplicate_rows", .int(nearDuplicateShare.trials))])
        }
    }
}
