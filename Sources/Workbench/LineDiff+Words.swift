import TerminalCore
import WinnowCore

/// An edit's diff as the reviewer confirms it: unchanged lines dim, removed lines `- `, added
/// lines `+ `, and inside each run of changed lines the words that went and came marked, so a
/// one-word change in a long paragraph does not read as a new paragraph. A run of removed
/// lines and the added lines after it are compared as one text each (an edit that re-wraps a
/// paragraph still lines up its words).
extension LineDiff {
    static func styledLines(_ diff: [Line], width: Int) -> [StyledLine] {
        var out: [StyledLine] = []
        var removed: [String] = [], added: [String] = []
        var fellBack = false
        func flush() {
            guard !removed.isEmpty || !added.isEmpty else { return }
            var removedMarks: [Range<Int>] = [], addedMarks: [Range<Int>] = []
            // A run that only removes or only adds is marked by its prefix alone.
            if !removed.isEmpty && !added.isEmpty {
                let result = WordDiff.diff(removed.joined(separator: "\n"), added.joined(separator: "\n"))
                if result.level != .words { fellBack = true }
                removedMarks = result.removedRanges
                addedMarks = result.addedRanges
            }
            out += lines(removed, marks: removedMarks, prefix: "- ", plain: Style(colour: .red), marked: .diffRemoved, width: width)
            out += lines(added, marks: addedMarks, prefix: "+ ", plain: Style(bold: true, colour: .green), marked: .diffAdded, width: width)
            removed = []
            added = []
        }
        for line in diff {
            switch line {
            case .same(let text):
                flush()
                out += TextWrap.wrap("  " + Sanitiser.clean(text), style: .dim, width: width, indent: 2)
            case .removed(let text):
                if !added.isEmpty { flush() }
                removed.append(text)
            case .added(let text):
                added.append(text)
            }
        }
        flush()
        if fellBack { out.insert(StyledLine("too long to compare word by word: whole lines that differ are marked", .dim), at: 0) }
        return out
    }

    /// Each line of a run with its share of the run's marks (byte ranges over the lines joined
    /// by newlines), cut and sanitised piece by piece.
    private static func lines(_ texts: [String], marks: [Range<Int>], prefix: String, plain: Style, marked: Style,
                              width: Int) -> [StyledLine] {
        var out: [StyledLine] = []
        var start = 0
        for text in texts {
            let bytes = Array(text.utf8)
            let end = start + bytes.count
            var spans = [Span(prefix, plain)]
            var position = 0
            for mark in marks where mark.upperBound > start && mark.lowerBound < end {
                let from = max(mark.lowerBound, start) - start, to = min(mark.upperBound, end) - start
                if from > position { spans.append(Span(Sanitiser.clean(bytes: bytes[position..<from]), plain)) }
                if to > max(from, position) { spans.append(Span(Sanitiser.clean(bytes: bytes[max(from, position)..<to]), marked)) }
                position = max(position, to)
            }
            if position < bytes.count { spans.append(Span(Sanitiser.clean(bytes: bytes[position...]), plain)) }
            out += TextWrap.wrap(spans, width: width, indent: 2)
            start = end + 1  // the newline joining the lines
        }
        return out
    }
}
