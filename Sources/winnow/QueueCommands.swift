import ArgumentParser
import Foundation
import ReviewQueue
import TerminalCore
import WinnowCore
import Workspace

struct QueueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue", abstract: "Per slice: pending, in review, decided, budget progress, adjudication backlog.")

    @OptionGroup var workspace: WorkspaceOption
    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let queue = try QueueService(session: try workspace.open(access: .readOnly))
        let summary = try queue.summary()
        if json { return Output.json(summary.json) }
        // Padded by display width: Foundation's `%-12@` does not pad on Linux, and a slice name
        // may hold wide or (sanitised) invisible characters.
        let width = max(12, summary.slices.map { DisplayWidth.of(Output.safe($0.slice)) + 1 }.max() ?? 0)
        func row(_ first: String, _ cells: [String], _ last: String) -> String {
            DisplayWidth.pad(first, to: width) + cells.enumerated().map { i, cell in
                String(repeating: " ", count: max(1, (i == cells.count - 1 ? 7 : 8) - cell.count)) + cell
            }.joined() + "  " + last
        }
        Output.line(row("slice", ["total", "pending", "review", "accept", "edit", "reject", "flag", "gate"], "budget"))
        for l in summary.slices {
            // No budget is no progress to draw: a full bar for "0/0" read as work done.
            let budget: String
            if l.budget > 0 {
                let filled = Int(min(1, Double(l.reviewed) / Double(l.budget)) * 10)
                budget = "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: 10 - filled) + "] "
                    + "\(l.reviewed)/\(l.budget)\(l.critical ? "" : " sampled")"
            } else {
                budget = "no review budget" + (l.reviewed > 0 ? " (\(l.reviewed) reviewed)" : "")
            }
            Output.line(row(Output.safe(l.slice) + (l.critical ? "*" : ""),
                            [l.total, l.pending, l.inReview, l.accepted, l.edited, l.rejected, l.flagged, l.gateRejected].map(String.init),
                            budget))
        }
        Output.line("* critical: reviewed in full.  Adjudication backlog: \(summary.adjudicationBacklog)")
        for u in summary.uncounted {
            let named = u.namedSlice.map { "'\(Output.safe($0))'" } ?? "no slice"
            let slice = u.slice.map { "'\(Output.safe($0))'" } ?? "none"
            Output.line("not counted: entry #\(u.seq) decided row '\(Output.safe(u.row))' under \(named), but the row's slice was \(slice)")
        }
    }
}

struct NextCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "next", abstract: "Claim the next row for you and print it (the lease lasts review.lease_minutes).")

    @OptionGroup var workspace: WorkspaceOption
    @Option(help: "Only this slice.")
    var slice: String?
    @Flag(help: "Rows two reviewers disagreed on, for an adjudicator (decide them with --adjudicate).")
    var adjudication = false
    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let session = try workspace.open()
        let queue = try QueueService(session: session)
        guard let item = try queue.next(slice: slice, adjudication: adjudication) else {
            if json { Output.json(.null) } else { Output.line("Nothing left to review for \(Output.safe(queue.reviewer.user)).") }
            return
        }
        let value = try RowStore(paths: session.paths, index: session.index).value(of: item.row)
        if json {
            Output.json(.object([
                ("id", .string(item.row.id)), ("reason", .string(item.reason.rawValue)),
                ("slice", item.row.provenance.slices.first.map(JSONValue.string) ?? .null),
                ("lease_until", .string(ISO8601DateFormatter().string(from: item.leaseUntil))), ("row", value),
            ]))
            return
        }
        Output.line("\(Output.safe(item.row.id))  [\(item.reason.rawValue)]  slice \(Output.safe(item.row.provenance.slices.first ?? "(none)"))  lease until \(ISO8601DateFormatter().string(from: item.leaseUntil))")
        let text = try RowStore(paths: session.paths, index: session.index).text(of: item.row)
        for segment in text.segments {
            Output.line("--- \(Output.safe(segment.side.map { "\($0) " } ?? ""))\(Output.safe(segment.label))")
            Output.line(Sanitiser.clean(segment.text, mode: .multiLine))
        }
    }
}

struct DecideCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decide",
        abstract: "Record a decision on a row (the review screen's path), or a file of verdicts in one batch.")

    @OptionGroup var workspace: WorkspaceOption
    @Argument(help: "The row id.")
    var row: String?
    @Flag(help: "Accept the row.")
    var accept = false
    @Option(help: ArgumentHelp("Reject the row with a reason code from winnow.toml (or both-bad: a preference pair whose answers are both bad).", valueName: "REASON"))
    var reject: String?
    @Option(help: ArgumentHelp("Replace the row with the JSON object in FILE.", valueName: "FILE"))
    var edit: String?
    @Flag(help: "Flag the row for an expert.")
    var flag = false
    @Option(help: "A note for the log.")
    var note: String?
    @Flag(help: "This verdict settles a disagreement between two reviewers.")
    var adjudicate = false
    @Option(help: ArgumentHelp("JSONL of {\"id\", \"verdict\", \"reason\", \"note\"}, recorded in one locked batch: rows you hold, or any row with --force.", valueName: "FILE"))
    var from: String?
    @Flag(help: "Decide rows you do not hold (not taken with 'winnow next', or the lease ran out); the log records the decision as forced.")
    var force = false

    func validate() throws {
        let chosen = [accept, reject != nil, edit != nil, flag].filter { $0 }.count
        if from != nil {
            guard row == nil && chosen == 0 else { throw ValidationError("--from takes no row and no verdict flags") }
        } else {
            guard row != nil else { throw ValidationError("name a row, or give --from FILE") }
            guard chosen == 1 else { throw ValidationError("give exactly one of --accept, --reject REASON, --edit FILE, --flag") }
        }
    }

    func run() throws {
        let queue = try QueueService(session: try workspace.open())
        if let from {
            let (requests, sha) = try QueueService.readVerdicts(from)
            let entries = try queue.decide(requests, extra: .object([("batch_file", .string(from)), ("batch_sha256", .string(sha))]),
                                           claims: force ? .forced : .mustHold)
            Output.line("Recorded \(entries.count) verdicts from \(Output.safe(from)) (log #\(entries.first?.seq ?? 0)-#\(entries.last?.seq ?? 0))")
            return
        }
        guard let row else { return }
        var request = DecisionRequest(id: row, verdict: .accept, note: note, adjudication: adjudicate)
        if let reject { request.verdict = .reject; request.reason = reject }
        if flag { request.verdict = .flag }
        if let edit {
            request.verdict = .edit
            guard let data = FileManager.default.contents(atPath: edit) else {
                throw QueueError.editUnreadable(path: edit, reason: "could not read the file")
            }
            do { request.newRow = try JSONValue.parse(Array(ByteOrderMark.dropped(from: data))) } catch {
                throw QueueError.editUnreadable(path: edit, reason: "not valid JSON (\(JSONValue.describe(error)))")
            }
            guard request.newRow?.objectValue != nil else { throw QueueError.editUnreadable(path: edit, reason: "not a JSON object") }
        }
        let entry = try queue.decide(request, claims: force ? .forced : .mustHold)
        Output.line("\(request.verdict.rawValue) \(Output.safe(row)) recorded as log #\(entry.seq)")
    }
}
