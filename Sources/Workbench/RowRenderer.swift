import TerminalCore
import WinnowCore
import Workspace

/// Lays a row's text out for reading: a label per turn or field, the text wrapped at word
/// boundaries under it, gate matches and search hits highlighted in place. Preference pairs
/// put the chosen (A) and rejected (B) answers side by side when there is room, else one
/// under the other.
struct RowRenderer {
    /// A highlighted byte range of one segment's text.
    struct Mark: Equatable {
        var segment: Int
        var range: Range<Int>
        var style: Style
    }

    /// Columns below which A and B are stacked instead of side by side.
    static let sideBySideWidth = 100

    var text: RowText
    var marks: [Mark] = []
    /// The pair's column rule and label separator follow the frame glyphs.
    var glyphs = Glyphs.unicode

    /// Gate matches as marks (each flag's `detail.matches[]` with segment and byte offsets).
    static func marks(for flags: [GateFlag]) -> [Mark] {
        var marks: [Mark] = []
        for flag in flags {
            for match in flag.detail["matches"]?.arrayValue ?? [] {
                guard let segment = match["segment"]?.intValue, let start = match["start"]?.intValue,
                      let end = match["end"]?.intValue, start >= 0, start < end else { continue }
                marks.append(Mark(segment: segment, range: start..<end, style: .highlight))
            }
        }
        return marks
    }

    /// Every case-insensitive occurrence of `term` in the row, as marks.
    static func marks(searching term: String, in text: RowText) -> [Mark] {
        guard !term.isEmpty else { return [] }
        var marks: [Mark] = []
        for (index, segment) in text.segments.enumerated() {
            var searchStart = segment.text.startIndex
            while let found = segment.text.range(of: term, options: [.caseInsensitive], range: searchStart..<segment.text.endIndex) {
                let start = segment.text.utf8.distance(from: segment.text.startIndex, to: found.lowerBound)
                let end = segment.text.utf8.distance(from: segment.text.startIndex, to: found.upperBound)
                marks.append(Mark(segment: index, range: start..<end, style: Style(bold: true, underline: true, reverse: true)))
                searchStart = found.upperBound
            }
        }
        return marks
    }

    /// The lines, and for each mark (in order) the line it starts on, for jumping to matches.
    /// `locateMarks` also works out each mark's line (for jumping to a search hit): that
    /// re-wraps the text before every mark, so plain drawing leaves it off.
    func render(width: Int, locateMarks: Bool = false) -> (lines: [StyledLine], markLines: [Int]) {
        var lines: [StyledLine] = []
        var markLines: [Int] = []
        let indexed = Array(text.segments.enumerated())
        let common = indexed.filter { $0.element.side == nil }
        let chosen = indexed.filter { $0.element.side == "chosen" }
        let rejected = indexed.filter { $0.element.side == "rejected" }
        for (index, segment) in common {
            block(index: index, segment: segment, width: width, locateMarks: locateMarks, into: &lines, markLines: &markLines)
        }
        guard !chosen.isEmpty || !rejected.isEmpty else { return (lines, markLines) }
        if width >= Self.sideBySideWidth {
            let half = (width - 3) / 2
            var left: [StyledLine] = [], right: [StyledLine] = []
            var ignored: [Int] = []
            left.append(StyledLine("A \(glyphs.separator) CHOSEN", Style(bold: true, underline: true)))
            right.append(StyledLine("B \(glyphs.separator) REJECTED", Style(bold: true, underline: true)))
            for (index, segment) in chosen { block(index: index, segment: segment, width: half, locateMarks: false, into: &left, markLines: &ignored) }
            for (index, segment) in rejected { block(index: index, segment: segment, width: half, locateMarks: false, into: &right, markLines: &ignored) }
            let base = lines.count
            for i in 0..<max(left.count, right.count) {
                var line = i < left.count ? left[i] : StyledLine()
                line.spans.append(Span(String(repeating: " ", count: max(0, half - line.width))))
                line.spans.append(Span(" \(glyphs.vertical) ", .dim))
                if i < right.count { line.spans += right[i].spans }
                lines.append(line)
            }
            markLines += Array(repeating: base, count: marks.count - markLines.count)
        } else {
            lines.append(StyledLine("A \(glyphs.separator) CHOSEN", Style(bold: true, underline: true)))
            for (index, segment) in chosen { block(index: index, segment: segment, width: width, locateMarks: locateMarks, into: &lines, markLines: &markLines) }
            lines.append(StyledLine("B \(glyphs.separator) REJECTED", Style(bold: true, underline: true)))
            for (index, segment) in rejected { block(index: index, segment: segment, width: width, locateMarks: locateMarks, into: &lines, markLines: &markLines) }
        }
        return (lines, markLines)
    }

    /// One segment: its label, then its text wrapped two columns in.
    private func block(index: Int, segment: RowText.Segment, width: Int, locateMarks: Bool,
                       into lines: inout [StyledLine], markLines: inout [Int]) {
        let label = Sanitiser.clean(segment.label).uppercased()
        // Under "A · CHOSEN" a segment labelled "chosen" needs no label of its own.
        if segment.side == nil || segment.label != segment.side { lines.append(StyledLine(label, .bold)) }
        let mine = marks.enumerated().filter { $0.element.segment == index }
        let wrapped = TextWrap.wrap(spans(of: segment.text, marks: mine.map(\.element)), width: max(1, width - 2))
        for mark in mine.map(\.element) where locateMarks {
            // Greedy wrapping lays out a prefix as it lays out the whole, so the prefix's last
            // line is where the mark starts (give or take the word it cuts).
            let prefix = spans(of: String(decoding: Array(segment.text.utf8).prefix(mark.range.lowerBound), as: UTF8.self), marks: [])
            markLines.append(lines.count + max(0, TextWrap.wrap(prefix, width: max(1, width - 2)).count - 1))
        }
        for line in wrapped { lines.append(StyledLine([Span("  ")] + line.spans)) }
        lines.append(StyledLine())
    }

    /// The segment's text cut at mark boundaries; each piece sanitised on its own, so a
    /// highlight stays on the text it marks even where sanitising changes lengths. A mark is
    /// widened to whole grapheme clusters: a gate match or search hit that starts or ends inside
    /// a flag, a ZWJ family or a conjunct highlights all of it rather than cut it in two.
    private func spans(of text: String, marks: [Mark]) -> [Span] {
        let bytes = Array(text.utf8)
        let boundaries = marks.isEmpty ? [] : Self.clusterBoundaries(text)
        var cuts: [(Int, Int, Style)] = marks.map {
            let start = max(0, $0.range.lowerBound), end = min(bytes.count, $0.range.upperBound)
            return (Self.boundary(atOrBefore: start, in: boundaries), Self.boundary(atOrAfter: end, in: boundaries), $0.style)
        }
        cuts.sort { $0.0 < $1.0 }
        var spans: [Span] = []
        var position = 0
        for (start, end, style) in cuts where start >= position && start < end {
            if start > position { spans.append(piece(bytes[position..<start], .plain)) }
            spans.append(piece(bytes[start..<end], style))
            position = end
        }
        if position < bytes.count { spans.append(piece(bytes[position...], .plain)) }
        return spans
    }

    /// UTF-8 offsets where grapheme clusters start, and the end.
    static func clusterBoundaries(_ text: String) -> [Int] {
        var offsets: [Int] = []
        var offset = 0
        for character in text {
            offsets.append(offset)
            offset += character.utf8.count
        }
        offsets.append(offset)
        return offsets
    }

    static func boundary(atOrBefore offset: Int, in boundaries: [Int]) -> Int {
        guard !boundaries.isEmpty else { return offset }
        var low = 0, high = boundaries.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if boundaries[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        return min(boundaries[low], offset)
    }

    static func boundary(atOrAfter offset: Int, in boundaries: [Int]) -> Int {
        guard let last = boundaries.last else { return offset }
        var low = 0, high = boundaries.count - 1
        while low < high {
            let middle = (low + high) / 2
            if boundaries[middle] >= offset { high = middle } else { low = middle + 1 }
        }
        return boundaries[low] >= offset ? boundaries[low] : last
    }

    private func piece(_ bytes: ArraySlice<UInt8>, _ style: Style) -> Span {
        Span(Sanitiser.clean(bytes: bytes, mode: .multiLine), style)
    }
}
