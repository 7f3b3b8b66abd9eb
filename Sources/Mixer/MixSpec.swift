import Foundation
import WinnowCore

/// The shape rows take in `data.jsonl`: what the training code that reads the mix expects.
public enum MixFormat: String, Sendable, CaseIterable {
    /// `{"messages": [{"role", "content"}, ...]}` (OpenAI / TRL SFT chat).
    case chat
    /// `{"prompt", "chosen", "rejected"}` (TRL DPO preference pairs).
    case preference
    /// `{"instruction", "input", "output"}` (Alpaca).
    case alpaca
}

/// A mix spec (`SPEC.toml`): what the mix should contain and the proportions it must keep.
///
/// Every constraint is a bound the builder must satisfy exactly, not a target it aims at: a
/// critical slice with 50 % synthetic rows allowed never gets 51 %. Defaults come from the
/// workspace's `[mix]` section, so a team sets its floors once and a spec only states what differs.
public struct MixSpec: Sendable {
    /// Per-slice bounds; nil means "not constrained here" (the overall bounds still apply).
    public struct SliceRule: Sendable, Equatable {
        public var humanMinFraction: Double?
        public var syntheticMaxFraction: Double?
        /// Where the rule was written, for messages about it.
        public var location: SourceLocation

        public init(humanMinFraction: Double? = nil, syntheticMaxFraction: Double? = nil, location: SourceLocation) {
            self.humanMinFraction = humanMinFraction
            self.syntheticMaxFraction = syntheticMaxFraction
            self.location = location
        }
    }

    /// Upsampling: a weight w puts a row in the mix w times on average (floor(w) copies, one
    /// more with probability frac(w), decided by hash(seed, row id)), never more than `maxRepeats`.
    public struct Weights: Sendable, Equatable {
        public var origins: [Origin: Double] = [:]
        /// Keyed by a source's file name or the start of its SHA-256 (8 hex digits or more).
        public var sources: [String: Double] = [:]
        public var sourceLocations: [String: SourceLocation] = [:]
        public var maxRepeats = 3
        /// Per generation, a multiplier on a synthetic row's weight: 0.5 halves generation 1 and
        /// quarters generation 2, so a mix leans on rows written closest to human data. nil: 1.
        public var generationDecay: Double?

        public init() {}
    }

    public var name: String
    public var seed: String
    /// Rows wanted (copies counted); nil: as many as the constraints allow.
    public var total: Int?
    public var format: MixFormat
    public var humanMinFraction: Double
    public var syntheticMaxPerHuman: Double
    /// Applies to every critical slice that does not set its own `synthetic_max_fraction`.
    public var criticalSyntheticMax: Double
    public var slices: [String: SliceRule] = [:]
    /// Unreviewed synthetic rows of non-critical slices are used only when the slice's and the
    /// generator's sampled error rate (upper end of the 95 % Wilson interval) is below this.
    /// nil: unreviewed synthetic rows are never used.
    public var unreviewedMaxRejectRate: Double?
    public var weights = Weights()
    /// Synthetic rows of a later generation (`MixLineage`) are not eligible; nil: any.
    public var maxGeneration: Int?
    /// The least share of the human rows (copies counted) that no earlier mix in the lineage of
    /// the mix's generators held; nil: not bounded. Holds in every output file.
    public var freshHumanMinFraction: Double?
    /// Share of rows held out for evaluation (near-duplicate clusters kept on one side); nil: no split.
    public var evalFraction: Double?
    /// Which of the eligible rows this output takes (a preference stage only pairs, an RFT stage
    /// only the synthetic rows the judge keeps).
    public var rows: MixRowFilter = .any
    /// Where `rows` was written (for the message when a judge-kept cut cannot be calibrated).
    public var rowsLocation: SourceLocation?
    /// Sibling outputs written from one pool under one manifest, each with its own effective
    /// spec (`MixStage`); empty for a mix of one output.
    public var stages: [MixStage] = []
    /// The spec file as written (stored in the manifest so `mix verify` can rebuild from it).
    public var text: String
    /// Where it was read from, for messages.
    public var path: String

    /// SHA-256 of the spec's bytes.
    public var hash: String { ContentHash.hex(Array(text.utf8)) }

    public init(name: String, seed: String, format: MixFormat = .chat, humanMinFraction: Double = 0.3,
                syntheticMaxPerHuman: Double = 10, criticalSyntheticMax: Double = 0.5, text: String = "", path: String = "spec.toml") {
        self.name = name
        self.seed = seed
        self.format = format
        self.humanMinFraction = humanMinFraction
        self.syntheticMaxPerHuman = syntheticMaxPerHuman
        self.criticalSyntheticMax = criticalSyntheticMax
        self.text = text
        self.path = path
    }

    /// The smallest human share slice `slice` must keep, folding `synthetic_max_fraction` in
    /// (at most 40 % synthetic is at least 60 % human). Critical slices default to the
    /// workspace's critical synthetic maximum.
    public func humanFloor(slice: String, critical: Bool) -> Double {
        guard !rows.syntheticOnly else { return 0 }
        let rule = slices[slice]
        let syntheticMax = rule?.syntheticMaxFraction ?? (critical ? criticalSyntheticMax : nil)
        return max(rule?.humanMinFraction ?? 0, syntheticMax.map { 1 - $0 } ?? 0)
    }
}
