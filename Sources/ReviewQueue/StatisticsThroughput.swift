/// One decision's timing, as read from a `decision` log entry.
public struct DecisionTiming: Sendable, Hashable {
    public var reviewer: String
    /// When the decision was logged, in seconds from any fixed origin (Unix time is natural).
    /// Plain seconds rather than `Date` keep this module's statistics free of Foundation.
    public var time: Double
    /// How long the row was on screen before the decision, if the log says.
    public var spentMs: Int?

    public init(reviewer: String, time: Double, spentMs: Int? = nil) {
        self.reviewer = reviewer
        self.time = time
        self.spentMs = spentMs
    }
}

/// How fast one reviewer decides: the number review budgets are planned from.
public struct ReviewerThroughput: Sendable, Hashable {
    public var reviewer: String
    public var decisions: Int
    /// Seconds of active review (see `perReviewer`).
    public var activeSeconds: Double
    /// decisions ÷ active hours; nil when there is no active time to divide by (a reviewer
    /// whose only decisions carry no time spent and sit alone between long breaks).
    public var decisionsPerHour: Double?
    /// Median of the decisions' own time spent, in seconds; nil if none recorded it.
    public var medianSecondsPerDecision: Double?

    /// The idle threshold used when none is configured: five minutes without a decision is a
    /// break, not a hard row.
    public static let defaultIdleThreshold: Double = 300

    /// Throughput per reviewer, sorted by name.
    ///
    /// Why active hours and not first-to-last decision: reviewers work in stretches with lunch,
    /// meetings and nights between them, and wall-clock time would make a reviewer who did 200
    /// rows on Monday and 10 on Friday look like 2 rows an hour. So each decision covers the
    /// time its row was on screen, [time − spent, time]; stretches whose gap is at most
    /// `idleThreshold` seconds merge (the gap counts as work: reading, thinking, the editor),
    /// and longer gaps are breaks, not counted.
    ///
    /// A row's own time spent is capped at `idleThreshold` for the active time, on the same
    /// principle: a row left open over lunch is a break with a row on screen. The median uses
    /// the uncapped times; a median is not moved by the odd lunch.
    public static func perReviewer(
        _ timings: [DecisionTiming], idleThreshold: Double = defaultIdleThreshold
    ) -> [ReviewerThroughput] {
        precondition(idleThreshold >= 0, "the idle threshold cannot be negative")
        var byReviewer: [String: [DecisionTiming]] = [:]
        for timing in timings { byReviewer[timing.reviewer, default: []].append(timing) }
        return byReviewer.keys.sorted().map { reviewer in
            let own = byReviewer[reviewer]!
            let active = activeSeconds(own, idleThreshold: idleThreshold)
            let spent = own.compactMap { $0.spentMs.map { Double(max(0, $0)) / 1000 } }
            return ReviewerThroughput(
                reviewer: reviewer, decisions: own.count, activeSeconds: active,
                decisionsPerHour: active > 0 ? Double(own.count) / (active / 3600) : nil,
                medianSecondsPerDecision: median(spent))
        }
    }

    /// Length of the union of the decisions' on-screen spans, gaps up to `idleThreshold` filled.
    static func activeSeconds(_ timings: [DecisionTiming], idleThreshold: Double) -> Double {
        let spans = timings.map { timing -> (start: Double, end: Double) in
            let spent = min(idleThreshold, Double(max(0, timing.spentMs ?? 0)) / 1000)
            return (timing.time - spent, timing.time)
        }.sorted { $0.start < $1.start }
        guard var current = spans.first else { return 0 }
        var total = 0.0
        for span in spans.dropFirst() {
            if span.start - current.end <= idleThreshold {
                current.end = max(current.end, span.end)
            } else {
                total += current.end - current.start
                current = span
            }
        }
        return total + (current.end - current.start)
    }

    /// The middle value (the mean of the two middle values for an even count); nil if empty.
    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
