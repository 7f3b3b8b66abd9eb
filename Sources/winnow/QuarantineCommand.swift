import ArgumentParser
import Foundation
import WinnowCore
import Workspace

struct QuarantineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quarantine", abstract: "List the input lines that could not be imported, with file, line and reason.")

    @OptionGroup var workspace: WorkspaceOption
    @Flag(help: "Print JSON lines (with the raw bytes, base64).")
    var json = false

    func run() throws {
        let session = try workspace.open(access: .readOnly)
        let records = try QuarantineList.load(session.paths)
        for record in records {
            if json {
                Output.json(record.raw)
            } else {
                Output.line("\(Output.safe(record.location)): \(Output.safe(record.reason))")
                Output.line("    \(record.preview)")
            }
        }
        if !json { Output.line("\(records.count) quarantined lines") }
    }
}
