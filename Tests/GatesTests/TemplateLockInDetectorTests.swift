import Foundation
@testable import Gates
import Testing
import WinnowCore

struct TemplateLockInDetectorTests {
    static func row(_ id: String, _ generator: String?, _ template: String?, answer: String, question: String = "q?") -> GateRow {
        var provenance = Provenance()
        provenance.generator = generator
        provenance.template = template
        return GateRow(id: id, shape: .chat, provenance: provenance, text: RowText(segments: [
            .init(label: "user", text: question), .init(label: "assistant", text: answer),
        ]))
    }

    static func varied(_ maker: inout NearDuplicateTextMaker) -> String {
        NearDuplicateTextMaker.prose(maker.words(maker.int(12...60)))
    }

    /// 60 % of a batch opens with the same stock phrase: the group is flagged with share 0.6,
    /// and exactly those rows get a finding; a varied group beside it is not flagged.
    @Test func aBatchThatOpensTheSameWayIsFlagged() throws {
        var maker = NearDuplicateTextMaker(seed: 5)
        var rows: [GateRow] = []
        for i in 0..<50 {
            let answer = i % 5 < 3 ? "As an AI assistant, I'd be happy to help! " + Self.varied(&maker) : Self.varied(&maker)
            rows.append(Self.row("t\(i)", "gen-x", "tpl-1", answer: answer))
            rows.append(Self.row("v\(i)", "gen-x", "tpl-2", answer: Self.varied(&maker)))
        }
        var detector = TemplateLockInDetector()
        for row in rows { detector.add(row) }
        let report = detector.report()
        let locked = try #require(report.groups.first { $0.template == "tpl-1" })
        #expect(locked.flagged)
        #expect(locked.rows == 50)
        #expect(locked.openingShare == 0.6)
        #expect(locked.opening == "as an ai assistant i d")
        #expect(locked.group == "gen-x/tpl-1")
        let varied = try #require(report.groups.first { $0.template == "tpl-2" })
        #expect(!varied.flagged)
        #expect(varied.openingShare < 0.1 && varied.skeletonShare < 0.1)
        #expect(report.flaggedGroups.map(\.group) == ["gen-x/tpl-1"])

        let expected = (0..<50).filter { $0 % 5 < 3 }.map { "t\($0)" }
        #expect(report.findings.map(\.id) == expected)
        let finding = report.findings[0].finding
        #expect(finding.gate == "template" && finding.reason == "template-echo" && finding.action == .flag)
        let detail = Dictionary(uniqueKeysWithValues: finding.detail.map { ($0.0, $0.1) })
        #expect(detail["opening"] == .string("as an ai assistant i d"))
        #expect(detail["share"] == .double(0.6))
        #expect(detail["group"] == .string("gen-x/tpl-1"))
        #expect(detail["distinct2"] == .double(locked.distinct2))
        #expect(detail["echoes"] == .string("opening"))
        // The stock phrase repeats, so the locked group's text is less varied than the other's.
        #expect(locked.distinct2 < varied.distinct2)
    }

    @Test func aVariedBatchIsNotFlagged() {
        var maker = NearDuplicateTextMaker(seed: 8)
        let rows = (0..<200).map { Self.row("r\($0)", "gen-y", "tpl-\($0 % 2)", answer: Self.varied(&maker)) }
        let report = { var d = TemplateLockInDetector(); for row in rows { d.add(row) }; return d.report() }()
        #expect(report.groups.count == 2)
        #expect(report.flaggedGroups.isEmpty)
        #expect(report.findings.isEmpty)
    }

    /// Answers that differ only in the numbers and quoted names a template fills in share a
    /// skeleton even though their openings differ.
    @Test func aSharedSkeletonIsFlaggedWhenOpeningsDiffer() throws {
        var maker = NearDuplicateTextMaker(seed: 12)
        var rows: [GateRow] = []
        for i in 0..<30 {
            let answer = i < 20
                ? "Order \(4000 + i * 37) ships on \(i % 28 + 1) May from \"Depot \(maker.words(1)[0])\", tracking code \(i * 911)."
                : Self.varied(&maker)
            rows.append(Self.row("s\(i)", "gen-z", "tpl-9", answer: answer))
        }
        var detector = TemplateLockInDetector()
        for row in rows { detector.add(row) }
        let report = detector.report()
        let group = try #require(report.groups.first)
        #expect(group.openingShare < 0.1)
        #expect(abs(group.skeletonShare - 20.0 / 30) < 1e-9)
        #expect(group.skeleton == "order # ships on # may from \"…\" tracking code #")
        #expect(group.flagged)
        #expect(report.findings.map(\.id) == (0..<20).map { "s\($0)" })
        #expect(report.findings[0].finding.detail.first { $0.0 == "echoes" }?.1 == .string("skeleton"))
    }

    @Test func skeletonsReplaceNumbersAndQuotedSpans() {
        #expect(TemplateLockInDetector.skeleton(of: "Call 555-0100 or “the front desk” now, 24/7.", limit: 12)
            == ["call", "#", "#", "or", "\"…\"", "now", "#", "#"])
        #expect(TemplateLockInDetector.skeleton(of: "An unclosed \" quote stays words", limit: 3) == ["an", "unclosed", "quote"])
        #expect(TemplateLockInDetector.skeleton(of: "Room 12B, floor 3", limit: 12) == ["room", "#b", "floor", "#"])
    }

    /// distinct-1 and distinct-2 against hand counts: "a b a b" and "a b c" have 7 words (3
    /// distinct) and 5 bigrams (ab, ba, ab, ab, bc: 3 distinct).
    @Test func distinctNMatchesHandCounts() throws {
        var detector = TemplateLockInDetector()
        detector.add(id: "1", generator: "g", template: "t", answer: "A b, a b.")
        detector.add(id: "2", generator: "g", template: "t", answer: "a B c")
        let group = try #require(detector.report().groups.first)
        #expect(abs(group.distinct1 - 3.0 / 7) < 1e-12)
        #expect(abs(group.distinct2 - 3.0 / 5) < 1e-12)
        #expect(group.distinctRows == 2)
        #expect(!group.flagged)  // two rows: under the minimum group size
    }

    @Test func rowsWithoutGeneratorOrTemplateAndSmallGroupsAreNotJudged() {
        var detector = TemplateLockInDetector()
        for i in 0..<30 { detector.add(id: "h\(i)", generator: nil, template: nil, answer: "Sure! Here is the answer you need.") }
        for i in 0..<9 { detector.add(id: "s\(i)", generator: "g", template: nil, answer: "Sure! Here is the answer you need.") }
        let report = detector.report()
        #expect(report.groups.map(\.group) == ["g/-"])
        #expect(report.groups[0].openingShare == 1)
        #expect(report.findings.isEmpty)
    }

    /// The distinct-n sample is the same rows whatever order they arrive in.
    @Test func theDistinctSampleDoesNotDependOnOrder() {
        var maker = NearDuplicateTextMaker(seed: 21)
        let answers = (0..<300).map { ("r\($0)", Self.varied(&maker)) }
        let options = TemplateLockInOptions(distinctSample: 40)
        var forward = TemplateLockInDetector(options: options), backward = TemplateLockInDetector(options: options)
        for (id, answer) in answers { forward.add(id: id, generator: "g", template: "t", answer: answer) }
        for (id, answer) in answers.reversed() { backward.add(id: id, generator: "g", template: "t", answer: answer) }
        let a = forward.report().groups[0], b = backward.report().groups[0]
        #expect(a.distinctRows == 40)
        #expect(a.distinct1 == b.distinct1 && a.distinct2 == b.distinct2)
    }

    /// SampleData's planted batch: orca-mini-13b-v3 with tpl-support-04 opens every answer with
    /// "As an AI assistant, I'd be happy to help!". It is the only flagged group.
    @Test func sampleDataPlantedBatchIsFlagged() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("SampleData/support-chat.jsonl"), encoding: .utf8)
        var rows: [GateRow] = []
        var planted: [String] = []
        for (number, line) in text.split(separator: "\n").enumerated() {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let meta = object["meta"] as? [String: Any] ?? [:]
            let messages = object["messages"] as? [[String: Any]] ?? []
            let segments = messages.compactMap { message -> RowText.Segment? in
                guard let role = message["role"] as? String, let content = message["content"] as? String else { return nil }
                return RowText.Segment(label: role.lowercased(), text: content)
            }
            let id = object["id"] as? String ?? "line-\(number + 1)"  // two planted copies have no id
            var provenance = Provenance()
            provenance.generator = meta["generator"] as? String
            provenance.template = meta["template"] as? String
            rows.append(GateRow(id: id, shape: .chat, provenance: provenance, text: RowText(segments: segments)))
            if provenance.generator == "orca-mini-13b-v3" && provenance.template == "tpl-support-04" { planted.append(id) }
        }
        #expect(rows.count == 112 && planted.count == 16)
        var detector = TemplateLockInDetector()
        for row in rows { detector.add(row) }
        let report = detector.report()
        #expect(report.flaggedGroups.map(\.group) == ["orca-mini-13b-v3/tpl-support-04"])
        #expect(report.flaggedGroups.first?.openingShare == 1)
        #expect(report.flaggedGroups.first?.opening == "as an ai assistant i d")
        #expect(report.findings.map(\.id) == planted)
        #expect(TemplateLockInDetector.findings(for: rows).keys.sorted() == planted.sorted())
    }
}
