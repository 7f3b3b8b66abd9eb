import ArgumentParser
import Foundation
import Gates
import WinnowCore

/// `winnow-bench pii`: the PII gate's matches on real data sets, and its precision against a
/// file of hand labels.
///
/// Precision (how many of the gate's matches are personal data) is what decides whether a
/// reviewer trusts a PII reject; recall cannot be measured the same way without labelling every
/// row. The label file names each match by its location and a digest of the matched text (see
/// `PIIBenchSample.Match.id`), never the text, so it can sit in the repository even for data
/// sets whose licence forbids copying rows. A match with no label is listed and left out of the
/// precision, and the command says how many; a label whose match is gone is counted as removed,
/// by its category, which is how a change to the scanner shows what it stopped reporting.
struct PIIBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pii",
        abstract: "PII gate matches on data files, and precision against hand labels.")

    @Argument(help: "JSONL, JSON-array or gzipped files (e.g. ../shared/realdata/gsm8k/test.jsonl).")
    var files: [String]

    @Option(help: "Hand labels: TSV of location, match id, 'personal' or 'not', category; '#' starts a comment.")
    var labels: String?

    @Flag(help: "Print every match (location, id, kind, reason, action in a reject slice, text) for labelling.")
    var list = false

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give at least one file") }
        for file in files where !FileManager.default.fileExists(atPath: file) { throw ValidationError("\(file): no such file") }
    }

    struct Label {
        var personal: Bool
        var category: String
    }

    func run() throws {
        let sample = try PIIBenchSample.scan(files: files)
        print("\(sample.records) records, \(sample.unrecognised) of them not rows to the recogniser (scanned as all their strings); "
              + "\(sample.matches.count) distinct matches")
        var byKind: [String: Int] = [:]
        for m in sample.matches { byKind["\(m.kind) \(m.reason) \(m.action.rawValue)", default: 0] += 1 }
        for (key, n) in byKind.sorted(by: { $0.key < $1.key }) { print("  \(key): \(n)") }
        if list {
            for m in sample.matches {
                print("\(Sanitiser.clean(m.location))\t\(m.id)\t\(m.kind)\t\(m.reason)\t\(m.action.rawValue)\t\"\(Sanitiser.clean(m.matched))\"")
            }
        }
        guard let labels else { return }
        let table = try Self.readLabels(labels)
        var personal = 0, notPersonal = 0, rejectPersonal = 0, rejectNot = 0
        var falsePositives: [String: Int] = [:], unlabelled: [PIIBenchSample.Match] = []
        var matchedKeys = Set<String>()
        var distinct: [String: Bool] = [:]
        for m in sample.matches {
            matchedKeys.insert(m.key)
            guard let label = table[m.key] else { unlabelled.append(m); continue }
            distinct[m.kind + "\t" + m.matched] = label.personal
            if label.personal { personal += 1 } else { notPersonal += 1; falsePositives["\(m.kind) \(m.reason): \(label.category)", default: 0] += 1 }
            if m.action == .reject { if label.personal { rejectPersonal += 1 } else { rejectNot += 1 } }
        }
        var removed: [String: Int] = [:]
        for (key, label) in table where !matchedKeys.contains(key) {
            removed["\(label.personal ? "personal" : "not personal"): \(label.category)", default: 0] += 1
        }
        let labelled = personal + notPersonal
        print("labels \(labels): \(table.count); of the \(sample.matches.count) matches \(labelled) labelled, \(unlabelled.count) not")
        print(String(format: "  personal %d, not personal %d: precision %.1f %%", personal, notPersonal,
                     100 * Double(personal) / Double(max(1, labelled))))
        print(String(format: "  of them rejects (in a pii = \"reject\" slice): personal %d, not personal %d: precision %.1f %%",
                     rejectPersonal, rejectNot, 100 * Double(rejectPersonal) / Double(max(1, rejectPersonal + rejectNot))))
        let distinctPersonal = distinct.values.filter { $0 }.count
        print(String(format: "  distinct texts (a text in several rows once): %d, personal %d: precision %.1f %%", distinct.count,
                     distinctPersonal, 100 * Double(distinctPersonal) / Double(max(1, distinct.count))))
        print("  false positives still reported:")
        for (key, n) in falsePositives.sorted(by: { ($1.value, $0.key) < ($0.value, $1.key) }) { print("    \(n)  \(key)") }
        print("  labelled matches no longer reported:")
        for (key, n) in removed.sorted(by: { ($1.value, $0.key) < ($0.value, $1.key) }) { print("    \(n)  \(key)") }
        for m in unlabelled {
            print("  unlabelled: \(Sanitiser.clean(m.location))\t\(m.id)\t\(m.kind)\t\(m.reason)\t\"\(Sanitiser.clean(m.matched))\"")
        }
    }

    /// The label file, keyed by location and match id; a malformed line is an error naming it.
    static func readLabels(_ path: String) throws -> [String: Label] {
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("\(path): cannot read") }
        var table: [String: Label] = [:]
        for (n, line) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, !trimmed.hasPrefix("#") else { continue }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 4, fields[2] == "personal" || fields[2] == "not", !fields[3].isEmpty else {
                throw ValidationError("\(path):\(n + 1): expected location, match id, 'personal' or 'not', category separated by tabs")
            }
            let key = fields[0] + "\t" + fields[1]
            guard table[key] == nil else { throw ValidationError("\(path):\(n + 1): \(fields[0]) \(fields[1]) is labelled twice") }
            table[key] = Label(personal: fields[2] == "personal", category: fields[3])
        }
        return table
    }
}
