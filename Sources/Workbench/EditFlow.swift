import Foundation
import TerminalCore
import WinnowCore
import Workspace

/// Editing a row: write a readable rendering to a private file, hand the terminal to
/// `$VISUAL`/`$EDITOR`, read the file back, and show the diff to confirm. The file is kept
/// until the edit is saved or given up, so text that does not parse is never lost.
struct EditFlow {
    let screen: ReviewScreen
    let row: IndexedRow

    func begin(workbench: Workbench) throws {
        let value = try workbench.desk.value(of: row)
        let editable = EditableRow(value)
        guard !editable.pieces.isEmpty else {
            workbench.say("this row has no text winnow knows how to edit")
            return
        }
        let path = try Self.writeDraft(editable.document(id: row.id), id: row.id)
        try edit(editable, path: path, workbench: workbench)
    }

    /// Runs the editor on the draft, then shows the diff (or the problem) to confirm.
    func edit(_ editable: EditableRow, path: String, workbench: Workbench) throws {
        // The lease is renewed while the editor has the terminal: the loop that renews it is
        // blocked until the editor exits.
        let lease = workbench.desk.queue.lease
        let keeper = LeaseKeeper(desk: workbench.desk, id: row.id, every: lease / 3, limit: lease * 6)
        var held = true
        do {
            defer { held = keeper.stop() }
            try workbench.terminal.runOutside { try Self.runEditor(workbench.editorCommand ?? Self.editorCommand(), on: path) }
        } catch {
            workbench.desk.keepDraft(path)
            throw WorkbenchError.draftKept(path: path, because: Workbench.describe(error))
        }
        if held {
            screen.leaseRenewed(row.id, workbench: workbench)
        } else {
            screen.leaseLost(row.id, workbench: workbench)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            workbench.desk.keepDraft(path)
            throw WorkbenchError.io(path: path, action: "read the edited row back", errno: ENOENT)
        }
        guard let edited = String(data: data, encoding: .utf8) else {
            workbench.desk.keepDraft(path)
            throw WorkbenchError.draftKept(path: path, because: "it is not valid UTF-8")
        }
        if edited.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            try? FileManager.default.removeItem(atPath: path)
            workbench.say("edit cancelled (the file was emptied)")
            return
        }
        let before = editable.document(id: row.id)
        do {
            let newRow = try editable.read(edited)
            if newRow == editable.original {
                try? FileManager.default.removeItem(atPath: path)
                workbench.say("no changes: nothing recorded")
                return
            }
            // The instructions above the first header are not the row: leave them out of the diff.
            func body(_ text: String) -> [String] {
                Array(text.components(separatedBy: "\n").drop { !$0.hasPrefix(EditableRow.headerPrefix) })
            }
            let diff = LineDiff.diff(body(before), body(edited))
            workbench.push(ConfirmEditScreen(flow: self, editable: editable, path: path, diff: diff, newRow: newRow, problem: nil))
        } catch {
            workbench.push(ConfirmEditScreen(flow: self, editable: editable, path: path, diff: [], newRow: nil,
                                             problem: "\(path):\(error.line): \(error.message)"))
        }
    }

    static func editorCommand() -> String {
        let environment = ProcessInfo.processInfo.environment
        for name in ["VISUAL", "EDITOR"] {
            if let value = environment[name], !value.trimmingCharacters(in: .whitespaces).isEmpty { return value }
        }
        return "vi"
    }

    /// The editor runs through the shell, as git runs it, so `EDITOR="code --wait"` works; the
    /// file name is passed as an argument, never spliced into the command.
    static func runEditor(_ command: String, on path: String) throws {
        var pid: pid_t = 0
        let argv = ["/bin/sh", "-c", command + " \"$1\"", "winnow-editor", path]
        var cArgs = argv.map { strdup($0) } + [nil]
        defer { for arg in cArgs { free(arg) } }
        let spawned = posix_spawn(&pid, "/bin/sh", nil, nil, &cArgs, environ)
        guard spawned == 0 else { throw WorkbenchError.editorMissing(command: command) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let exited = (status & 0x7F) == 0
        let code = (status >> 8) & 0xFF
        if exited && code == 127 { throw WorkbenchError.editorMissing(command: command) }
        if !exited || code != 0 { throw WorkbenchError.editorFailed(command: command, status: exited ? code : 128 + (status & 0x7F)) }
    }

    /// A private file (0600) for the draft, named after the row so a kept draft is findable.
    static func writeDraft(_ text: String, id: String) throws -> String {
        let safeID = String(id.unicodeScalars.map { $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" ? Character($0) : "_" }.prefix(40))
        let folder = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        let path = "\(folder)/winnow-edit-\(safeID)-\(getpid())-\(Int(Date().timeIntervalSince1970 * 1000)).txt"
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw WorkbenchError.io(path: path, action: "create the edit draft", errno: errno) }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw WorkbenchError.io(path: path, action: "write the edit draft", errno: errno)
            }
            written += n
        }
        return path
    }
}

/// The diff of an edit, to save or go back to the editor; or, when the edited text did not
/// read back, the problem and where the text is kept.
final class ConfirmEditScreen: Screen {
    let flow: EditFlow
    let editable: EditableRow
    let path: String
    let diff: [LineDiff.Line]
    let newRow: JSONValue?
    let problem: String?
    var list = ScrollingLines()
    /// Set once the edit was saved or deliberately dropped; until then, leaving keeps the draft.
    var saved = false

    init(flow: EditFlow, editable: EditableRow, path: String, diff: [LineDiff.Line], newRow: JSONValue?, problem: String?) {
        self.flow = flow
        self.editable = editable
        self.path = path
        self.diff = diff
        self.newRow = newRow
        self.problem = problem
    }

    var context: String { "confirm" }
    var title: String { "edit \(Sanitiser.clean(flow.row.id)): " + (problem == nil ? "save this change?" : "the edit does not read back") }
    var statusActions: [Action] { problem == nil ? [.confirm, .editAgain, .cancel] : [.editAgain, .cancel] }

    func draw(on canvas: inout Canvas, in area: Area, workbench: Workbench) {
        var lines: [StyledLine] = []
        if let problem {
            lines += TextWrap.wrap(Sanitiser.clean(problem), style: Style(bold: true, colour: .red), width: area.width)
            lines.append(StyledLine())
            lines += TextWrap.wrap("Your text is kept in \(Sanitiser.clean(path)). Edit again to fix it, or cancel (the file stays).", width: area.width)
        } else {
            lines += LineDiff.styledLines(diff, width: area.width)
        }
        list.lines = lines
        list.draw(on: &canvas, in: area, inset: 0)
    }

    /// Leaving any other way (a signal, quitting) keeps the draft and says where.
    func close(workbench: Workbench) {
        if !saved { workbench.desk.keepDraft(path) }
    }

    func perform(_ action: Action, workbench: Workbench) throws -> Bool {
        if list.perform(action) { return true }
        switch action {
        case .confirm:
            guard let newRow else { return true }
            // Saved first, closed after: if the edit is refused (say, an answer left empty),
            // this screen stays with the reason and the draft's path.
            let recorded: Bool
            workbench.message = nil  // a refusal says why below; an older line must not stand in for it
            do {
                recorded = try flow.screen.record(.edit, newRow: newRow, workbench: workbench)
            } catch {
                workbench.desk.keepDraft(path)
                throw WorkbenchError.draftKept(path: path, because: Workbench.describe(error))
            }
            saved = true
            workbench.screens.removeAll { $0 === self }
            guard recorded else {
                // Another reviewer holds the row now (the lease ran out while winnow was
                // stopped, say): the edit is not recorded, so the text is kept and named here
                // and again when review ends.
                workbench.desk.keepDraft(path)
                workbench.say((workbench.message?.text ?? "not recorded") + "; your edit is kept in \(Sanitiser.clean(path))", error: true)
                return true
            }
            try? FileManager.default.removeItem(atPath: path)
            workbench.desk.forgetDraft(path)
        case .editAgain:
            workbench.pop()
            try flow.edit(editable, path: path, workbench: workbench)
        case .cancel, .back:
            saved = true
            workbench.pop()
            if problem == nil {
                try? FileManager.default.removeItem(atPath: path)
                workbench.desk.forgetDraft(path)
            } else {
                workbench.desk.keepDraft(path)
            }
            workbench.say(problem == nil ? "edit discarded: nothing recorded" : "nothing recorded; your text is kept in \(Sanitiser.clean(path))")
        default:
            return false
        }
        return true
    }
}
