import ArgumentParser
import Foundation
import Mixer
import ProvenanceLog
import WinnowCore
import Workspace

/// `winnow rollback`: targeted rollback, logged as a `retract` entry. Rows a generator, template
/// or seed wrote are taken out (retracted); a reviewer or time range takes back the decisions
/// made, and those rows return to the queue. Nothing is deleted: the log keeps everything, and
/// the next mix leaves the retracted rows out. `--dry-run` says what it would touch, including
/// which existing mixes hold those rows, and records nothing.
struct RollbackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback", abstract: "Retract what a generator, template, seed or reviewer produced (a logged, reversible-by-record entry).")

    @OptionGroup var workspace: WorkspaceOption
    @Option(help: "Rows this generator wrote.")
    var generator: String?
    @Option(help: "Rows from this prompt template.")
    var template: String?
    @Option(help: "Rows grown from this seed.")
    var seed: String?
    @Option(help: "Decisions this reviewer (user name) made.")
    var reviewer: String?
    @Option(help: "Decisions made at or after this time (RFC 3339 UTC); same as --from.")
    var since: String?
    @Option(help: "Decisions made at or after this time (RFC 3339 UTC).")
    var from: String?
    @Option(help: "Decisions made before this time (RFC 3339 UTC).")
    var until: String?
    @Option(help: "Why, in words (recorded in the log).")
    var why: String?
    @Option(help: "A reason code (recorded in the log).")
    var reason: String?
    @Option(help: "A note for the log.")
    var note: String?
    @Flag(help: "Show how many rows it would touch and which mixes contain them; record nothing.")
    var dryRun = false
    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        guard [generator, template, seed, reviewer, since, from, until].contains(where: { $0 != nil }) else {
            throw ValidationError("name what to roll back: --generator, --template, --seed, --reviewer, --since, --from or --until")
        }
        guard since == nil || from == nil else { throw ValidationError("give --since or --from, not both") }
        for time in [since, from, until].compactMap({ $0 }) where !LogTimestamp.isValid(time) {
            throw ValidationError("'\(Output.safe(time))' is not an RFC 3339 UTC time like 2026-11-21T09:00:00.000Z")
        }
        guard dryRun || why != nil || reason != nil else {
            throw ValidationError("say why: --why TEXT (it goes into the log with the retraction)")
        }
    }

    func run() throws {
        let session = try workspace.open()
        let payload = RetractPayload(generator: generator, template: template, seed: seed.map(JSONValue.string),
                                     reviewer: reviewer, from: since ?? from, until: until, reason: reason,
                                     note: [why, note].compactMap { $0 }.joined(separator: "; ").nilIfEmpty)
        if dryRun { return try preview(payload, session: session) }
        let before = try session.index.count(inState: .retracted)
        let entry = try session.record([payload])[0]
        let after = try session.index.count(inState: .retracted)
        if json { return Output.json(.object([("seq", .int(entry.seq)), ("retracted", .int(after - before))])) }
        Output.line("Logged rollback as #\(entry.seq); \(after - before) more rows retracted")
    }

    func preview(_ payload: RetractPayload, session: WorkspaceSession) throws {
        let ids = try session.index.rowsAffected(by: payload)
        let hits = try MixCatalog.mixes(containing: Set(ids), in: session)
        if json {
            return Output.json(.object([
                ("dry_run", .bool(true)), ("rows", .int(ids.count)),
                ("mixes", .array(hits.map { .object([("directory", .string($0.directory)), ("rows", .int($0.rows))]) })),
            ]))
        }
        Output.line("Dry run: would touch \(ids.count) rows; nothing recorded")
        if hits.isEmpty { Output.line("No existing mix contains them.") }
        for hit in hits {
            Output.line(hit.rows < 0 ? "  \(Output.safe(hit.directory)): written without provenance, cannot tell"
                        : "  \(Output.safe(hit.directory)): \(hit.rows) of them")
        }
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
