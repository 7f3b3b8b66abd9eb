@testable import Gates
import Testing
import WinnowCore

/// The corpus gates from kept keys give what the detectors give over all rows at once: the
/// template report from opening/skeleton keys, exact duplicates from stored keys, and near
/// duplicates of new rows from the existing rows' band keys merged into their clusters.
struct IncrementalCorpusGateTests {
    /// Rows in a few batches: some open or are shaped alike, some are near or exact copies of
    /// earlier rows, a few have no words.
    static func rows(count: Int, seed: UInt64) -> [GateRow] {
        var maker = NearDuplicateTextMaker(seed: seed)
        var rows: [GateRow] = []
        var answers: [[String]] = []
        for i in 0..<count {
            let roll = maker.int(0...99)
            var words: [String]
            if roll < 12, !answers.isEmpty {
                let source = answers[maker.int(0...(answers.count - 1))]
                words = roll < 4 ? source : maker.mutate(source, changes: 1)
            } else {
                words = maker.words(maker.int(20...80))
            }
            answers.append(words)
            let batch = maker.int(0...3)
            var answer = NearDuplicateTextMaker.prose(words)
            if batch == 0 && roll % 2 == 0 { answer = "As an AI assistant, I'd be happy to help! " + answer }
            if roll == 99 { answer = "?!" }
            rows.append(TemplateLockInDetectorTests.row(
                "r\(i)", batch == 3 ? nil : "gen-\(batch % 2)", batch == 2 ? nil : "tpl-\(batch)", answer: answer))
        }
        return rows
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func templateReportFromKeysIsTheDetectors(seed: UInt64) throws {
        let rows = Self.rows(count: 400, seed: seed)
        var options = TemplateLockInOptions()
        options.distinctSample = 40  // smaller than the groups, so the sample is a real choice
        var detector = TemplateLockInDetector(options: options)
        for row in rows { detector.add(row) }
        let expected = detector.report()

        var groups: [String: (generator: String, template: String, rows: [TemplateLockInDetector.KeyedRow])] = [:]
        var byID: [String: GateRow] = [:]
        for row in rows {
            byID[row.id] = row
            guard let keys = TemplateLockInDetector.keys(of: row, options: options) else { continue }
            let g = row.provenance.generator ?? "-", t = row.provenance.template ?? "-"
            groups["\(g)/\(t)", default: (g, t, [])].rows.append(.init(id: row.id, keys: keys))
        }
        var asked = 0
        let report = try TemplateLockInDetector.report(groups: Array(groups.values), options: options) { ids in
            asked += ids.count
            return Dictionary(uniqueKeysWithValues: ids.map { ($0, TemplateLockInDetector.answer(of: byID[$0]!)) })
        }
        #expect(report.groups == expected.groups)
        #expect(report.findings.count == expected.findings.count)
        let found = Dictionary(uniqueKeysWithValues: report.findings.map { ($0.id, $0.finding) })
        for (id, finding) in expected.findings { #expect(found[id] == finding, "\(id)") }
        #expect(expected.groups.contains { $0.flagged }, "the test has a flagged batch")
        #expect(asked < rows.count / 2, "only a sample's answers are read (\(asked))")
    }

    @Test func exactKeysFromStorageAreTheSame() {
        let hash = ContentHash.hex(Array("row".utf8))
        let fresh = ExactDuplicateDetector.RowKeys(contentHash: hash, text: "Hello, World")
        let bytes = (0..<32).map { i in UInt8(hash.utf8.dropFirst(2 * i).prefix(2).reduce(0) { $0 * 16 + Int(ExactDuplicateDetector.hexValue($1)!) }) }
        let stored = bytes.withUnsafeBytes { ExactDuplicateDetector.RowKeys(contentHashBytes: $0, textKeyBytes: fresh.textKeyBytes) }
        #expect(stored == fresh)
        #expect(ExactDuplicateDetector.RowKeys(contentHash: hash, text: "...").textKeyBytes == nil, "no words, no text key")
    }

    @Test(arguments: [(300, 1), (300, 150), (500, 499)] as [(Int, Int)])
    func nearDuplicatesOfNewRowsMergeIntoTheWholeRunsClusters(existing: Int, added: Int) throws {
        let rows = Self.rows(count: existing + added, seed: UInt64(existing + added))
        let options = NearDuplicateOptions()
        let whole = NearDuplicateDetector.findings(for: rows, options: options)

        // The existing rows as an earlier run left them: band keys and verdicts.
        var old = NearDuplicateDetector(options: options)
        for row in rows[..<existing] { old.add(row) }
        let oldBands = NearDuplicateIncrement.bandKeyBytes(&old, rows: 0..<existing)
        var standing: [Int64: NearDuplicateIncrement.Standing] = [:]
        let position = Dictionary(uniqueKeysWithValues: rows.enumerated().map { ($1.id, Int64($0)) })
        for (id, finding) in NearDuplicateDetector.findings(for: Array(rows[..<existing]), options: options) {
            let detail = Dictionary(uniqueKeysWithValues: finding.detail)
            standing[position[id]!] = .init(
                id: id, cluster: detail["cluster"]!.stringValue!, neighbour: detail["neighbour"]!.stringValue!,
                agreement: Int((detail["similarity"]!.doubleValue! * 128).rounded()))
        }

        var new = NearDuplicateDetector(options: options)
        for row in rows[existing...] { new.add(row) }
        var increment = NearDuplicateIncrement(new: new, positions: (existing..<(existing + added)).map(Int64.init))
        for (i, bands) in oldBands.enumerated() {
            if let bands { bands.withUnsafeBytes { increment.visit(position: Int64(i), bandKeys: $0) } } else {
                increment.visit(position: Int64(i), bandKeys: nil)
            }
        }
        let pairs = try increment.pairs { positions in
            Dictionary(uniqueKeysWithValues: positions.map { ($0, rows[Int($0)].text.fullText) })
        }
        let ids = Dictionary(uniqueKeysWithValues: rows.enumerated().map { (Int64($0), $1.id) })
        var merged: [String: GateFinding] = [:]
        for (_, standingRow) in standing { merged[standingRow.id] = NearDuplicateReport.finding(for: .init(
            id: standingRow.id, cluster: standingRow.cluster, neighbour: standingRow.neighbour,
            similarity: Double(standingRow.agreement) / 128)) }
        for (_, match) in NearDuplicateIncrement.merge(pairs: pairs, standing: standing, ids: ids, permutations: 128) {
            merged[match.id] = NearDuplicateReport.finding(for: match)
        }
        #expect(merged.count == whole.count)
        for (id, finding) in whole { #expect(merged[id] == finding, "\(id)") }
        #expect(whole.count > 10, "the rows hold near copies")
    }
}
