import Foundation
import ReviewQueue
import WinnowCore

/// Going to a row by its id: `:goto ID`, and a search whose text is a row id (`/alp-0018`).
extension ReviewScreen {
    /// Claims the row and shows it; the row on screen goes back to the queue for everyone and
    /// onto this session's skipped list (`b` comes back to it), as a search hit leaves it. A
    /// row that cannot be served stays where it is and the status line says why.
    func goto(_ id: String, workbench: Workbench) throws {
        if let current = item, current.row.id == id {
            leavePast()
            workbench.say("'\(Sanitiser.clean(id))' is on your screen already")
            return
        }
        let claimed: QueueItem
        do {
            claimed = try workbench.desk.queue.goto(id: id)
        } catch let refusal as GotoRefusal {
            workbench.say(Sanitiser.clean(refusal.message), error: true)
            return
        }
        let leaving = item
        if let leaving, leaving.row.id != id {
            try workbench.desk.skip(leaving.row.id, slice: slice, adjudication: adjudication)
        }
        try advance(workbench: workbench, to: claimed)
        var message = "here is \(Sanitiser.clean(id))"
        if let slice, claimed.row.provenance.slices.first != slice, !(slice == QueueSummary.noSlice && claimed.row.provenance.slices.isEmpty) {
            message += " (outside \(Sanitiser.clean(slice)), the slice this review is of)"
        }
        if let leaving, leaving.row.id != id {
            message += "; \(Sanitiser.clean(leaving.row.id)) went back to the queue, "
                + "\(workbench.keymap.keyName(for: .backToSkipped, in: context)) comes back to it"
        }
        workbench.say(message)
    }

    /// A search for text that is exactly a row's id goes to that row (or says why it cannot):
    /// row ids are what reviewers pass each other, and a text search never finds them (an id is
    /// not in the row's text). True when the term was an id.
    func goIfRowID(_ term: String, workbench: Workbench) throws -> Bool {
        for candidate in Set([term, term.trimmingCharacters(in: .whitespaces)]) where !candidate.isEmpty {
            guard try workbench.desk.row(id: candidate) != nil else { continue }
            try goto(candidate, workbench: workbench)
            return true
        }
        return false
    }
}
