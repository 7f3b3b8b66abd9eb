import WinnowCore

/// What of a preference pair both sides share, and where they part. An hh-rlhf pair stores two
/// whole transcripts that differ only in the last assistant turn; shown as stored, the shared
/// conversation is printed twice and the one turn to judge is far below the fold. Here the
/// longest run of identical turns (label and text) from the start is the *context*, shown
/// once; what follows on each side is what the reviewer judges.
///
/// When turns are not marked (a side is one block of text, with no prompt beside it), the
/// shared part is found by words instead: the longest common prefix cut at white space, and
/// only when it is long enough (`minimumSharedWords`) to be a context rather than two answers
/// that happen to open alike ("I can't help with that…").
///
/// Pieces point into the row's own segments (index and UTF-8 range), so gate matches and
/// search hits keep their places, and nothing of the row is dropped: every segment is in the
/// context or on a side, except the second copy of each shared turn, which is identical.
struct PairLayout: Equatable {
    struct Piece: Equatable {
        var segment: Int
        var label: String
        /// UTF-8 bytes of the segment's text.
        var range: Range<Int>
    }

    var context: [Piece]
    /// Turns both sides hold identically (0 when the context is a separate prompt field).
    var sharedTurns: Int
    var chosen: [Piece]
    var rejected: [Piece]
    /// The context ends inside a turn (found by words, not turns).
    var splitInsideTurn = false

    static let minimumSharedWords = 30

    /// Nil when the row is not a pair (no segment belongs to a side).
    init?(_ text: RowText) {
        let segments = Array(text.segments.enumerated())
        func piece(_ entry: (offset: Int, element: RowText.Segment)) -> Piece {
            Piece(segment: entry.offset, label: entry.element.label, range: 0..<entry.element.text.utf8.count)
        }
        let chosen = segments.filter { $0.element.side == "chosen" }
        let rejected = segments.filter { $0.element.side == "rejected" }
        guard !chosen.isEmpty || !rejected.isEmpty else { return nil }
        let common = segments.filter { $0.element.side == nil }.map(piece)
        var shared = 0
        while shared < chosen.count, shared < rejected.count,
              chosen[shared].element.label == rejected[shared].element.label,
              chosen[shared].element.text == rejected[shared].element.text { shared += 1 }
        context = common + chosen.prefix(shared).map(piece)
        sharedTurns = shared
        self.chosen = chosen.dropFirst(shared).map(piece)
        self.rejected = rejected.dropFirst(shared).map(piece)
        // Sides of one block each are labelled by their field ("chosen", "rejected"): alike too.
        func sameKind(_ a: RowText.Segment, _ b: RowText.Segment) -> Bool { a.label == b.label || (a.label == a.side && b.label == b.side) }
        if shared == 0, common.isEmpty, let first = chosen.first, let other = rejected.first, sameKind(first.element, other.element),
           let cut = Self.sharedWordPrefix(first.element.text, other.element.text) {
            context = [Piece(segment: first.offset, label: first.element.label, range: 0..<cut)]
            self.chosen[0].range = cut..<self.chosen[0].range.upperBound
            self.rejected[0].range = cut..<self.rejected[0].range.upperBound
            splitInsideTurn = true
        }
    }

    /// Both sides say the same (nothing after the context on either).
    var identical: Bool { chosen.isEmpty && rejected.isEmpty }

    /// The UTF-8 offset where two texts stop agreeing, moved back to the start of the word it
    /// falls in; nil when fewer than `minimumSharedWords` words come before it.
    static func sharedWordPrefix(_ a: String, _ b: String) -> Int? {
        let x = Array(a.utf8), y = Array(b.utf8)
        var end = 0
        while end < x.count, end < y.count, x[end] == y[end] { end += 1 }
        guard end < x.count || end < y.count else { return nil }  // identical: nothing to split
        // Back to just after the last white space, so a shared word start is not cut off (and a
        // multi-byte character never is: white space is ASCII here).
        var cut = end
        while cut > 0, ![0x20, 0x0A, 0x09, 0x0D].contains(x[cut - 1]) { cut -= 1 }
        guard cut > 0 else { return nil }
        let words = String(decoding: x[..<cut], as: UTF8.self).split(whereSeparator: \.isWhitespace).count
        return words >= minimumSharedWords ? cut : nil
    }

    /// The text of a piece.
    static func text(of piece: Piece, in text: RowText) -> String {
        let bytes = Array(text.segments[piece.segment].text.utf8)
        return String(decoding: bytes[piece.range.clamped(to: 0..<bytes.count)], as: UTF8.self)
    }
}
