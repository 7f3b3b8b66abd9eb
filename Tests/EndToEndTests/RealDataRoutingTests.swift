import Foundation
import Testing

/// Rows of a real set that arrives without slice metadata (Alpaca) must reach the reviewers the
/// classifier routes them to: critical rows first, every one of them, and the slice the queue
/// uses is the one every listing shows. Written after the classifier's tags were logged but
/// never reached the index, so 152 of 166 critical rows were never shown to anyone.
@Suite(.serialized, .enabled(if: WinnowProcess.hasRealData, "../shared/realdata is not present"))
struct RealDataRoutingTests {
    let real = WinnowProcess.realData
    static let critical: Set<String> = ["safety", "legal", "medical", "billing"]

    func json(_ args: [String], in ws: String) throws -> Any {
        let run = try WinnowProcess.run(args + ["--json"], in: ws)
        #expect(run.status == 0, "\(args): \(run.output)")
        return try JSONSerialization.jsonObject(with: run.stdoutBytes, options: [.fragmentsAllowed])
    }

    func sliceTotals(_ ws: String) throws -> [String: (total: Int, pending: Int)] {
        let queue = try json(["queue"], in: ws) as? [String: Any]
        var totals: [String: (Int, Int)] = [:]
        for line in queue?["slices"] as? [[String: Any]] ?? [] {
            totals[line["slice"] as! String] = (line["total"] as! Int, line["pending"] as! Int)
        }
        return totals
    }

    @Test func alpacaCriticalRowsAreQueuedInTheirSlicesAndServedFirst() throws {
        let tmp = try TemporaryFolder()
        let ws = try tmp.workspace()
        let imported = try WinnowProcess.run(["import", "--origin", "synthetic", "--generator", "text-davinci-003",
                                              real + "/alpaca/alpaca_5000.json"], in: ws)
        #expect(imported.status == 3, "\(imported.output)")  // two rows with an empty output
        // Tags are routing, not findings: the gate line must not count them as flagged.
        #expect(imported.stdout.contains("given a slice by the classifier"), "\(imported.stdout)")

        let totals = try sliceTotals(ws)
        let criticalTotal = totals.filter { Self.critical.contains($0.key) }.reduce(0) { $0 + $1.value.total }
        let criticalPending = totals.filter { Self.critical.contains($0.key) }.reduce(0) { $0 + $1.value.pending }
        // The keyword rows (suicide hotlines, poison, refunds, payments, privacy, medication).
        #expect(criticalTotal > 100, "\(totals)")
        #expect(totals["(none)"] == nil, "every alpaca row has a slice (general by default): \(totals)")
        #expect((totals["general"]?.total ?? 0) + criticalTotal == 4998, "\(totals)")

        // `gates --rows` names the same slice the queue uses.
        let rows = try WinnowProcess.run(["gates", "--rows"], in: ws)
        let taggedMedical = rows.stdout.split(separator: "\n").filter { $0.contains("slice-tag tag tagged medical") }.count
        #expect(taggedMedical == totals["medical"]?.total, "\(totals)")

        // `next` serves every pending critical row before any general one.
        var served: [(slice: String, reason: String)] = []
        while served.count <= criticalPending {
            guard let item = try json(["next"], in: ws) as? [String: Any] else { break }
            served.append((item["slice"] as? String ?? "(none)", item["reason"] as? String ?? ""))
        }
        let firstGeneral = served.firstIndex { !Self.critical.contains($0.slice) }
        #expect(firstGeneral == criticalPending, "served \(served.count), critical pending \(criticalPending)")
        #expect(served.prefix(criticalPending).allSatisfy { $0.reason == "critical" || $0.reason == "flagged" })

        // `reindex` rebuilds the same routing from the log.
        let reindex = try WinnowProcess.run(["reindex"], in: ws)
        #expect(reindex.status == 0, "\(reindex.output)")
        let after = try sliceTotals(ws)
        #expect(after.mapValues(\.total) == totals.mapValues(\.total))
    }

    /// A slice with a `group` guards rows the classifier put in it, not only rows that came
    /// tagged: a non-member may neither be served nor decide them.
    @Test func classifierTaggedRowsObeyTheSliceGroup() throws {
        let tmp = try TemporaryFolder()
        let ws = try tmp.workspace()
        let config = ws + "/winnow.toml"
        var text = try String(contentsOfFile: config, encoding: .utf8)
        text = text.replacingOccurrences(of: "# group = \"winnow-medical\"", with: "group = \"winnow-no-such-group-\(getpid())\"")
        try text.write(toFile: config, atomically: true, encoding: .utf8)
        let file = try tmp.file("rows.jsonl", """
            {"id":"m1","instruction":"What is the usual dosage of ibuprofen for an adult?","output":"Ask a pharmacist; 200-400 mg."}
            {"id":"g1","instruction":"Name three colours of the rainbow.","output":"Red, green and blue."}

            """)
        let imported = try WinnowProcess.run(["import", "--origin", "synthetic", file], in: ws)
        #expect(imported.status == 0, "\(imported.output)")
        let decide = try WinnowProcess.run(["decide", "m1", "--accept"], in: ws)
        #expect(decide.status != 0, "\(decide.output)")
        #expect(decide.stderr.contains("slice 'medical'"), "\(decide.output)")
        let next = try json(["next"], in: ws) as? [String: Any]
        #expect(next?["id"] as? String != "m1")
    }
}
