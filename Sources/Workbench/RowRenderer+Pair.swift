import TerminalCore
import WinnowCore

extension Style {
    /// Words only in the first of two texts (chosen, this row, the text before an edit):
    /// reversed, and red where there is colour.
    static let diffRemoved = Style(reverse: true, colour: .red)
    /// Words only in the second (rejected, the neighbour, the edited text): bold and reversed,
    /// green where there is colour. Without colour the side or the line's +/- tells them apart.
    static let diffAdded = Style(bold: true, reverse: true, colour: .green)
}

/// A preference pair: the shared context once (collapsed to its last lines when long), then
/// the two differing parts right below it, so the turn to judge is on the first screen.
extension RowRenderer {
    /// A context longer than this many lines is collapsed (unless expanded).
    static let contextCollapseLines = 8
    /// Lines of the context's last turn still shown when collapsed.
    static let contextTailLines = 4
    /// Below this share of words in common, two answers are different texts: marking the few
    /// words they happen to share ("the", "to") would be noise, so nothing is marked.
    static let markableShare = 0.25

    func renderPair(_ pair: PairLayout, width: Int, locateMarks: Bool, into lines: inout [StyledLine], markLines: inout [Int]) {
        renderContext(pair, width: width, locateMarks: locateMarks, into: &lines, markLines: &markLines)
        let (chosenMarks, rejectedMarks, note) = sideDiff(pair)
        if pair.identical {
            lines.append(StyledLine("chosen and rejected are identical: nothing after the shared context differs", .bold))
            return
        }
        if let note { lines.append(StyledLine(note, .dim)) }
        let heading = Style(bold: true, underline: true)
        let chosenTitle = StyledLine("A \(glyphs.separator) CHOSEN", heading), rejectedTitle = StyledLine("B \(glyphs.separator) REJECTED", heading)
        let nothing = StyledLine("  (nothing after the shared context)", .dim)
        if width >= Self.sideBySideWidth {
            let half = (width - 3) / 2
            var left = [chosenTitle], right = [rejectedTitle]
            var ignored = [Int](repeating: 0, count: marks.count)
            for piece in pair.chosen { block(piece, width: half, locateMarks: false, extra: chosenMarks, into: &left, markLines: &ignored) }
            for piece in pair.rejected { block(piece, width: half, locateMarks: false, extra: rejectedMarks, into: &right, markLines: &ignored) }
            if pair.chosen.isEmpty { left.append(nothing) }
            if pair.rejected.isEmpty { right.append(nothing) }
            let base = lines.count
            for i in 0..<max(left.count, right.count) {
                var line = i < left.count ? left[i] : StyledLine()
                line.spans.append(Span(String(repeating: " ", count: max(0, half - line.width))))
                line.spans.append(Span(" \(glyphs.vertical) ", .dim))
                if i < right.count { line.spans += right[i].spans }
                lines.append(line)
            }
            let sides = Set((pair.chosen + pair.rejected).map(\.segment))
            for (index, mark) in marks.enumerated() where sides.contains(mark.segment) { markLines[index] = base }
        } else {
            lines.append(chosenTitle)
            for piece in pair.chosen { block(piece, width: width, locateMarks: locateMarks, extra: chosenMarks, into: &lines, markLines: &markLines) }
            if pair.chosen.isEmpty { lines += [nothing, StyledLine()] }
            lines.append(rejectedTitle)
            for piece in pair.rejected { block(piece, width: width, locateMarks: locateMarks, extra: rejectedMarks, into: &lines, markLines: &markLines) }
            if pair.rejected.isEmpty { lines.append(nothing) }
        }
    }

    /// The context: whole when short or expanded; else a heading that says how much is hidden
    /// and how to see it, then the last turn's label and last lines (the question the two
    /// answers reply to).
    private func renderContext(_ pair: PairLayout, width: Int, locateMarks: Bool, into lines: inout [StyledLine], markLines: inout [Int]) {
        guard !pair.context.isEmpty else { return }
        var full: [StyledLine] = []
        var fullMarks = [Int](repeating: -1, count: marks.count)
        var lastStart = 0
        for piece in pair.context {
            lastStart = full.count
            block(piece, width: width, locateMarks: locateMarks, into: &full, markLines: &fullMarks)
        }
        let turns = pair.sharedTurns == 1 ? "1 turn" : "\(pair.sharedTurns) turns"
        let what = pair.sharedTurns > 0 ? "SHARED CONTEXT (\(turns) in both, shown once)"
            : pair.splitInsideTurn ? "SHARED OPENING (in both, shown once)" : nil
        let heading = Style(bold: true, underline: true)
        let collapsible = full.count > Self.contextCollapseLines
        let key = contextKey.map { " \(glyphs.separator) \($0) " } ?? ""
        guard collapsible && !contextExpanded else {
            if let what { lines.append(StyledLine(what + (collapsible && !key.isEmpty ? key + "collapses it" : ""), heading)) }
            let base = lines.count
            for (index, line) in fullMarks.enumerated() where line >= 0 { markLines[index] = base + line }
            lines += full
            return
        }
        // The last turn's label line (when it has one), then its last lines.
        let last = Array(full[lastStart...].dropLast())  // its trailing blank line goes
        let lastPiece = pair.context[pair.context.count - 1]
        let labelled = text.segments[lastPiece.segment].side == nil || lastPiece.label != text.segments[lastPiece.segment].side
        let firstText = lastStart + (labelled ? 1 : 0)
        let tailStart = max(firstText, lastStart + last.count - Self.contextTailLines)
        let shownCount = (labelled ? 1 : 0) + (lastStart + last.count - tailStart)
        let hidden = full.count - 1 - shownCount
        let headingLine = lines.count
        lines.append(StyledLine((what ?? "SHARED CONTEXT") + " \(glyphs.separator) \(hidden) lines hidden"
            + (key.isEmpty ? "" : key + "shows all"), heading))
        var position: [Int: Int] = [:]
        if labelled {
            position[lastStart] = lines.count
            lines.append(full[lastStart])
        }
        if tailStart > firstText { lines.append(StyledLine("  \(glyphs.ellipsis)", .dim)) }
        for index in tailStart..<(lastStart + last.count) {
            position[index] = lines.count
            lines.append(full[index])
        }
        lines.append(StyledLine())
        for (index, line) in fullMarks.enumerated() where line >= 0 { markLines[index] = position[line] ?? headingLine }
    }

    /// What differs between the chosen and rejected parts, turn by turn, as marks; and a note
    /// when nothing is marked by word (texts too different, or too long to compare by word).
    private func sideDiff(_ pair: PairLayout) -> (chosen: [Mark], rejected: [Mark], note: String?) {
        var chosen: [Mark] = [], rejected: [Mark] = []
        var notes: Set<String> = []
        for (a, b) in zip(pair.chosen, pair.rejected) {
            let result = WordDiff.diff(PairLayout.text(of: a, in: text), PairLayout.text(of: b, in: text))
            switch result.level {
            case .words where result.commonShare < Self.markableShare:
                notes.insert("the two sides share few words: nothing is marked")
                continue
            case .lines: notes.insert("too long to compare word by word: the lines that differ are marked")
            case .whole: notes.insert("too long to compare: everything between the shared start and end is marked")
            case .words: break
            }
            chosen += result.removedRanges.map { Mark(segment: a.segment, range: ($0.lowerBound + a.range.lowerBound)..<($0.upperBound + a.range.lowerBound), style: .diffRemoved) }
            rejected += result.addedRanges.map { Mark(segment: b.segment, range: ($0.lowerBound + b.range.lowerBound)..<($0.upperBound + b.range.lowerBound), style: .diffAdded) }
        }
        return (chosen, rejected, notes.isEmpty ? nil : notes.sorted().joined(separator: "; "))
    }
}
