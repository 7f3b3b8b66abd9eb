import Foundation
import ReviewQueue
import WinnowCore
import Workspace

/// Whether the unreviewed synthetic rows of a slice and generator may go into a mix: only in
/// non-critical slices, and only when the random review sample of both the slice and the
/// generator puts the upper end of the 95 % interval of the error rate (rejects and edits, as
/// `winnow stats` reports it) under the spec's threshold. No sample, no trust.
struct MixTrust {
    struct Rate: Sendable {
        var name: String
        var sampled: Int
        var upper: Double?
    }

    var threshold: Double?
    var slices: [String: Rate] = [:]
    var generators: [String: Rate] = [:]

    static func measure(index: RowIndex, config: WorkspaceConfig, threshold: Double?) throws -> MixTrust {
        var trust = MixTrust(threshold: threshold)
        guard threshold != nil else { return trust }
        let decided = try index.standingSyntheticVerdicts()
        let pending = try index.unreviewedSyntheticGroups()
        // The latest standing verdict per row, and only rows of the random sample speak for
        // the rest (rows someone chose to look at are not a random draw).
        var latest: [String: (slice: String?, generator: String?, verdict: Verdict)] = [:]
        for d in decided { latest[d.id] = (d.slice, d.generator, d.verdict) }
        var sliceTally: [String: VerdictTally] = [:], generatorTally: [String: VerdictTally] = [:]
        for (id, d) in latest {
            let critical = d.slice.flatMap(config.slice(named:))?.critical ?? false
            guard !critical, ReviewSample.contains(id: id, slice: d.slice, config: config) else { continue }
            sliceTally[d.slice ?? "(none)", default: VerdictTally()].add(d.verdict)
            if let g = d.generator { generatorTally[g, default: VerdictTally()].add(d.verdict) }
        }
        var sliceUnreviewed: [String: Int] = [:], generatorUnreviewed: [String: Int] = [:]
        for p in pending {
            sliceUnreviewed[p.slice ?? "(none)", default: 0] += p.rows
            if let g = p.generator { generatorUnreviewed[g, default: 0] += p.rows }
        }
        func rate(_ name: String, _ tally: VerdictTally?, _ unreviewed: Int) -> Rate {
            let tally = tally ?? VerdictTally()
            let estimate = SampledSliceEstimate(tally: tally, unreviewed: unreviewed)
            return Rate(name: name, sampled: estimate?.sampleErrors.trials ?? 0, upper: estimate?.errorRateInterval.upperBound)
        }
        for name in Set(sliceTally.keys).union(sliceUnreviewed.keys) {
            trust.slices[name] = rate(name, sliceTally[name], sliceUnreviewed[name] ?? 0)
        }
        for name in Set(generatorTally.keys).union(generatorUnreviewed.keys) {
            trust.generators[name] = rate(name, generatorTally[name], generatorUnreviewed[name] ?? 0)
        }
        return trust
    }

    /// Why an unreviewed synthetic row is left out, or nil when it is trusted.
    func distrust(slice: String, critical: Bool, generator: String?) -> String? {
        if critical { return "synthetic, unreviewed, critical slice" }
        guard let threshold else { return "synthetic, unreviewed (the spec trusts no unreviewed rows)" }
        guard let s = slices[slice]?.upper else { return "synthetic, unreviewed, slice has no reviewed sample" }
        if s >= threshold { return "synthetic, unreviewed, slice error rate too high" }
        guard let generator else { return "synthetic, unreviewed, no generator named" }
        guard let g = generators[generator]?.upper else { return "synthetic, unreviewed, generator has no reviewed sample" }
        if g >= threshold { return "synthetic, unreviewed, generator error rate too high" }
        return nil
    }
}
