import Foundation
import ReviewQueue
import TerminalCore
import WinnowCore
import Workspace

/// The row under review: why it is here, the row itself, its provenance and gate flags. Each
/// decision is one key, is in the log (fsynced) before the next row is drawn, and moves on.
/// In adjudication mode the same screen shows the two disagreeing verdicts and lets the
/// adjudicator pick one.
final class ReviewScreen: Screen {
    let slice: String?
    let adjudication: Bool
    var item: QueueItem?
    var text = RowText(segments: [])
    var flags: [GateFlag] = []
    /// The disagreeing verdicts (adjudication mode).
    var verdicts: [RecordedDecision] = []
    var scroll = Scroll()
    var searchTerm = ""
    var searchMarks: [RowRenderer.Mark] = []
    var searchIndex = 0
    /// The near-duplicate neighbour shown beside the row, when opened.
    var neighbour: (row: IndexedRow, text: RowText, similarity: Double?)?
    var shownAt = Date()
    var decidedHere = 0
    /// The body's line count and page height at the last draw, for scrolling.
    var lastBodyLines = 0
    var lastPage = 10
    var exhausted = false

    init(slice: String? = nil, adjudication: Bool = false) {
        self.slice = slice
        self.adjudication = adjudication
    }

    var context: String { adjudication ? "adjudicate" : "review" }

    var title: String {
        let scope = slice.map { Sanitiser.clean($0) } ?? "all slices"
        return adjudication ? "adjudication · \(scope)" : "review · \(scope)"
    }

    var statusActions: [Action] {
        var actions: [Action] = adjudication ? [.pickFirst, .pickSecond] : []
        actions += [.accept, .reject, .edit, .flag, .skip, .undo]
        if isPreference { actions.insert(.swapPair, at: 2) }
        if !adjudication { actions.append(.search) }
        return actions + [.back]
    }

    var isPreference: Bool { item.map { [.preference, .hh].contains($0.row.shape) } ?? false }

    /// Claims the next row (or `item` itself when given) and reads what the screen shows.
    func advance(workbench: Workbench, to claimed: QueueItem? = nil) throws {
        item = nil
        neighbour = nil
        scroll = Scroll()
        let next = try claimed ?? workbench.desk.next(slice: slice, adjudication: adjudication)
        guard let next else {
            exhausted = true
            return
        }
        exhausted = false
        item = next
        text = try workbench.desk.text(of: next.row)
        flags = try workbench.desk.flags(of: next.row)
        verdicts = adjudication ? try workbench.desk.decisions(on: next.row.id) : []
        searchMarks = RowRenderer.marks(searching: searchTerm, in: text)
        searchIndex = 0
        shownAt = Date()
    }

    func appear(workbench: Workbench) throws { try advance(workbench: workbench) }

    func perform(_ action: Action, workbench: Workbench) throws -> Bool {
        if scroll.apply(action, page: lastPage, total: lastBodyLines) { return true }
        switch action {
        case .accept, .reject, .edit, .flag, .skip, .undo, .swapPair, .pickFirst, .pickSecond:
            try decide(action, workbench: workbench)
        case .openNeighbour: try toggleNeighbour(workbench: workbench)
        case .search:
            workbench.push(LinePrompt(label: "Search", initial: searchTerm) { [weak self] term, bench in
                self?.search(term, workbench: bench)
            })
        case .searchNext: stepSearch(by: 1, workbench: workbench)
        case .searchPrevious: stepSearch(by: -1, workbench: workbench)
        default: return false
        }
        return true
    }

    func tick(workbench: Workbench) throws -> Bool {
        guard let current = item else { return false }
        // Renew well before the lease runs out, so a slow read never loses the row.
        let now = workbench.desk.queue.now()
        if current.leaseUntil.timeIntervalSince(now) < workbench.desk.queue.lease / 2 {
            try workbench.desk.renew(current.row.id)
            item?.leaseUntil = now.addingTimeInterval(workbench.desk.queue.lease)
        }
        return true
    }

    func close(workbench: Workbench) {
        if let current = item { try? workbench.desk.queue.release(current.row.id) }
    }

    // MARK: - Search

    func search(_ term: String, workbench: Workbench) {
        searchTerm = term
        searchMarks = RowRenderer.marks(searching: term, in: text)
        searchIndex = 0
        if term.isEmpty { return }
        if searchMarks.isEmpty {
            workbench.say("'\(Sanitiser.clean(term))' is not in this row")
        } else {
            workbench.say("\(searchMarks.count) match\(searchMarks.count == 1 ? "" : "es") in this row")
            jumpToSearchMark(workbench: workbench)
        }
    }

    private func stepSearch(by step: Int, workbench: Workbench) {
        guard !searchMarks.isEmpty else {
            workbench.say(searchTerm.isEmpty ? "no search yet" : "'\(Sanitiser.clean(searchTerm))' is not in this row")
            return
        }
        searchIndex = (searchIndex + step + searchMarks.count) % searchMarks.count
        workbench.say("match \(searchIndex + 1) of \(searchMarks.count)")
        jumpToSearchMark(workbench: workbench)
    }

    private func jumpToSearchMark(workbench: Workbench) {
        let width = bodyWidth(workbench.terminal.size.columns)
        let renderer = RowRenderer(text: text, marks: searchMarks)
        let lines = renderer.render(width: width).markLines
        guard searchIndex < lines.count else { return }
        scroll.offset = max(0, lines[searchIndex] - 2)
    }

    // MARK: - Neighbour

    private func toggleNeighbour(workbench: Workbench) throws {
        if neighbour != nil {
            neighbour = nil
            return
        }
        let match = flags.first { $0.gate == "near-duplicate" }?.detail["matches"]?.arrayValue?.first
        guard let id = match?["neighbour"]?.stringValue else {
            workbench.say("this row has no near-duplicate flag")
            return
        }
        guard let row = try workbench.desk.row(id: id) else {
            workbench.say("neighbour \(Sanitiser.clean(id)) is no longer in the index", error: true)
            return
        }
        neighbour = (row, try workbench.desk.text(of: row), match?["similarity"]?.doubleValue)
    }
}
