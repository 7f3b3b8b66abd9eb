import WinnowCore

/// The near-duplicate gate: MinHash over word shingles, LSH banding for candidates, candidates
/// verified by estimated Jaccard similarity, and near-duplicate clusters by union-find.
///
/// Feed it rows in order with `add`, then call `finish()` once. Rows are kept only as their id
/// and a compact signature (4 bytes per permutation), texts only until their batch is hashed, so
/// a million rows fit in well under a gigabyte at the default 128 permutations. The result is a
/// function of the rows and the options alone: the same rows give the same clusters, nearest
/// neighbours and similarities however batches are cut and however threads are scheduled.
///
///     var detector = NearDuplicateDetector()
///     for row in rows { detector.add(row) }
///     let report = detector.finish()
///     for (id, finding) in report.findings { ... }
public struct NearDuplicateDetector: Sendable {
    public let options: NearDuplicateOptions
    public let banding: NearDuplicateBanding
    private(set) var ids: [String] = []
    private var pendingTexts: [String] = []
    var signatures: NearDuplicateSignatures
    /// Signature workers per batch; nil means four per core. Tests vary it to prove that results
    /// do not depend on how work is split.
    var workers: Int?

    public init(options: NearDuplicateOptions = NearDuplicateOptions()) {
        precondition(options.problem == nil, options.problem ?? "")
        self.options = options
        banding = options.banding
        signatures = NearDuplicateSignatures(
            permutations: options.permutations, shingleWords: options.shingleWords, seed: options.seed)
    }

    /// Rows added so far.
    public var count: Int { ids.count }

    /// Room for `rows` rows, so a known-size run does not regrow a 512 MB array as it goes.
    public mutating func reserveCapacity(_ rows: Int) {
        ids.reserveCapacity(rows)
        signatures.reserve(rows)
    }

    /// Adds a row, comparing the part of its text that `options.text` names.
    public mutating func add(_ row: GateRow) {
        add(id: row.id, text: Self.comparedText(of: row.text, options.text))
    }

    /// Adds a row by id and the text to compare. Ids should be unique; a repeated id is treated
    /// as another row (and will most likely be its own near duplicate).
    public mutating func add(id: String, text: String) {
        ids.append(id)
        pendingTexts.append(text)
        if pendingTexts.count >= options.batchSize { flush() }
    }

    /// Adds a row by id and a signature computed with a signer of the same options.
    public mutating func add(id: String, signature: NearDuplicateSignature) {
        precondition(signature.values.count == options.permutations, "a signature of other options")
        flush()  // rows added as text first keep their place
        ids.append(id)
        signatures.append(signature)
    }

    /// The text the gate compares for a row.
    public static func comparedText(of text: RowText, _ part: NearDuplicateOptions.TextPart) -> String {
        switch part {
        case .full: return text.fullText
        case .answer: return text.answerText
        }
    }

    /// Hashes the pending batch on all cores.
    mutating func flush() {
        guard !pendingTexts.isEmpty else { return }
        signatures.append(pendingTexts, parts: workers)
        pendingTexts.removeAll(keepingCapacity: true)
    }

    /// Clusters everything added so far. The detector can keep taking rows afterwards; a later
    /// `finish()` clusters all rows again.
    public mutating func finish() -> NearDuplicateReport {
        flush()
        let minAgreement = options.verifyCandidates ? Self.minimumAgreement(options) : 0
        let pairs = Self.candidatePairs(
            signatures, banding: banding, minAgreement: minAgreement, seed: options.seed, parts: workers)
        return Self.report(ids: ids, pairs: pairs, options: options, banding: banding)
    }

    /// Estimated Jaccard similarity of two added rows (by position), 0...1.
    public mutating func similarity(_ i: Int, _ j: Int) -> Double {
        flush()
        return Double(signatures.agreement(i, j)) / Double(options.permutations)
    }

    /// The smallest number of agreeing positions whose share reaches the threshold.
    static func minimumAgreement(_ options: NearDuplicateOptions) -> Int {
        var count = Int((options.threshold * Double(options.permutations)).rounded(.down))
        while Double(count) / Double(options.permutations) < options.threshold { count += 1 }
        while count > 0 && Double(count - 1) / Double(options.permutations) >= options.threshold { count -= 1 }
        return max(1, count)
    }

    /// Findings for a whole set of rows at once (the shape the gate runner's corpus pass uses).
    public static func findings(
        for rows: [GateRow], options: NearDuplicateOptions = NearDuplicateOptions()
    ) -> [String: GateFinding] {
        var detector = NearDuplicateDetector(options: options)
        detector.reserveCapacity(rows.count)
        for row in rows { detector.add(row) }
        var result: [String: GateFinding] = [:]
        for (id, finding) in detector.finish().findings { result[id] = finding }
        return result
    }
}
