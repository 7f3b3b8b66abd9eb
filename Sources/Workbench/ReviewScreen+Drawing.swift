import Foundation
import ReviewQueue
import TerminalCore
import WinnowCore
import Workspace

extension ReviewScreen {
    /// From this width the provenance and flags move into a panel on the right.
    static let panelThreshold = 140
    static let panelWidth = 36

    func bodyWidth(_ columns: Int) -> Int { columns >= Self.panelThreshold ? columns - Self.panelWidth - 1 : columns }

    func draw(on canvas: inout Canvas, in area: Area, workbench: Workbench) {
        glyphs = canvas.glyphs
        contextKey = workbench.keymap.shortestKeys(for: .toggleContext, in: context).map(KeyNotation.name)
        if let past {
            drawPast(past, on: &canvas, in: area, workbench: workbench)
            return
        }
        guard let current = item else {
            drawEmpty(on: &canvas, in: area, workbench: workbench)
            return
        }
        let wide = area.width >= Self.panelThreshold
        let width = bodyWidth(area.width)
        var y = area.y
        planning = workbench.desk.queue.planningProgress
        header(current, now: workbench.desk.queue.now(), width: width).draw(on: &canvas, x: area.x, y: y, width: width)
        y += 1
        if wide {
            drawPanel(current, on: &canvas, in: Area(x: area.x + width + 1, y: area.y, width: Self.panelWidth, height: area.height))
            for row in area.y..<(area.y + area.height) { canvas.put(glyphs.vertical, x: area.x + width, y: row, style: .dim) }
        } else {
            for line in TextWrap.wrap(provenanceLine(current).spans, width: width, indent: 2).prefix(2) {
                line.draw(on: &canvas, x: area.x, y: y, width: width)
                y += 1
            }
            for line in flagLines(limit: 2, width: width) {
                line.draw(on: &canvas, x: area.x, y: y, width: width)
                y += 1
            }
        }
        for line in verdictLines(width: width) {
            line.draw(on: &canvas, x: area.x, y: y, width: width)
            y += 1
        }
        let body = bodyLines(width: width)
        let page = max(1, area.y + area.height - y - 1)
        lastBodyLines = body.count
        lastPage = page
        scroll.clamp(page: page, total: body.count)
        let shown = body.isEmpty ? "empty row" : "lines \(scroll.offset + 1)-\(min(body.count, scroll.offset + page)) of \(body.count)"
        let rule = String(repeating: glyphs.horizontal, count: max(0, width - DisplayWidth.of(shown) - 3))
        canvas.put(rule + " " + shown + " " + glyphs.horizontal, x: area.x, y: y, style: .dim, limit: width)
        y += 1
        for (i, line) in body.dropFirst(scroll.offset).prefix(page).enumerated() {
            line.draw(on: &canvas, x: area.x, y: y + i, width: width)
        }
    }

    /// Why this row is here, in words (never by colour alone), and the lease. What is too
    /// long for the line gives way in this order: the id (a content hash) down to 8 columns,
    /// the slice name down to 6, the shape (the body's labels show it), "done here"; never the
    /// open count (or the planning progress in its place) or the lease.
    func header(_ current: QueueItem, now: Date, width: Int = .max) -> StyledLine {
        let tag = Style(bold: true, reverse: true, colour: current.reason == .critical ? .red : .yellow)
        let left = Int(max(0, current.leaseUntil.timeIntervalSince(now)))
        let dot = " \(glyphs.separator) "
        // A lease is shown only while it is held.
        let lease = leaseHeld ? Span(dot + "lease \(left / 60):\(String(format: "%02d", left % 60))", .dim)
                              : Span(dot + "lease lost", Style(bold: true, colour: .red))
        // While the queue plan is still being built the open count would be a part of the
        // rows: how far the plan is stands in its place.
        let open = planning.map { dot + "planning \(Self.percent($0))%" } ?? openRows.map { dot + "\($0) open" } ?? ""
        var counts = Span(open + dot + "done here \(decidedHere)", .dim)
        let reason = Span(" \(current.reason.rawValue.uppercased()) ", tag)
        var shape = dot + current.row.shape.rawValue
        var id = Sanitiser.clean(current.row.id)
        var slice = current.row.provenance.slices.first.map { Sanitiser.clean($0) } ?? "no slice"
        // Everything but the id and the slice name.
        func others() -> Int {
            [reason, counts, lease].reduce(0) { $0 + DisplayWidth.of($1.text) } + DisplayWidth.of(shape) + DisplayWidth.of(dot) + 1
        }
        let least = min(8, DisplayWidth.of(id)) + min(6, DisplayWidth.of(slice))
        if others() + least > width { shape = "" }
        if others() + least > width { counts = Span(open, .dim) }
        if others() + DisplayWidth.of(slice) + DisplayWidth.of(id) > width {
            id = DisplayWidth.truncate(id, to: max(8, width - others() - DisplayWidth.of(slice)), mark: glyphs.ellipsis)
        }
        if others() + DisplayWidth.of(slice) + DisplayWidth.of(id) > width {
            slice = DisplayWidth.truncate(slice, to: max(6, width - others() - DisplayWidth.of(id)), mark: glyphs.ellipsis)
        }
        return StyledLine([reason, Span(" " + slice, .bold), Span(dot + id + shape), counts, lease])
    }

    /// How far a plan is, in whole percent, never 100 before it is done.
    static func percent(_ progress: (placed: Int, total: Int)) -> Int {
        progress.total == 0 ? 0 : min(99, progress.placed * 100 / progress.total)
    }

    func provenanceFields(_ row: IndexedRow) -> [(String, String)] {
        let p = row.provenance
        var fields: [(String, String)] = [("origin", p.origin.rawValue)]
        if let g = p.generator { fields.append(("generator", g)) }
        if let t = p.template { fields.append(("template", t)) }
        if let s = p.seed { fields.append(("seed", s)) }
        if let t = p.temperature { fields.append(("temperature", String(t))) }
        if let j = p.judgeScore { fields.append(("judge", String(j))) }
        if let c = p.created { fields.append(("created", c)) }
        fields.append(("source", "\(row.source.prefix(12)):\(row.line)"))
        return fields.map { ($0.0, Sanitiser.clean($0.1)) }
    }

    private func provenanceLine(_ current: QueueItem) -> StyledLine {
        var spans: [Span] = []
        for (name, value) in provenanceFields(current.row).filter({ $0.0 != "created" && $0.0 != "source" }) {
            if !spans.isEmpty { spans.append(Span(" \(glyphs.separator) ", .dim)) }
            spans.append(Span(name + " ", .dim))
            spans.append(Span(value))
        }
        return StyledLine(spans)
    }

    /// One line per gate flag: the gate, what it does, and what it matched.
    func flagLines(limit: Int, width: Int) -> [StyledLine] {
        guard !flags.isEmpty else { return [StyledLine("no gate flags", .dim)] }
        var lines: [StyledLine] = []
        for flag in flags.prefix(flags.count > limit ? limit - 1 : limit) {
            let match = flag.detail["matches"]?.arrayValue?.first
            var spans = [Span((flag.action == .reject ? glyphs.rejectMark : glyphs.flagMark) + " ", .bold),
                         Span(Sanitiser.clean(flag.gate), .bold), Span(" \(flag.action.rawValue): \(Sanitiser.clean(flag.reason))")]
            if let matched = match?["matched"]?.stringValue {
                spans.append(Span(" \""))
                spans.append(Span(DisplayWidth.truncate(Sanitiser.clean(matched), to: 40, mark: glyphs.ellipsis), .highlight))
                spans.append(Span("\""))
            }
            if let neighbour = match?["neighbour"]?.stringValue {
                let similarity = match?["similarity"]?.doubleValue.map { String(format: " %.2f", $0) } ?? ""
                spans.append(Span(" ~ \(Sanitiser.clean(neighbour))\(similarity)"))
            }
            lines.append(StyledLine(spans))
        }
        if flags.count > limit { lines.append(StyledLine("  \(glyphs.ellipsis) and \(flags.count - limit + 1) more flags", .dim)) }
        return lines
    }

    /// Adjudication: the two verdicts side by side (stacked when narrow).
    private func verdictLines(width: Int) -> [StyledLine] {
        guard adjudication else { return [] }
        let described = verdicts.prefix(2).enumerated().map { index, v -> String in
            let reason = v.reason.map { " (\($0))" } ?? ""
            let note = v.note.map { " \"\($0)\"" } ?? ""
            return "\(index + 1) \(glyphs.separator) " + Sanitiser.clean("\(v.reviewer): \(v.verdict.rawValue)\(reason)\(note)")
        }
        if width >= 100 && described.count == 2 {
            let half = (width - 3) / 2
            return [StyledLine([Span(DisplayWidth.pad(described[0], to: half, mark: glyphs.ellipsis), .bold), Span(" \(glyphs.vertical) ", .dim),
                                Span(described[1], .bold)])]
        }
        return described.map { StyledLine($0, .bold) }
    }

    /// The row (and the neighbour, beside or below it), from the cache when it still fits.
    func bodyLines(width: Int) -> [StyledLine] {
        let key = "\(item?.row.id ?? "")|\(width)|\(searchTerm)|\(neighbour?.row.id ?? "")|\(flags.count)|\(text.segments.count)|\(glyphs.vertical)|\(contextExpanded)"
        if let cached = bodyCache, cached.key == key { return cached.lines }
        let lines = layOutBody(width: width)
        bodyCache = (key, lines)
        return lines
    }

    /// The renderer for this row as the screen shows it (context state, its toggle key).
    func renderer(marks: [RowRenderer.Mark]) -> RowRenderer {
        var renderer = RowRenderer(text: text, marks: marks, glyphs: glyphs)
        renderer.contextExpanded = contextExpanded
        renderer.contextKey = contextKey
        return renderer
    }

    private func layOutBody(width: Int) -> [StyledLine] {
        let marks = RowRenderer.marks(for: flags) + searchMarks
        guard let neighbour else { return renderer(marks: marks).render(width: width).lines }
        let heading = "NEIGHBOUR \(Sanitiser.clean(neighbour.row.id))"
            + (neighbour.similarity.map { String(format: " \(glyphs.separator) similarity %.2f", $0) } ?? "")
        // The words that differ, marked on both: what makes the two rows near and not the same.
        let (mine, theirs, note) = Self.neighbourMarks(text, neighbour.text)
        var this = renderer(marks: marks)
        this.diffMarks = mine
        let other = RowRenderer(text: neighbour.text, glyphs: glyphs, diffMarks: theirs)
        let noteLines = note.map { [StyledLine($0, .dim)] } ?? []
        if width >= 120 {
            let half = (width - 3) / 2
            let left = [StyledLine("THIS ROW", Style(bold: true, underline: true))] + this.render(width: half).lines
            let right = [StyledLine(heading, Style(bold: true, underline: true))] + other.render(width: half).lines
            return noteLines + (0..<max(left.count, right.count)).map { i in
                var line = i < left.count ? left[i] : StyledLine()
                line.spans.append(Span(String(repeating: " ", count: max(0, half - line.width))))
                line.spans.append(Span(" \(glyphs.vertical) ", .dim))
                if i < right.count { line.spans += right[i].spans }
                return line
            }
        }
        return noteLines + this.render(width: width).lines
            + [StyledLine(heading, Style(bold: true, underline: true))] + other.render(width: width).lines
    }

    /// Word-diff marks between a row and its neighbour, segment by segment in order (a
    /// segment one of them lacks is not marked), and a note when the comparison fell back.
    static func neighbourMarks(_ a: RowText, _ b: RowText) -> (mine: [RowRenderer.Mark], theirs: [RowRenderer.Mark], note: String?) {
        var mine: [RowRenderer.Mark] = [], theirs: [RowRenderer.Mark] = []
        var fellBack = false
        for (index, (x, y)) in zip(a.segments, b.segments).enumerated() {
            let result = WordDiff.diff(x.text, y.text)
            if result.level != .words { fellBack = true }
            mine += result.removedRanges.map { RowRenderer.Mark(segment: index, range: $0, style: .diffRemoved) }
            theirs += result.addedRanges.map { RowRenderer.Mark(segment: index, range: $0, style: .diffAdded) }
        }
        return (mine, theirs, fellBack ? "too long to compare word by word: whole lines that differ are marked" : nil)
    }

    private func drawPanel(_ current: QueueItem, on canvas: inout Canvas, in area: Area) {
        var y = area.y
        canvas.put("PROVENANCE", x: area.x, y: y, style: .bold)
        y += 1
        for (name, value) in provenanceFields(current.row) where y < area.y + area.height {
            canvas.put(DisplayWidth.pad(name, to: 12, mark: glyphs.ellipsis), x: area.x, y: y, style: .dim)
            canvas.put(value, x: area.x + 12, y: y, limit: area.width - 12)
            y += 1
        }
        y += 1
        canvas.put("GATE FLAGS", x: area.x, y: y, style: .bold)
        y += 1
        for line in flagLines(limit: 6, width: area.width) {
            for wrapped in TextWrap.wrap(line.spans, width: area.width, indent: 2) where y < area.y + area.height {
                wrapped.draw(on: &canvas, x: area.x, y: y, width: area.width)
                y += 1
            }
        }
    }

    private func drawEmpty(on canvas: inout Canvas, in area: Area, workbench: Workbench) {
        let what = adjudication ? "No rows wait for adjudication" : "Nothing left to review"
        let scope = slice.map { $0 == QueueSummary.noSlice ? " among the rows without a slice" : " in \(Sanitiser.clean($0))" } ?? ""
        var lines = ["\(what)\(scope).", "Decided in this session: \(decidedHere)."]
        if adjudication, let waiting = adjudicationWaiting, waiting.total > 0 {
            // The backlog on home is not empty: say why none of it is shown here.
            let yours = waiting.decidedByYou
            lines.append("\(waiting.total) row\(waiting.total == 1 ? " waits" : "s wait") for adjudication, "
                + (yours == waiting.total ? "all decided by you: another reviewer must settle \(yours == 1 ? "it" : "them")."
                    : "\(yours) decided by you (another reviewer must settle those), the rest held by other reviewers or in slices you may not review."))
        }
        let skipped = workbench.desk.skipped(slice: slice, adjudication: adjudication).count
        if skipped > 0 {
            lines.append("You skipped \(skipped) row\(skipped == 1 ? "" : "s") here: "
                + "\(workbench.keymap.keyName(for: .backToSkipped, in: context)) goes back to \(skipped == 1 ? "it" : "them").")
        }
        var y = area.y + 1
        for (i, line) in lines.enumerated() {
            for wrapped in TextWrap.wrap(line, style: i == 0 ? .bold : .plain, width: max(1, area.width - 4)) where y < area.y + area.height {
                wrapped.draw(on: &canvas, x: area.x + 2, y: y, width: area.width - 2)
                y += 1
            }
        }
    }
}
