import ArgumentParser
import Foundation
import ProvenanceLog
import WinnowCore
import Workspace

/// `winnow rollback`: targeted rollback, logged as a `retract` entry. Rows a generator, template
/// or seed wrote are taken out (retracted); a reviewer or time range takes back the decisions
/// made, and those rows return to the queue. Nothing is deleted: the log keeps everything.
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
    @Option(help: "Decisions made at or after this time (RFC 3339 UTC).")
    var from: String?
    @Option(help: "Decisions made before this time (RFC 3339 UTC).")
    var until: String?
    @Option(help: "Why (a reason code or words, for the log).")
    var reason: String?
    @Option(help: "A note for the log.")
    var note: String?

    func validate() throws {
        guard [generator, template, seed, reviewer, from, until].contains(where: { $0 != nil }) else {
            throw ValidationError("name what to roll back: --generator, --template, --seed, --reviewer, --from or --until")
        }
        for time in [from, until].compactMap({ $0 }) where !LogTimestamp.isValid(time) {
            throw ValidationError("'\(Output.safe(time))' is not an RFC 3339 UTC time like 2026-11-21T09:00:00.000Z")
        }
    }

    func run() throws {
        let session = try workspace.open()
        let before = try session.index.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM rows WHERE state = 'retracted'") ?? 0 }
        let payload = RetractPayload(generator: generator, template: template, seed: seed.map(JSONValue.string),
                                     reviewer: reviewer, from: from, until: until, reason: reason, note: note)
        let entry = try session.record([payload])[0]
        let after = try session.index.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM rows WHERE state = 'retracted'") ?? 0 }
        Output.line("Logged rollback as #\(entry.seq); \(after - before) more rows retracted")
    }
}
