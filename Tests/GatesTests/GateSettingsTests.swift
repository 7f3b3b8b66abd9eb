import Foundation
import Gates
import Testing
import WinnowCore

/// Rows for gate tests: built by hand, or read from SampleData and ../shared/realdata.
enum TestRows {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let realData = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/realdata")
    static var realDataPresent: Bool { FileManager.default.fileExists(atPath: realData.path) }

    static func row(_ shape: RowShape = .chat, slices: [String] = [], id: String = "r1",
                    _ segments: [(String, String)], side: [String?]? = nil) -> GateRow {
        var provenance = Provenance()
        provenance.slices = slices
        let text = RowText(segments: segments.enumerated().map { i, s in
            RowText.Segment(label: s.0, text: s.1, side: side?[i])
        })
        return GateRow(id: id, shape: shape, provenance: provenance, text: text)
    }

    /// A chat row with one user turn and one assistant turn.
    static func chat(_ user: String, _ assistant: String = "Sure, here is the answer.", slices: [String] = [],
                     id: String = "r1") -> GateRow {
        row(.chat, slices: slices, id: id, [("user", user), ("assistant", assistant)])
    }

    /// Rows of a JSONL file, recognised the way import recognises them.
    static func jsonl(_ url: URL) throws -> [GateRow] {
        let data = try Data(contentsOf: url)
        var rows: [GateRow] = []
        for (n, line) in data.split(separator: 0x0A).enumerated() {
            let bytes = Array(line)
            let tape = try JSONTape.parse(bytes)
            let row: GateRow? = bytes.withUnsafeBufferPointer { source in
                let recognizer = RowRecognizer()
                guard case .success(let recognized) = recognizer.recognize(tape, source: source) else { return nil }
                return GateRow(id: recognized.ownID ?? "line-\(n + 1)", shape: recognized.shape,
                               provenance: recognized.provenance,
                               text: recognizer.text(of: recognized.shape, tape, source: source))
            }
            if let row { rows.append(row) }
        }
        return rows
    }

    /// The eval items of a (plain, not gzip) file, read as the workspace reads eval files.
    static func evalItems(_ url: URL, name: String? = nil) throws -> [ContaminationIndex.EvalItem] {
        let loaded = try ContaminationIndex.evalItems(in: Array(try Data(contentsOf: url)), name: name ?? url.lastPathComponent)
        #expect(loaded.warnings == [], "\(loaded.warnings)")
        return loaded.items
    }

    static func sampleData(_ name: String) throws -> [GateRow] {
        try jsonl(packageRoot.appendingPathComponent("SampleData/\(name)"))
    }

    static func allSampleData() throws -> [GateRow] {
        try sampleData("support-chat.jsonl") + sampleData("instructions-alpaca.jsonl") + sampleData("preferences.jsonl")
    }

    /// The bytes a finding points at, as a string (nil when it points at none).
    static func spanText(_ finding: GateFinding, in row: GateRow) -> String? {
        guard let segment = finding.segment, let range = finding.range else { return nil }
        let bytes = Array(row.text.segments[segment].text.utf8)
        guard range.lowerBound >= 0, range.upperBound <= bytes.count else { return nil }
        return String(decoding: bytes[range], as: UTF8.self)
    }
}

extension GateFinding {
    func detailValue(_ key: String) -> JSONValue? { detail.first { $0.0 == key }?.1 }
}

struct GateSettingsTests {
    @Test func badRegexNamesThePatternTheSettingAndWhy() {
        var settings = GateSettings()
        settings.blocklistRegex = ["fine", "unclosed(group"]
        #expect(throws: GateSettings.PatternError(setting: "blocklist_regex", index: 1, pattern: "unclosed(group",
                                                  reason: "missing closing parenthesis at character 15")) {
            try settings.validatePatterns()
        }
        do {
            _ = try BlocklistGate(settings: settings)
            Issue.record("a bad pattern compiled")
        } catch {
            #expect(error.pattern == "unclosed(group")
            #expect(error.message == "blocklist_regex: 'unclosed(group' is not a valid regular expression: missing closing parenthesis at character 15")
        }
    }

    @Test func badRegexInASliceNamesTheSlice() {
        var settings = GateSettings.standard
        settings.slices[2].blocklistRegex = ["[a-"]
        settings.slices[3].keywordRegex = ["ok", "a{2,1}"]
        #expect(throws: GateSettings.PatternError.self) { try settings.compile() }
        do {
            _ = try BlocklistGate(settings: settings)
            Issue.record("a bad pattern compiled")
        } catch {
            #expect(error.setting == "slices.medical.blocklist_regex")
            #expect(error.reason == "missing terminating ] for character class at character 4")
        }
        do {
            _ = try SliceClassifier(settings: settings)
            Issue.record("a bad pattern compiled")
        } catch {
            #expect(error.setting == "slices.billing.keyword_regex")
            #expect(error.index == 1)
            #expect(error.reason.contains("numbers out of order"))
        }
    }

    @Test func aPatternThatMatchesNothingAtAllIsRefused() {
        var settings = GateSettings()
        settings.blocklistRegex = ["x*"]
        #expect(throws: GateSettings.PatternError(setting: "blocklist_regex", index: 0, pattern: "x*",
                                                  reason: "it matches the empty text")) {
            try settings.validatePatterns()
        }
    }

    @Test func piiActionIsRejectInStrictSlicesAndOverridable() {
        var settings = GateSettings.standard
        #expect(settings.piiAction(forSlices: ["general"]) == .flag)
        #expect(settings.piiAction(forSlices: ["medical"]) == .reject)
        #expect(settings.piiAction(forSlices: ["general", "billing"]) == .reject)
        #expect(settings.piiAction(forSlices: []) == .flag)
        settings.slices[0].piiAction = .reject          // safety
        settings.slices[2].piiAction = .flag            // medical
        #expect(settings.piiAction(forSlices: ["safety"]) == .reject)
        #expect(settings.piiAction(forSlices: ["medical"]) == .flag)
        settings.piiStrictSlices = ["legal"]
        #expect(settings.piiAction(forSlices: ["billing"]) == .flag)
        #expect(settings.piiAction(forSlices: ["legal"]) == .reject)
    }

    @Test func compiledGatesTagFirstThenApplyTheTaggedSlicesSettings() throws {
        let gates = try GateSettings.standard.compile()
        // Untagged, about a prescription dosage: tagged medical, and its PII is rejected there.
        let row = TestRows.chat("What dosage of my prescription is safe? Call me on +44 20 7946 0958.")
        let result = gates.run(row)
        #expect(result.assignment.slices == ["medical"])
        #expect(result.assignment.tagged)
        let pii = result.findings.filter { $0.gate == "pii" }
        #expect(pii.count == 1)
        #expect(pii.first?.action == .reject)
        #expect(pii.first?.matched == "+44 20 7946 0958")
        // Nothing matched: the default slice.
        #expect(gates.run(TestRows.chat("Tell me a joke about penguins.")).assignment.slices == ["general"])
    }

    @Test func compiledGatesOnSampleDataFindThePlantedProblems() throws {
        let index = ContaminationIndex(items: try TestRows.evalItems(
            TestRows.packageRoot.appendingPathComponent("SampleData/eval/heldout-eval.jsonl"), name: "eval/heldout-eval.jsonl"))
        let gates = try GateSettings.standard.compile(contamination: index)
        var byGate: [String: Set<String>] = [:]
        for row in try TestRows.allSampleData() {
            for finding in gates.run(row).findings { byGate[finding.gate, default: []].insert(row.id) }
        }
        #expect(byGate["contamination"] == ["alp-0042", "chat-0093", "pref-0024"])
        #expect(byGate["pii"]?.isSuperset(of: ["chat-0027", "chat-0078", "chat-0079"]) == true)
        #expect(byGate["schema"] == nil)
    }

    @Test func compiledGatesGiveTheSameAnswersFromManyThreads() throws {
        let gates = try GateSettings.standard.compile(contamination: ContaminationIndex(items: [
            .init(id: "e", file: "f", text: "What is the maximum amount of paracetamol a healthy adult should take in 24 hours?"),
        ]))
        let rows = try TestRows.allSampleData()
        let expected = rows.map { gates.run($0).findings }
        let mismatches = Counter()
        DispatchQueue.concurrentPerform(iterations: rows.count * 4) { k in
            if gates.run(rows[k % rows.count]).findings != expected[k % rows.count] { mismatches.increment() }
        }
        #expect(mismatches.value == 0)
        #expect(expected.contains { !$0.isEmpty })
    }
}

/// A count shared by concurrent workers.
final class Counter: @unchecked Sendable {
    private var count = 0
    private let lock = NSLock()
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}

extension TestRows {
    /// Texts of real sets nobody here wrote (alpaca's English prose, GSM8K's arithmetic,
    /// OpenAssistant's markdown and code), for checks that a fast path gives what its
    /// definition gives.
    static func realTexts() throws -> [String] {
        var texts: [String] = []
        let alpaca = try JSONSerialization.jsonObject(with: Data(contentsOf: realData.appendingPathComponent("alpaca/alpaca_5000.json")))
        for item in (alpaca as? [[String: Any]] ?? []).prefix(2000) {
            texts += ["instruction", "input", "output"].compactMap { item[$0] as? String }
        }
        for file in ["gsm8k/test.jsonl", "oasst/en_100_text.jsonl"] {
            let data = try Data(contentsOf: realData.appendingPathComponent(file))
            for line in data.split(separator: 0x0A).prefix(1500) {
                // GSM8K lines are objects; the OpenAssistant text file has one JSON string a line.
                switch try JSONSerialization.jsonObject(with: Data(line), options: .fragmentsAllowed) {
                case let object as [String: Any]: texts += object.values.compactMap { $0 as? String }
                case let text as String: texts.append(text)
                default: Issue.record("\(file): a line that is neither an object nor a string")
                }
            }
        }
        return texts
    }
}
