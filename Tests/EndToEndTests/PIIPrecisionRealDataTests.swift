import Foundation
import Testing

/// The PII gate's precision on the real data sets (../shared/realdata, skipped only where it
/// is absent), through the command BENCHMARKS.md publishes: `winnow-bench pii` with the hand
/// labels in `Tests/EndToEndTests/Fixtures/pii-labels.tsv`.
///
/// The labels were made on the scanner before reserved domains, the 555 exchange, public
/// helplines and toll-free numbers were told apart, so they hold every match the old scanner
/// reported. Against them: the false-positive kinds the change is about are gone, toll-free
/// numbers are flags even in a reject slice, every match labelled personal is still a reject,
/// and nothing matched today is unlabelled (a new match, true or false, has to be looked at).
@Suite(.enabled(if: WinnowProcess.hasRealData, "../shared/realdata is not present"))
struct PIIPrecisionRealDataTests {
    static let labelFile = WinnowProcess.packageRoot.appendingPathComponent("Tests/EndToEndTests/Fixtures/pii-labels.tsv").path

    /// The files of the published sample, in its order.
    static var files: [String] {
        let real = WinnowProcess.realData
        let predictions = (try? FileManager.default.contentsOfDirectory(atPath: real + "/self-instruct/predictions")) ?? []
        return ["alpaca/alpaca_5000.json", "gsm8k/train.jsonl", "gsm8k/test.jsonl", "self-instruct/seed_tasks.jsonl",
                "self-instruct/user_oriented_instructions.jsonl"].map { real + "/" + $0 }
            + predictions.filter { $0.hasSuffix(".jsonl") }.sorted().map { real + "/self-instruct/predictions/" + $0 }
            + ["oasst/en_100_tree.jsonl", "oasst/prompt_lottery_en_250_text.jsonl", "hh-rlhf/harmless-base/test.jsonl.gz"]
                .map { real + "/" + $0 }
    }

    struct Label { var personal: Bool; var category: String }
    struct Match { var kind: String; var reason: String; var action: String }

    static func labels() throws -> [String: Label] {
        var table: [String: Label] = [:]
        for line in try String(contentsOfFile: labelFile, encoding: .utf8).split(separator: "\n") where !line.hasPrefix("#") {
            let f = line.split(separator: "\t").map(String.init)
            try #require(f.count == 4, "\(line)")
            table[f[0] + "\t" + f[1]] = Label(personal: f[2] == "personal", category: f[3])
        }
        return table
    }

    @Test func knownFalsePositivesAreGoneAndTruePositivesStay() throws {
        let run = try WinnowProcess.run(["pii", "--list", "--labels", Self.labelFile] + Self.files, program: "winnow-bench")
        #expect(run.status == 0, "\(run.stderr)")
        // Every record of every file is read (JSON Lines lines, Alpaca's array elements).
        #expect(run.stdout.hasPrefix("18897 records,"), "\(run.stdout.prefix(200))")
        var matches: [String: Match] = [:]
        for line in run.stdout.split(separator: "\n") {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 6, !f[0].hasPrefix(" ") else { continue }
            matches[f[0] + "\t" + f[1]] = Match(kind: f[2], reason: f[3], action: f[4])
        }
        let labels = try Self.labels()
        #expect(labels.count == 73)
        #expect(matches.count == 60, "\(run.stdout)")
        #expect(run.stdout.contains("of the 60 matches 60 labelled, 0 not"), "a new match needs a label:\n\(run.stdout)")
        for key in matches.keys { #expect(labels[key] != nil, "unlabelled match \(key)") }
        for (key, label) in labels {
            let match = matches[key]
            switch label.category {
            case "documentation-domain", "nanp-555-exchange", "public-helpline":
                #expect(match == nil, "\(label.category) still reported: \(key)")
            case "placeholder-toll-free", "public-helpline-toll-free":
                #expect(match?.reason == "pii-toll-free" && match?.action == "flag", "\(key): \(String(describing: match))")
            default:
                if label.personal {
                    #expect(match?.reason == "pii" && match?.action == "reject", "personal data lost: \(key)")
                }
            }
        }
        // Toll-free numbers are never a reject, whatever the slice.
        for match in matches.values where match.reason == "pii-toll-free" { #expect(match.action == "flag") }
        #expect(run.stdout.contains("personal 42, not personal 18: precision 70.0 %"), "\(run.stdout)")
        #expect(run.stdout.contains("of them rejects (in a pii = \"reject\" slice): personal 42, not personal 15"))
    }

    @Test func aMalformedLabelFileIsAnErrorNamingTheLine() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pii-labels-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let labels = folder.appendingPathComponent("labels.tsv").path
        try "# comment\nx.jsonl:1\tabc\tmaybe\tsomething\n".write(toFile: labels, atomically: true, encoding: .utf8)
        let run = try WinnowProcess.run(["pii", "--labels", labels, WinnowProcess.realData + "/gsm8k/test.jsonl"],
                                        program: "winnow-bench")
        #expect(run.status != 0)
        #expect(run.stderr.contains("labels.tsv:2: expected location, match id, 'personal' or 'not', category"), "\(run.output)")
    }
}
