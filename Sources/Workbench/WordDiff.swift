/// A word-level diff (longest common subsequence over word tokens), for marking what differs
/// between the two answers of a preference pair, between a row and its near-duplicate
/// neighbour, and inside the lines an edit changed.
///
/// Tokens are runs of letters and digits, runs of white space, and single other characters,
/// cut at grapheme-cluster boundaries (a flag, a ZWJ family or a conjunct is never split by a
/// mark). The tokens partition the text, so the chunks put back together give both inputs
/// exactly (`old` and `new` below; the property tests check it).
///
/// The table is quadratic, so it has a cap: when the tokens left after the shared head and
/// tail are more than `cap` cells apart, the diff falls back to whole lines, and past that to
/// "everything in the middle changed". The result says which (`level`), so a screen can say it
/// rather than pretend it compared word by word.
enum WordDiff {
    enum Kind: Equatable, Sendable { case same, removed, added }

    struct Chunk: Equatable, Sendable {
        var kind: Kind
        var text: String
    }

    enum Level: String, Equatable, Sendable {
        case words, lines, whole
    }

    struct Result: Equatable, Sendable {
        var chunks: [Chunk]
        var level: Level
        /// Word tokens (not white space or punctuation) the two sides share, over the word
        /// tokens of the longer side: near 1 for a small change, near 0 for two different texts.
        var commonShare: Double

        /// The old text, put back together from the chunks.
        var old: String { chunks.filter { $0.kind != .added }.map(\.text).joined() }
        /// The new text, put back together from the chunks.
        var new: String { chunks.filter { $0.kind != .removed }.map(\.text).joined() }
        var isEmpty: Bool { chunks.allSatisfy { $0.kind == .same } }

        /// UTF-8 byte ranges of the old text that were removed.
        var removedRanges: [Range<Int>] { ranges(of: .removed) }
        /// UTF-8 byte ranges of the new text that were added.
        var addedRanges: [Range<Int>] { ranges(of: .added) }

        private func ranges(of kind: Kind) -> [Range<Int>] {
            var offset = 0
            var out: [Range<Int>] = []
            for chunk in chunks where chunk.kind == .same || chunk.kind == kind {
                let length = chunk.text.utf8.count
                if chunk.kind == kind && length > 0 { out.append(offset..<(offset + length)) }
                offset += length
            }
            return out
        }
    }

    /// Cells of the comparison table allowed (4 bytes each): about 1000 by 1000 tokens, some
    /// 500 differing words a side, past what a reviewer reads word by word. Measured in a debug
    /// build, 4M cells took 0.7 s; the layout is cached per row and width, but the first draw
    /// of a row must stay quick.
    static let defaultCap = 1_000_000

    static func diff(_ old: String, _ new: String, cap: Int = defaultCap) -> Result {
        let a = words(old), b = words(new)
        if let kinds = script(a, b, cap: cap) {
            return Result(chunks: chunks(a, b, kinds), level: .words, commonShare: share(a, b, kinds))
        }
        let la = lines(old), lb = lines(new)
        if let kinds = script(la, lb, cap: cap) {
            return Result(chunks: chunks(la, lb, kinds), level: .lines, commonShare: 0)
        }
        // Even the lines are too many: keep the shared head and tail, mark the middle.
        let kinds = headTailScript(a, b)
        return Result(chunks: chunks(a, b, kinds), level: .whole, commonShare: share(a, b, kinds))
    }

    /// Word, space and punctuation tokens, by grapheme cluster.
    static func words(_ text: String) -> [Substring] {
        var tokens: [Substring] = []
        var start = text.startIndex
        var current: Int?  // 0 word, 1 space
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            let kind = character.isLetter || character.isNumber ? 0 : character.isWhitespace ? 1 : 2
            if index != start, kind == 2 || kind != current {
                tokens.append(text[start..<index])
                start = index
            }
            current = kind
            index = text.index(after: index)
        }
        if start < text.endIndex { tokens.append(text[start...]) }
        return tokens
    }

    /// Lines, each with its line break.
    static func lines(_ text: String) -> [Substring] {
        var out: [Substring] = []
        var start = text.startIndex
        for index in text.indices where text[index] == "\n" || text[index] == "\r\n" {
            let end = text.index(after: index)
            out.append(text[start..<end])
            start = end
        }
        if start < text.endIndex { out.append(text[start...]) }
        return out
    }

    /// The edit script over tokens (one kind per token of `a` and `b` in order), or nil when the
    /// table would be over `cap` cells.
    static func script(_ a: [Substring], _ b: [Substring], cap: Int) -> [Kind]? {
        var head = 0
        while head < a.count && head < b.count && a[head] == b[head] { head += 1 }
        var tail = 0
        while tail < a.count - head && tail < b.count - head && a[a.count - 1 - tail] == b[b.count - 1 - tail] { tail += 1 }
        let n = a.count - head - tail, m = b.count - head - tail
        guard n == 0 || m == 0 || (n + 1) * (m + 1) <= cap else { return nil }
        // table[i][j]: the longest common subsequence of a[head+i..] and b[head+j..].
        let width = m + 1
        var table = [Int32](repeating: 0, count: (n + 1) * width)
        if n > 0 && m > 0 {
            for i in stride(from: n - 1, through: 0, by: -1) {
                for j in stride(from: m - 1, through: 0, by: -1) {
                    table[i * width + j] = a[head + i] == b[head + j] ? table[(i + 1) * width + j + 1] + 1
                        : max(table[(i + 1) * width + j], table[i * width + j + 1])
                }
            }
        }
        var kinds = [Kind](repeating: .same, count: head)
        var i = 0, j = 0
        while i < n || j < m {
            if i < n, j < m, a[head + i] == b[head + j] {
                kinds.append(.same); i += 1; j += 1
            } else if i < n, j == m || table[(i + 1) * width + j] >= table[i * width + j + 1] {
                kinds.append(.removed); i += 1  // what went comes before what replaced it
            } else {
                kinds.append(.added); j += 1
            }
        }
        return kinds + [Kind](repeating: .same, count: tail)
    }

    /// Shared head and tail as they are, everything between as removed then added.
    static func headTailScript(_ a: [Substring], _ b: [Substring]) -> [Kind] {
        var head = 0
        while head < a.count && head < b.count && a[head] == b[head] { head += 1 }
        var tail = 0
        while tail < a.count - head && tail < b.count - head && a[a.count - 1 - tail] == b[b.count - 1 - tail] { tail += 1 }
        return [Kind](repeating: .same, count: head) + [Kind](repeating: .removed, count: a.count - head - tail)
            + [Kind](repeating: .added, count: b.count - head - tail) + [Kind](repeating: .same, count: tail)
    }

    /// The script as chunks: each run of changes becomes what went, then what came, and white
    /// space kept between two changes joins them (one mark over "three new words", not three).
    static func chunks(_ a: [Substring], _ b: [Substring], _ kinds: [Kind]) -> [Chunk] {
        var pieces: [(Kind, Substring)] = []
        var i = 0, j = 0
        for kind in kinds {
            switch kind {
            case .same: pieces.append((.same, a[i])); i += 1; j += 1
            case .removed: pieces.append((.removed, a[i])); i += 1
            case .added: pieces.append((.added, b[j])); j += 1
            }
        }
        var out: [Chunk] = []
        var removed = "", added = ""
        func flush() {
            if !removed.isEmpty { out.append(Chunk(kind: .removed, text: removed)) }
            if !added.isEmpty { out.append(Chunk(kind: .added, text: added)) }
            removed = ""; added = ""
        }
        for (index, (kind, text)) in pieces.enumerated() {
            let inChange = !removed.isEmpty || !added.isEmpty
            if kind == .same, inChange, text.allSatisfy(\.isWhitespace), index + 1 < pieces.count, pieces[index + 1].0 != .same {
                removed += text; added += text
                continue
            }
            switch kind {
            case .removed: removed += text
            case .added: added += text
            case .same:
                flush()
                if let last = out.last, last.kind == .same { out[out.count - 1].text += text } else { out.append(Chunk(kind: .same, text: String(text))) }
            }
        }
        flush()
        return out
    }

    private static func share(_ a: [Substring], _ b: [Substring], _ kinds: [Kind]) -> Double {
        func isWord(_ token: Substring) -> Bool { token.first.map { $0.isLetter || $0.isNumber } ?? false }
        let wordsA = a.filter(isWord).count, wordsB = b.filter(isWord).count
        guard max(wordsA, wordsB) > 0 else { return 1 }
        var common = 0, i = 0
        for kind in kinds {
            if kind == .same, isWord(a[i]) { common += 1 }
            if kind != .added { i += 1 }
        }
        return Double(common) / Double(max(wordsA, wordsB))
    }
}
