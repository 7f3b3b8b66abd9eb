import Foundation
import ReviewQueue
import WinnowCore
import Workspace

/// The cut a `judge-kept` output makes: the judge-score threshold `winnow stats` calibrates on
/// reviewed rows (the lowest score whose kept rows reviewers accepted at `[review]
/// judge_precision` or better), and every scored row's score.
enum MixJudge {
    static func calibrate(index: RowIndex, precisionTarget: Double, location: SourceLocation) throws -> MixJudgeCut {
        let judged = try index.scoredStandingVerdicts().compactMap { JudgedRow(score: $0.score, verdict: $0.verdict, length: 0) }
        guard let found = JudgeStatistics.threshold(judged, precisionTarget: precisionTarget) else {
            // Without a calibrated cut the judge's scores mean nothing a reviewer checked:
            // keeping rows on them would be trusting the teacher model's own grader blind.
            let why = judged.isEmpty ? "no reviewed row carries a judge score"
                : "no judge-score threshold keeps precision ≥ \(MixSelection.number(precisionTarget)) on the \(judged.count) reviewed rows with a score"
                    + " (\(judged.filter(\.accepted).count) of them accepted as they were)"
            throw MixError.spec(location, "rows = \"judge-kept\" keeps the rows scored at or above the threshold reviewers calibrate, "
                + "and \(why): review more scored rows, or lower [review] judge_precision in winnow.toml ('winnow stats' shows the judge's calibration)")
        }
        return MixJudgeCut(threshold: found.threshold, precision: found.precision, precisionTarget: precisionTarget, reviewed: judged.count)
    }
}
