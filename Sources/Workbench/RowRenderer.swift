import TerminalCore
import WinnowCore
import Workspace

/// Lays a row's text out for reading: a label per turn or field, the text wrapped at word
/// boundaries under it, gate matches and search hits highlighted in place. Preference pairs
/// show what both sides share once, then the chosen (A) and rejected (B) parts side by side
/// when there is room, else one under the other, with the words that differ marked
/// (`RowRenderer+Pair.swift`).
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
    /// What differs from another text (a near-duplicate neighbour), drawn under `marks` and
    /// never located. A pair's two sides are compared here, without being asked.
    var diffMarks: [Mark] = []
    /// Whether a pair's shared context is shown whole, and the key that toggles it (named in
    /// the context's heading).
    var contextExpanded = false
    var contextKey: String?

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

    /// The lines, and for each mark (index for index) the line it starts on, for jumping to
    /// matches. `locateMarks` also works out each mark's line (for jumping to a search hit):
    /// that re-wraps the text before every mark, so plain drawing leaves it off. A mark in a
    /// pair's collapsed context is located on the context's heading; one in a side-by-side
    /// pair, on the pair's first line.
    func render(width: Int, locateMarks: Bool = false) -> (lines: [StyledLine], markLines: [Int]) {
        var lines: [StyledLine] = []
        var markLines = [Int](repeating: 0, count: marks.count)
        guard let pair = PairLayout(text) else {
            for (index, segment) in text.segments.enumerated() {
                block(Self.whole(index, segment), width: width, locateMarks: locateMarks, into: &lines, markLines: &markLines)
            }
            return (lines, markLines)
        }
        renderPair(pair, width: width, locateMarks: locateMarks, into: &lines, markLines: &markLines)
        return (lines, markLines)
    }

    static func whole(_ index: Int, _ segment: RowText.Segment) -> PairLayout.Piece {
        PairLayout.Piece(segment: index, label: segment.label, range: 0..<segment.text.utf8.count)
    }

    /// One piece of a segment: its label, then its text wrapped two columns in. `extra` marks
    /// (what differs between two texts) are drawn under the renderer's own marks.
    func block(_ piece: PairLayout.Piece, width: Int, locateMarks: Bool, extra: [Mark] = [],
               into lines: inout [StyledLine], markLines: inout [Int]) {
        let segment = text.segments[piece.segment]
        let label = Sanitiser.clean(piece.label).uppercased()
        // Under "A · CHOSEN" a segment labelled "chosen" needs no label of its own.
        if segment.side == nil || piece.label != segment.side { lines.append(StyledLine(label, .bold)) }
        let bytes = Array(segment.text.utf8)
        let range = piece.range.clamped(to: 0..<bytes.count)
        let body = String(decoding: bytes[range], as: UTF8.self)
        func local(_ mark: Mark) -> (range: Range<Int>, style: Style)? {
            guard mark.segment == piece.segment, mark.range.overlaps(range) || (mark.range.isEmpty && range.contains(mark.range.lowerBound)) else { return nil }
            let clipped = mark.range.clamped(to: range)
            return ((clipped.lowerBound - range.lowerBound)..<(clipped.upperBound - range.lowerBound), mark.style)
        }
        let mine = marks.enumerated().compactMap { entry in local(entry.element).map { (index: entry.offset, mark: $0) } }
        let cuts = mine.map { Cut(range: $0.mark.range, style: $0.mark.style, priority: 1) }
            + (diffMarks + extra).compactMap(local).map { Cut(range: $0.range, style: $0.style, priority: 0) }
        let wrapped = TextWrap.wrap(spans(of: body, cuts: cuts), width: max(1, width - 2))
        for (index, mark) in mine where locateMarks {
            // Greedy wrapping lays out a prefix as it lays out the whole, so the prefix's last
            // line is where the mark starts (give or take the word it cuts).
            let prefix = spans(of: String(decoding: Array(body.utf8).prefix(mark.range.lowerBound), as: UTF8.self), cuts: [])
            markLines[index] = lines.count + max(0, TextWrap.wrap(prefix, width: max(1, width - 2)).count - 1)
        }
        for line in wrapped { lines.append(StyledLine([Span("  ")] + line.spans)) }
        lines.append(StyledLine())
    }

    /// A highlighted byte range; where two overlap, the higher priority is drawn (a gate match
    /// or search hit over a word-diff mark).
    struct Cut {
        var range: Range<Int>
        var style: Style
        var priority: Int
    }

    /// The text cut at mark boundaries; each piece sanitised on its own, so a highlight stays on
    /// the text it marks even where sanitising changes lengths. A mark is widened to whole
    /// grapheme clusters: a gate match or search hit that starts or ends inside a flag, a ZWJ
    /// family or a conjunct highlights all of it rather than cut it in two.
    func spans(of text: String, cuts: [Cut]) -> [Span] {
        let bytes = Array(text.utf8)
        guard !cuts.isEmpty else { return bytes.isEmpty ? [] : [piece(bytes[...], .plain)] }
        let boundaries = Self.clusterBoundaries(text)
        let widened: [Cut] = cuts.compactMap {
            let start = Self.boundary(atOrBefore: max(0, $0.range.lowerBound), in: boundaries)
            let end = Self.boundary(atOrAfter: min(bytes.count, $0.range.upperBound), in: boundaries)
            return start < end ? Cut(range: start..<end, style: $0.style, priority: $0.priority) : nil
        }
        let ordered = widened.enumerated().sorted { ($0.element.range.lowerBound, $0.offset) < ($1.element.range.lowerBound, $1.offset) }
        let edges = Array(Set([0, bytes.count] + widened.flatMap { [$0.range.lowerBound, $0.range.upperBound] })).sorted()
        var spans: [Span] = []
        var active: [(order: Int, cut: Cut)] = []
        var next = 0
        var run: (start: Int, style: Style)?
        for (left, right) in zip(edges, edges.dropFirst()) where left < right {
            active.removeAll { $0.cut.range.upperBound <= left }
            while next < ordered.count, ordered[next].element.range.lowerBound <= left {
                active.append((ordered[next].offset, ordered[next].element))
                next += 1
            }
            // The highest priority wins; among equals, the mark listed first.
            let style = active.max { ($0.cut.priority, -$0.order) < ($1.cut.priority, -$1.order) }?.cut.style ?? .plain
            if let current = run, current.style == style { continue }
            if let current = run { spans.append(piece(bytes[current.start..<left], current.style)) }
            run = (left, style)
        }
        if let current = run, current.start < bytes.count { spans.append(piece(bytes[current.start...], current.style)) }
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
