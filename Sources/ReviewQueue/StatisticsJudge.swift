import WinnowCore

/// A reviewed row that also carries an AI judge's score: the raw material for comparing the
/// judge with the reviewers.
public struct JudgedRow: Sendable, Hashable {
    public var score: Double
    /// The reviewer accepted the row as it was.
    public var accepted: Bool
    /// Answer length (characters, or tokens: any measure, as long as it is the same for all rows).
    public var length: Int

    /// Nil for a score that is not a finite number or a negative length: one NaN would make
    /// every sort-based statistic below meaningless, and dropping it here is visible in `count`.
    public init?(score: Double, accepted: Bool, length: Int) {
        guard score.isFinite, length >= 0 else { return nil }
        self.score = score
        self.accepted = accepted
        self.length = length
    }

    /// From a human verdict: only `accept` is acceptance. An edit means the row as generated (the
    /// row the judge scored) was not good enough. Nil for `flag`: an expert has not decided yet.
    public init?(score: Double, verdict: Verdict, length: Int) {
        switch verdict {
        case .flag: return nil
        case .accept: self.init(score: score, accepted: true, length: length)
        case .edit, .reject: self.init(score: score, accepted: false, length: length)
        }
    }
}

/// The judge-score cut-off that would have kept precision at or above a target on reviewed rows:
/// a human-calibrated threshold for rejection sampling ("keep rows the judge scores ≥ t").
public struct JudgeThreshold: Sendable, Hashable {
    /// Keep rows with score ≥ threshold.
    public var threshold: Double
    /// Accepted share of the kept rows (≥ the target).
    public var precision: Double
    /// Share of all accepted rows that are kept.
    public var recall: Double
    public var kept: Int

    public init(threshold: Double, precision: Double, recall: Double, kept: Int) {
        self.threshold = threshold
        self.precision = precision
        self.recall = recall
        self.kept = kept
    }
}

/// Does the judge favour length where reviewers don't? Both numbers are Spearman rank
/// correlations with answer length, so they are on the same scale and can be subtracted.
///
/// Why Spearman: lengths are heavy-tailed (a few very long answers would dominate Pearson) and
/// judge scores are on arbitrary scales (1-10, 0-1, log-probs); ranks ignore both. For the human
/// side the "score" is acceptance (0/1), and Spearman with midranks there equals the
/// point-biserial correlation of acceptance with length's ranks.
public struct LengthBias: Sendable, Hashable {
    /// Spearman correlation of judge score with length; nil if either does not vary.
    public var judge: Double?
    /// Spearman (point-biserial on ranks) correlation of human acceptance with length; nil if
    /// either does not vary (everything accepted, say).
    public var human: Double?
    /// judge − human: positive when the judge rewards length more than reviewers do.
    public var excess: Double? {
        guard let judge, let human else { return nil }
        return judge - human
    }
}

/// Everything `winnow stats` says about the judge, from the reviewed rows that carry a score.
public struct JudgeReport: Sendable, Hashable {
    public var rows: Int
    public var accepted: Int
    /// P(score of a random accepted row > score of a random not-accepted row), ties ½; nil if
    /// either group is empty. 0.5 is a coin; 1 is a judge that separates them perfectly.
    public var auc: Double?
    public var lengthBias: LengthBias
    /// Nil if no threshold reaches the target.
    public var threshold: JudgeThreshold?
    public var precisionTarget: Double

    public init(_ rows: [JudgedRow], precisionTarget: Double = 0.9) {
        self.rows = rows.count
        accepted = rows.lazy.filter(\.accepted).count
        auc = JudgeStatistics.auc(scores: rows.map(\.score), positives: rows.map(\.accepted))
        let lengths = rows.map { Double($0.length) }
        lengthBias = LengthBias(
            judge: JudgeStatistics.spearman(rows.map(\.score), lengths),
            human: JudgeStatistics.spearman(rows.map { $0.accepted ? 1 : 0 }, lengths))
        threshold = JudgeStatistics.threshold(rows, precisionTarget: precisionTarget)
        self.precisionTarget = precisionTarget
    }
}

/// The rank statistics behind `JudgeReport`, public so they can be checked and reused.
public enum JudgeStatistics {
    /// AUC as the Mann-Whitney U statistic over the positives and negatives, U ÷ (P·N), from
    /// midranks: O(n log n) by one sort, where counting every positive-negative pair is O(n²)
    /// (a million reviewed rows would be 10¹¹ pairs). Midranks give a tied pair exactly ½.
    /// Ranks are multiples of ½, so the sums are exact in a Double up to 2⁵² rows.
    public static func auc(scores: [Double], positives: [Bool]) -> Double? {
        precondition(scores.count == positives.count, "one label per score")
        let p = positives.lazy.filter { $0 }.count
        let n = scores.count - p
        guard p > 0, n > 0 else { return nil }
        let ranks = midranks(scores)
        var rankSum = 0.0
        for (rank, positive) in zip(ranks, positives) where positive { rankSum += rank }
        let u = rankSum - Double(p) * Double(p + 1) / 2
        return u / (Double(p) * Double(n))
    }

    /// 1-based ranks with ties sharing the mean of the positions they span ([5, 7, 5] → [1.5, 3, 1.5]).
    public static func midranks(_ values: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && values[order[end + 1]] == values[order[start]] { end += 1 }
            let rank = Double(start + end) / 2 + 1
            for position in start...end { ranks[order[position]] = rank }
            start = end + 1
        }
        return ranks
    }

    /// Pearson correlation; nil with fewer than two values or when either side is constant.
    public static func pearson(_ x: [Double], _ y: [Double]) -> Double? {
        precondition(x.count == y.count, "pearson needs pairs")
        guard x.count >= 2 else { return nil }
        let count = Double(x.count)
        let meanX = x.reduce(0, +) / count
        let meanY = y.reduce(0, +) / count
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (a, b) in zip(x, y) {
            let dx = a - meanX, dy = b - meanY
            sxy += dx * dy
            sxx += dx * dx
            syy += dy * dy
        }
        guard sxx > 0, syy > 0 else { return nil }
        return max(-1, min(1, sxy / (sxx * syy).squareRoot()))
    }

    /// Spearman's rho: Pearson on midranks, which handles ties correctly (the n(n²−1) shortcut
    /// formula does not).
    public static func spearman(_ x: [Double], _ y: [Double]) -> Double? {
        pearson(midranks(x), midranks(y))
    }

    /// The lowest threshold t such that, among rows with score ≥ t, the accepted share is at
    /// least `precisionTarget`; nil if no t gets there. Lowest, because it keeps the most rows
    /// (the best recall) while still meeting the target. Precision is not monotone in t, so a
    /// higher t can miss the target where a lower one meets it; this scans every candidate.
    ///
    /// Candidates are the distinct scores (a cut between two scores keeps the same rows as the
    /// higher one). One sort, then a running count: O(n log n).
    public static func threshold(_ rows: [JudgedRow], precisionTarget: Double) -> JudgeThreshold? {
        precondition(precisionTarget > 0 && precisionTarget <= 1, "the precision target is in (0, 1]")
        let totalAccepted = rows.lazy.filter(\.accepted).count
        guard totalAccepted > 0 else { return nil }
        let sorted = rows.sorted { $0.score > $1.score }
        var kept = 0, keptAccepted = 0
        var best: JudgeThreshold?
        var index = 0
        while index < sorted.count {
            let score = sorted[index].score
            while index < sorted.count && sorted[index].score == score {
                kept += 1
                if sorted[index].accepted { keptAccepted += 1 }
                index += 1
            }
            // A correctly rounded quotient, so 9 of 10 meets a target of 0.9 exactly.
            let precision = Double(keptAccepted) / Double(kept)
            if precision >= precisionTarget {
                best = JudgeThreshold(
                    threshold: score, precision: precision,
                    recall: Double(keptAccepted) / Double(totalAccepted), kept: kept)
            }
        }
        return best
    }
}
