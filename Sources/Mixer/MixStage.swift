import Foundation
import WinnowCore

/// Which eligible rows an output takes. Eligibility (reviews, gates, trust, generations) is the
/// whole mix's; a filter only narrows it, so no stage can hold a row the mix would refuse.
public enum MixRowFilter: String, Sendable, CaseIterable {
    /// Every eligible row the format can write.
    case any
    /// Preference pairs only (TRL chosen/rejected, HH transcripts).
    case pairs
    /// Everything but preference pairs (an SFT stage that leaves pairs to the preference stage).
    case nonPairs = "non-pairs"
    /// Synthetic rows an AI judge scored at or above the threshold `winnow stats` calibrates on
    /// reviewed rows (`[review] judge_precision`): rejection-sampled rows for an RFT stage.
    /// Rows without a score are left out, and so are human rows: the human bounds do not apply.
    case judgeKept = "judge-kept"

    /// The output holds no human rows, so bounds on the human share cannot apply to it.
    public var syntheticOnly: Bool { self == .judgeKept }

    func takes(_ shape: RowShape) -> Bool {
        switch self {
        case .any, .judgeKept: return true
        case .pairs: return shape.isPreferencePair
        case .nonPairs: return !shape.isPreferencePair
        }
    }
}

/// One stage of a staged mix (`[stages.NAME]`): written to `NAME/data.jsonl` (and
/// `NAME/eval.jsonl`) next to the other stages, under the mix's one manifest.
///
/// Why stages share one pool and one seed: eligibility is a property of the rows, not of the
/// training step, and one seed gives one train/eval split, so a row held out in one stage is
/// held out in every stage (a row trained on in SFT and held out in RFT would be a leak). What
/// differs per stage is the shape of its rows, its proportions and its filter.
public struct MixStage: Sendable {
    public var name: String
    /// The stage's effective spec: the top of the spec with the stage's table laid over it.
    public var spec: MixSpec
    /// Where `[stages.NAME]` was written.
    public var location: SourceLocation
}

/// The judge-score cut a `judge-kept` output used: calibrated from reviewed rows when the mix
/// was built, recorded in the manifest so `mix verify` rebuilds with the same cut.
public struct MixJudgeCut: Sendable, Equatable {
    /// Rows scored at or above this are kept.
    public var threshold: Double
    /// The precision the cut keeps on reviewed rows, and the target it had to meet.
    public var precision: Double
    public var precisionTarget: Double
    /// Reviewed rows with a score it was calibrated on.
    public var reviewed: Int

    var json: JSONValue {
        .object([("threshold", .double(threshold)), ("precision", .double(precision)),
                 ("precision_target", .double(precisionTarget)), ("reviewed_rows", .int(reviewed))])
    }

    static func read(_ value: JSONValue?, path: String, stage: String) throws -> MixJudgeCut? {
        guard let value, value != .null else { return nil }
        guard let threshold = value["threshold"]?.doubleValue, let precision = value["precision"]?.doubleValue,
              let target = value["precision_target"]?.doubleValue, let reviewed = value["reviewed_rows"]?.intValue else {
            throw MixError.manifest(path: path, reason: "stages.\(stage).judge is missing threshold, precision, precision_target or reviewed_rows")
        }
        return MixJudgeCut(threshold: threshold, precision: precision, precisionTarget: target, reviewed: reviewed)
    }
}
