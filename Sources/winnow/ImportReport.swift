import Foundation
import WinnowCore
import Workspace

/// The human-readable summary after each imported file.
enum ImportReport {
    static let listedProblems = 20

    static func print(_ s: ImportSummary, session: WorkspaceSession) {
        let name = Output.safe(s.file)
        if s.alreadyImported {
            Output.line("\(name): already imported (source \(s.source.prefix(12))); nothing to do")
            return
        }
        Output.line("\(name): \(s.rows) rows \(s.reread ? "re-read with the new options" : "imported"), \(s.quarantined) quarantined"
            + (s.blankLines > 0 ? ", \(s.blankLines) blank lines skipped" : "")
            + "  [\(s.format), \(ByteCount.text(s.bytes)), source \(s.source.prefix(12)), log #\(s.logSeq.map(String.init) ?? "?")]")
        if let expanded = s.expandedFrom {
            let n = { (key: String) in expanded[key]?.intValue ?? 0 }
            Output.line("  expanded \(n("trees")) OpenAssistant message trees into \(n("conversations")) conversations (one per root-to-leaf path)"
                + " and \(n("preference_pairs")) preference pairs (best-ranked reply against each lower-ranked sibling);"
                + " the original is stored as source \(expanded["source"]?.stringValue?.prefix(12) ?? "?")")
        }
        Output.counts("shapes", s.byShape)
        Output.counts("origins", s.byOrigin)
        Output.counts("slices", s.bySlice)
        Output.counts("generators", s.byGenerator)
        if s.byOrigin["unknown"] != nil {
            Output.line("  note: \(s.byOrigin["unknown"]!) rows say neither human nor synthetic; pass --origin, or set meta.origin in the rows")
        }
        for (field, n) in s.conflicts.sorted(by: { $0.key < $1.key }) {
            Output.line("  note: \(n) rows carry their own \(field), different from the flag; the row's value was kept")
        }
        for (slice, n) in s.unknownSlices.sorted(by: { $0.key < $1.key }) {
            Output.line("  note: \(n) rows are tagged with slice '\(Output.safe(slice))', which winnow.toml does not define")
        }
        if let line = unusedLine(s.unusedMembers) { Output.line(line) }
        if s.renamedIDs > 0 {
            Output.line("  note: \(s.renamedIDs) rows had an id already taken in this workspace; they were given id~2, id~3, ...")
        }
        if s.decisionsSetAside > 0 {
            Output.line("  note: \(s.decisionsSetAside) decided rows read as another text now; they are back in review"
                + " (their decisions were made on the old text and no longer stand)")
        }
        if let error = s.readError {
            Output.line("  warning: reading stopped early: \(Output.safe(error)); the rows before that point were imported")
        }
        guard s.quarantined > 0 else { return }
        Output.counts("quarantined", s.quarantineReasons)
        let original = s.expandedFrom?["source"]?.stringValue.map { (try? QuarantineList.load(session.paths, source: $0)) ?? [] } ?? []
        let records = original + ((try? QuarantineList.load(session.paths, source: s.source)) ?? [])
        for record in records.prefix(listedProblems) {
            Output.error("\(Output.safe(record.location)): \(Output.safe(record.reason))")
        }
        if records.count > listedProblems {
            Output.error("... and \(records.count - listedProblems) more: winnow quarantine lists them all")
        }
    }
}

extension ImportReport {
    /// "not used: input in 5,482 rows, target in 252 rows — ...": members of rows that no
    /// reviewer, gate or mix will see, most frequent first (names sanitised: they come from the
    /// file). nil when every member was read.
    static func unusedLine(_ unused: [String: Int], shown: Int = 12) -> String? {
        guard !unused.isEmpty else { return nil }
        let sorted = unused.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
        var parts = sorted.prefix(shown).map { "\(Output.safe($0.key)) in \(grouped($0.value)) row\($0.value == 1 ? "" : "s")" }
        if sorted.count > shown { parts.append("and \(sorted.count - shown) more (--json lists them all)") }
        return "  not used: " + parts.joined(separator: ", ")
            + " — map a member with --map FIELD=PATH, or it is kept in the stored source but not reviewed"
    }

    /// 5482 as "5,482".
    static func grouped(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return out
    }
}

enum ByteCount {
    static func text(_ bytes: Int64) -> String {
        let b = Double(bytes)
        if b >= 1e9 { return String(format: "%.1f GB", b / 1e9) }
        if b >= 1e6 { return String(format: "%.1f MB", b / 1e6) }
        if b >= 1e3 { return String(format: "%.1f kB", b / 1e3) }
        return "\(bytes) B"
    }
}
