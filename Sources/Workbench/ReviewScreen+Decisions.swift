import Foundation
import ProvenanceLog
import ReviewQueue
import WinnowCore
import Workspace

extension ReviewScreen {
    /// One key, one decision: it is in the log before the next row shows.
    func decide(_ action: Action, workbench: Workbench) throws {
        if action == .undo { return try undo(workbench: workbench) }
        if action == .backToSkipped { return try backToSkipped(workbench: workbench) }
        guard let current = item else {
            workbench.say(exhausted ? "nothing to decide: the queue is empty here" : "no row on screen")
            return
        }
        switch action {
        case .accept: try record(.accept, workbench: workbench)
        case .flag: try record(.flag, workbench: workbench)
        case .skip:
            try workbench.desk.skip(current.row.id, slice: slice, adjudication: adjudication)
            let count = workbench.desk.skipped(slice: slice, adjudication: adjudication).count
            try advance(workbench: workbench)
            workbench.say("skipped \(Sanitiser.clean(current.row.id)): back in the queue for everyone; "
                + "\(workbench.keymap.keyName(for: .backToSkipped, in: context)) comes back to it (\(count) skipped here)")
        case .reject:
            workbench.push(ReasonPicker(reasons: workbench.desk.config.reasons, rowID: current.row.id) { [weak self] reason, note, bench in
                try self?.record(.reject, reason: reason, note: note, workbench: bench)
            })
        case .edit:
            try EditFlow(screen: self, row: current.row).begin(workbench: workbench)
        case .swapPair: try confirmSwap(workbench: workbench)  // asks first: a swap rewrites the row
        case .bothBad: try bothBad(workbench: workbench)
        case .pickFirst, .pickSecond:
            try pick(action == .pickFirst ? 0 : 1, workbench: workbench)
        default:
            break
        }
    }

    /// Writes the decision, says so, and moves to the next row. False when it was not
    /// recorded because another reviewer holds the row now (said on the status line; the
    /// screen has moved on): an edit must then keep its text.
    @discardableResult
    func record(_ verdict: Verdict, reason: String? = nil, note: String? = nil, newRow: JSONValue? = nil,
                workbench: Workbench) throws -> Bool {
        guard let current = item else { return false }
        let spent = Int(workbench.desk.queue.now().timeIntervalSince(shownAt) * 1000)
        let request = DecisionRequest(id: current.row.id, verdict: verdict, reason: reason, note: note, newRow: newRow,
                                      spentMs: spent, adjudication: adjudication)
        let saved: (entry: LogEntry, warning: String?)
        do {
            saved = try workbench.desk.decide(request, adjudication: adjudication)
        } catch QueueError.heldByAnother(let row, let holder) {
            // The row is someone else's now: say so and move on rather than leave it on screen.
            try advance(workbench: workbench)
            workbench.say("not recorded: \(Sanitiser.clean(row)) is on \(Sanitiser.clean(holder))'s screen now (your lease ran out)", error: true)
            return false
        }
        decidedHere += 1
        if let open = openRows { openRows = max(0, open - 1) }
        let why = reason.map { " (\(Sanitiser.clean($0)))" } ?? ""
        var message = "saved #\(saved.entry.seq): \(verdict.rawValue)\(why) \(Sanitiser.clean(current.row.id))"
        if let warning = saved.warning { message += "; but \(warning)" }
        // The decision is in the log: from here on a failure is about the next row, and is
        // reported as such, never as if the decision had not been made.
        do {
            try advance(workbench: workbench)
            workbench.say(message, error: saved.warning != nil)
        } catch {
            workbench.say(message + "; the next row could not be read: " + Workbench.describe(error), error: true)
        }
        return true
    }

    /// Brings back the row skipped most recently on this screen; the row on screen, if any,
    /// is skipped in its place and goes to the far end of the list, so pressing the key again
    /// walks through every skipped row in turn.
    private func backToSkipped(workbench: Workbench) throws {
        let leaving = item
        let had = workbench.desk.skipped(slice: slice, adjudication: adjudication).count
        guard let back = try workbench.desk.backToSkipped(slice: slice, adjudication: adjudication) else {
            workbench.say(had == 0 ? "no skipped rows to go back to here"
                : "the \(had == 1 ? "row" : "\(had) rows") you skipped here \(had == 1 ? "was" : "were") decided or taken by someone else meanwhile")
            return
        }
        if let leaving { try workbench.desk.skip(leaving.row.id, slice: slice, adjudication: adjudication, atFront: true) }
        try advance(workbench: workbench, to: back)
        let left = workbench.desk.skipped(slice: slice, adjudication: adjudication).count
        workbench.say("back to \(Sanitiser.clean(back.row.id)), which you skipped (\(left) more skipped here)")
    }

    /// Appends a revert of this session's last decision (or the one at `position` in the
    /// session's list, shown again by `previous-row`) and brings that row back on screen.
    func undo(workbench: Workbench, position: Int? = nil) throws {
        guard let last = position.map({ workbench.desk.madeHere[$0] }) ?? workbench.desk.lastDecision else {
            workbench.say("nothing to undo in this session")
            return
        }
        guard last.adjudication == adjudication else {
            workbench.say("your last decision was made in \(last.adjudication ? "adjudication" : "review"); undo it there")
            return
        }
        guard let undone = try workbench.desk.undo(at: position) else { return }
        decidedHere = max(0, decidedHere - 1)
        // The row is open again (the count went down when it was decided).
        if !adjudication, let open = openRows { openRows = open + 1 }
        let message = "undone: #\(undone.entry.seq) reverts the decision on \(Sanitiser.clean(undone.row))"
        // The revert is in the log; bringing the row back is a convenience that may fail.
        do {
            if let current = item { try workbench.desk.queue.releaseHeldHere(current.row.id) }
            if let back = try workbench.desk.claim(undone.row) {
                try advance(workbench: workbench, to: back)
                workbench.say(message)
            } else {
                try advance(workbench: workbench)
                workbench.say(message + " (another reviewer holds it now)")
            }
        } catch {
            workbench.say(message + "; the row could not be shown again: " + Workbench.describe(error), error: true)
        }
    }

    /// Sides with one of the two reviewers: their verdict, reason and note, marked adjudicated.
    private func pick(_ index: Int, workbench: Workbench) throws {
        guard adjudication else { return }
        guard index < verdicts.count else {
            workbench.say("there is no verdict \(index + 1) to pick")
            return
        }
        let chosen = verdicts[index]
        guard chosen.verdict != .edit else {
            workbench.say("an edit cannot be adopted by picking it: press the edit key to write the row as it should be")
            return
        }
        try record(chosen.verdict, reason: chosen.reason, note: "sided with \(chosen.reviewer)", workbench: workbench)
    }

    /// The same row with chosen and rejected exchanged (TRL and hh-rlhf both keep them at the top).
    static func swapped(_ value: JSONValue) throws -> JSONValue {
        guard var fields = value.objectValue,
              let chosen = fields.firstIndex(where: { $0.0 == "chosen" }),
              let rejected = fields.firstIndex(where: { $0.0 == "rejected" }) else {
            throw WorkbenchError.cannotSwap
        }
        let keep = fields[chosen].1
        fields[chosen].1 = fields[rejected].1
        fields[rejected].1 = keep
        return .object(fields)
    }
}

/// Things the workbench itself refuses, in words for the status line.
enum WorkbenchError: UserFacingError {
    case cannotSwap
    case editorFailed(command: String, status: Int32)
    case editorMissing(command: String)
    case io(path: String, action: String, errno: Int32)
    case draftKept(path: String, because: String)

    var message: String {
        switch self {
        case .cannotSwap: return "this row has no top-level chosen and rejected to swap"
        case let .editorFailed(command, status): return "the editor (\(command)) exited with status \(status); nothing was saved"
        case .editorMissing(let command): return "could not start the editor '\(command)': set $VISUAL or $EDITOR"
        case let .io(path, action, code): return "\(path): could not \(action): \(String(cString: strerror(code)))"
        case let .draftKept(path, because): return "the edit was not saved (\(because)); your text is kept in \(path)"
        }
    }
}
