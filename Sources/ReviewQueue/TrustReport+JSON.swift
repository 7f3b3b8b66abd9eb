import WinnowCore

/// `winnow stats --json`: every figure with its interval, so a script can gate a mix on them.
extension TrustReport {
    public var json: JSONValue {
        .object([
            ("slices", .array(slices.map(\.json))),
            ("human_slices", .array(humanSlices.map(\.json))),
            ("generators", .array(generators.map(\.json))),
            ("templates", .array(templates.map(\.json))),
            ("generations", .array(generations.map(\.json))),
            ("agreement", .object([
                ("by_slice", .array(agreement.bySlice.map { .object([("slice", .string($0.slice))] + $0.agreement.jsonFields) })),
                ("by_pair", .array(agreement.byPair.map {
                    .object([("a", .string($0.pair.first)), ("b", .string($0.pair.second))] + $0.agreement.jsonFields)
                })),
            ])),
            ("throughput", .array(throughput.map { t in
                .object([("reviewer", .string(t.reviewer)), ("decisions", .int(t.decisions)),
                         ("per_hour", Self.number(t.decisionsPerHour)),
                         ("median_seconds", Self.number(t.medianSecondsPerDecision))])
            })),
            ("variety", .array(variety.map { v in
                .object([("generator", .string(v.generator)), ("near_duplicate_share", Self.number(v.nearDuplicateShare.rate)),
                         ("rows", .int(v.nearDuplicateShare.trials)), ("distinct_2", Self.number(v.distinct2))])
            })),
            ("judge", judge.map { j in
                .object([
                    ("rows", .int(j.rows)), ("accepted", .int(j.accepted)), ("auc", Self.number(j.auc)),
                    ("length_correlation_judge", Self.number(j.lengthBias.judge)),
                    ("length_correlation_human", Self.number(j.lengthBias.human)),
                    ("precision_target", .double(j.precisionTarget)),
                    ("threshold", j.threshold.map { t in
                        .object([("score", .double(t.threshold)), ("precision", .double(t.precision)),
                                 ("recall", .double(t.recall)), ("kept", .int(t.kept))])
                    } ?? .null),
                ])
            } ?? .null),
        ])
    }

    static func number(_ value: Double?) -> JSONValue {
        guard let value, value.isFinite else { return .null }
        return .double((value * 10_000).rounded() / 10_000)
    }

    static func interval(_ range: ClosedRange<Double>?) -> JSONValue {
        guard let range else { return .null }
        return .array([number(range.lowerBound), number(range.upperBound)])
    }
}

extension TrustReport.Group {
    var json: JSONValue {
        var fields: [(String, JSONValue)] = [("name", .string(name)), ("rows", .int(rows)), ("reviewed", .int(tally.reviewed))]
        for verdict in [Verdict.accept, .edit, .reject, .flag] {
            let p = tally.proportion(of: verdict)
            fields.append((verdict.rawValue, .object([
                ("n", .int(p.successes)), ("rate", TrustReport.number(p.rate)), ("wilson95", TrustReport.interval(p.wilson())),
            ])))
        }
        fields.append(("both_bad", .int(bothBad)))
        if let e = unreviewedEstimate {
            fields.append(("unreviewed_error", .object([
                ("unreviewed", .int(e.unreviewed)), ("rate", TrustReport.number(e.errorRate)),
                ("wilson95", TrustReport.interval(e.errorRateInterval)),
                ("expected_bad_rows", TrustReport.number(e.expectedBadRows)),
                ("bad_rows95", TrustReport.interval(e.badRowsInterval)),
            ])))
        }
        return .object(fields)
    }
}

extension Agreement {
    var jsonFields: [(String, JSONValue)] {
        [("items", .int(items)), ("observed", TrustReport.number(observed)), ("expected", TrustReport.number(expected)),
         ("kappa", TrustReport.number(kappa))]
    }
}
