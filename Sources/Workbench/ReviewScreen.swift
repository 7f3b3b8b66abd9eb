import Foundation
import Gates
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
    /// False once a renewal found the row no longer this process's (its lease ran out while
    /// winnow was stopped and another reviewer took it): the header stops showing a lease.
    var leaseHeld = true
    /// With nothing to adjudicate here: the backlog, and how much of it this reviewer decided.
    var adjudicationWaiting: (total: Int, decidedByYou: Int)?
    var text = RowText(segments: [])
    var flags: [GateFlag] = []
    /// The disagreeing verdicts (adjudication mode).
    var verdicts: [RecordedDecision] = []
    var scroll = Scroll()
    var searchTerm = ""
    var searchMarks: [RowRenderer.Mark] = []
    var searchIndex = 0
    var searchSeen: Set<String> = []
    /// The near-duplicate neighbour shown beside the row, when opened.
    var neighbour: (row: IndexedRow, text: RowText, similarity: Double?)?
    /// A preference pair's shared context shown whole (else collapsed to its last lines).
    var contextExpanded = false
    /// The key that toggles it, named in the context's heading (from the keymap, at draw).
    var contextKey: String?
    var shownAt = Date()
    var decidedHere = 0
    /// Open rows in this screen's scope, counted when the screen opens and on idle ticks (a
    /// count over a million rows is too slow for every key), less what was decided since.
    var openRows: Int?
    /// How far the queue plan is while it is still being built (at the last draw).
    var planning: (placed: Int, total: Int)?
    var countedAt = Date.distantPast
    /// The body's line count and page height at the last draw, for scrolling.
    var lastBodyLines = 0
    var lastPage = 10
    var exhausted = false
    /// The laid-out body, kept while nothing it depends on changes: scrolling a long row
    /// redraws from here instead of wrapping the whole row again on every key.
    var bodyCache: (key: String, lines: [StyledLine])?
    /// The frame glyphs of the canvas last drawn on (ASCII when the locale is not UTF-8).
    var glyphs = Glyphs.unicode
    /// The row to open on instead of the next in the queue (`:goto` from another screen).
    var initial: QueueItem?
    /// An earlier decision of this session shown again (`previous-row`), over the row on
    /// screen, which stays claimed underneath (ReviewScreen+Previous).
    var past: PastDecision?

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
        // Over a past decision only these do anything.
        if past != nil { return [.undo, .previousRow, .back] }
        var actions: [Action] = adjudication ? [.pickFirst, .pickSecond] : []
        actions += [.accept, .reject, .edit, .flag, .skip, .undo]
        if isPreference { actions.insert(contentsOf: [.swapPair, .bothBad], at: 2) }
        if !adjudication { actions.append(.search) }
        return actions + [.back]
    }

    var isPreference: Bool { item?.row.shape.isPreferencePair ?? false }

    /// Claims the next row (or `item` itself when given) and reads what the screen shows.
    func advance(workbench: Workbench, to claimed: QueueItem? = nil) throws {
        item = nil
        past = nil
        neighbour = nil
        contextExpanded = false
        scroll = Scroll()
        let next = try claimed ?? workbench.desk.next(slice: slice, adjudication: adjudication)
        guard let next else {
            exhausted = true
            adjudicationWaiting = adjudication ? try? workbench.desk.queue.adjudicationWaiting(slice: slice) : nil
            text = RowText(segments: [])
            flags = []
            searchMarks = []
            return
        }
        exhausted = false
        // Everything the screen shows is read before any of it is shown: a row whose text
        // cannot be read must never appear under another row's text.
        let loaded: (RowText, [GateFlag], [RecordedDecision])
        do {
            loaded = (try workbench.desk.text(of: next.row), try workbench.desk.flags(of: next.row),
                      adjudication ? try workbench.desk.decisions(on: next.row.id) : [])
        } catch {
            try? workbench.desk.queue.releaseHeldHere(next.row.id)
            text = RowText(segments: [])
            throw error
        }
        item = next
        leaseHeld = true
        (text, flags, verdicts) = loaded
        searchMarks = RowRenderer.marks(searching: searchTerm, in: text)
        searchIndex = 0
        shownAt = workbench.desk.queue.now()
    }

    func appear(workbench: Workbench) throws {
        let first = initial
        initial = nil
        try advance(workbench: workbench, to: first)
        // A count taken while the queue plan is still being built would be a part of the
        // rows: the header shows how far the plan is instead, and counts once it is done
        // (after the first row, which may have finished a small plan).
        if !adjudication, workbench.desk.queue.planningProgress == nil {
            countedAt = workbench.desk.queue.now()
            openRows = try workbench.desk.queue.openCount(slice: slice)
        }
    }

    func perform(_ action: Action, workbench: Workbench) throws -> Bool {
        if scroll.apply(action, page: lastPage, total: lastBodyLines) { return true }
        if past != nil, try performOverPast(action, workbench: workbench) { return true }
        switch action {
        case .previousRow: try showPrevious(workbench: workbench)
        case .accept, .reject, .edit, .flag, .skip, .undo, .swapPair, .bothBad, .pickFirst, .pickSecond, .backToSkipped:
            try decide(action, workbench: workbench)
        case .openNeighbour: try toggleNeighbour(workbench: workbench)
        case .toggleContext: toggleContext(workbench: workbench)
        case .search:
            // Like vim: an empty search repeats the last one.
            let label = searchTerm.isEmpty ? "Search" : "Search [\(Sanitiser.clean(searchTerm))]"
            workbench.push(LinePrompt(label: label) { [weak self] term, bench in
                guard let self else { return }
                self.search(term.isEmpty ? self.searchTerm : term, workbench: bench)
            })
        case .searchNext: try stepSearch(by: 1, workbench: workbench)
        case .searchPrevious: try stepSearch(by: -1, workbench: workbench)
        default: return false
        }
        return true
    }

    func tick(workbench: Workbench) throws -> Bool {
        guard let current = item else { return false }
        // Renew well before the lease runs out, so a slow read never loses the row.
        let now = workbench.desk.queue.now()
        if leaseHeld, current.leaseUntil.timeIntervalSince(now) < workbench.desk.queue.lease / 2 {
            if try workbench.desk.renew(current.row.id) {
                item?.leaseUntil = now.addingTimeInterval(workbench.desk.queue.lease)
            } else {
                leaseLost(current.row.id, workbench: workbench)
                return true
            }
        }
        // The open count is a COUNT over the queue (a quarter second on a big slice): only
        // for the screen in front, and not more than twice a minute.
        let planned = workbench.desk.queue.planningProgress == nil
        if !adjudication, workbench.top === self, planned, openRows == nil || now.timeIntervalSince(countedAt) > 30 {
            countedAt = now
            openRows = try workbench.desk.queue.openCount(slice: slice)
        }
        return workbench.top === self
    }

    func close(workbench: Workbench) {
        if let current = item { try? workbench.desk.queue.releaseHeldHere(current.row.id) }
    }

    /// The lease was renewed elsewhere (by the edit's keeper): the header counts from now.
    func leaseRenewed(_ id: String, workbench: Workbench) {
        guard item?.row.id == id else { return }
        item?.leaseUntil = workbench.desk.queue.now().addingTimeInterval(workbench.desk.queue.lease)
    }

    /// The row on screen is no longer this process's: say so once, and show no lease.
    func leaseLost(_ id: String, workbench: Workbench) {
        guard item?.row.id == id, leaseHeld else { return }
        leaseHeld = false
        let skip = workbench.keymap.keyName(for: .skip, in: context)
        workbench.say("your lease on \(Sanitiser.clean(id)) ran out and another reviewer may hold it now: "
            + "a decision here will not be recorded if they do (\(skip) moves on)", error: true)
    }

    // MARK: - Search

    func search(_ term: String, workbench: Workbench) {
        if term != searchTerm { searchSeen.removeAll() }
        searchTerm = term
        searchMarks = RowRenderer.marks(searching: term, in: text)
        searchIndex = 0
        if term.isEmpty { return }
        // A row id is a place to go, not text to find (`/alp-0018`).
        do {
            if try goIfRowID(term, workbench: workbench) { return }
        } catch {
            workbench.report(error)
            return
        }
        if searchMarks.isEmpty {
            do { try searchQueue(workbench: workbench) } catch { workbench.report(error) }
        } else {
            workbench.say("\(searchMarks.count) match\(searchMarks.count == 1 ? "" : "es") in this row")
            jumpToSearchMark(workbench: workbench)
        }
    }

    /// Within the row first; past its last match, on through the queue.
    private func stepSearch(by step: Int, workbench: Workbench) throws {
        guard !searchTerm.isEmpty else {
            workbench.say("no search yet")
            return
        }
        let next = searchIndex + step
        if !searchMarks.isEmpty && next >= 0 && next < searchMarks.count {
            searchIndex = next
            workbench.say("match \(searchIndex + 1) of \(searchMarks.count)")
            jumpToSearchMark(workbench: workbench)
            return
        }
        if step < 0 {
            workbench.say("no earlier match in this row")
            return
        }
        try searchQueue(workbench: workbench)
    }

    /// Moves to the next queued row holding the search term; the row left behind is skipped
    /// (back in the queue for everyone, and on this session's list of rows to go back to).
    /// Rows the current search has already shown, so `n` walks on through the queue instead
    /// of bouncing between the first two hits.
    private func searchQueue(workbench: Workbench) throws {
        let term = Sanitiser.clean(searchTerm)
        let leaving = item
        if let current = item { searchSeen.insert(current.row.id) }
        var read = 0
        // A hit another reviewer holds cannot be shown: try the next one, a few times.
        for _ in 0..<5 {
            let found = try workbench.desk.findInQueue(searchTerm, slice: slice, excluding: searchSeen)
            read += found.scanned
            guard let row = found.row else { break }
            searchSeen.insert(row.id)
            guard let claimed = try workbench.desk.claim(row.id) else { continue }
            if let leaving { try workbench.desk.skip(leaving.row.id, slice: slice, adjudication: adjudication) }
            try advance(workbench: workbench, to: claimed)
            workbench.say("'\(term)' found in \(Sanitiser.clean(row.id)) (\(read) queued rows read)")
            jumpToSearchMark(workbench: workbench)
            return
        }
        workbench.say("'\(term)' is in no other queued row (read \(read))")
    }

    private func jumpToSearchMark(workbench: Workbench) {
        let width = bodyWidth(workbench.terminal.size.columns)
        guard searchIndex < searchMarks.count else { return }
        revealContext(for: searchMarks[searchIndex])
        let lines = renderer(marks: searchMarks).render(width: width, locateMarks: true).markLines
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
