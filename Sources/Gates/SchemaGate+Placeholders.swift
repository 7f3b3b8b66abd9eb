extension SchemaGate {
    /// A template placeholder left in generated text, with its UTF-8 byte range.
    struct Placeholder: Equatable {
        /// "braces" (`{{name}}`), "angle" (`<PLACEHOLDER>`), "brackets" (`[Insert date]`).
        var kind: String
        var range: Range<Int>
    }

    /// Words that make an all-capitals `<WORD>` or `[WORD]` a placeholder on their own; other
    /// single capitalised words (`<EOS>`, `<HTML>`, `[NOTE]`) are left alone.
    static let placeholderWords: Set<String> = ["PLACEHOLDER", "INSERT", "NAME", "TODO", "TBD", "FILL", "FILLIN"]
    /// How `[...]` placeholders start when a template was left unfilled ("[Insert date]",
    /// "[placeholder: price]"); compared lowercased. "[Your name]" and "[Company name]" are not
    /// here: they are what a good answer puts in a letter template the user asked for.
    static let bracketPrefixes = ["insert", "placeholder", "todo", "tbd", "fill in"]

    /// Placeholders in `text`, outside Markdown code (a Jinja or Handlebars example in a code
    /// block is an answer about templates, not a leftover). Looks only at ASCII punctuation, so a
    /// segment without `{`, `<` or `[` costs one pass over its bytes, eight at a time
    /// (`openingCandidates`).
    static func placeholders(in text: String) -> [Placeholder] {
        var found: [Placeholder] = []
        var text = text
        text.withUTF8 { b in
            guard let address = b.baseAddress else { return }
            let base = UnsafeRawPointer(address)
            var i = 0
            while i < b.count {
                i = ASCIIWordScan.skip(base, from: i, count: b.count, openingCandidates)
                guard i < b.count else { break }
                let c = b[i]
                var hit: Placeholder?
                if c == UInt8(ascii: "{") {
                    hit = braces(b, at: i)
                } else if c == UInt8(ascii: "<") {
                    hit = delimited(b, at: i, close: UInt8(ascii: ">"), kind: "angle")
                } else if c == UInt8(ascii: "[") {
                    hit = delimited(b, at: i, close: UInt8(ascii: "]"), kind: "brackets")
                }
                if let hit {
                    found.append(hit)
                    i = hit.range.upperBound
                } else {
                    i += 1
                }
            }
            if !found.isEmpty {
                let code = codeRanges(b)
                found.removeAll { p in code.contains { $0.overlaps(p.range) } }
            }
        }
        return found
    }

    /// 0x80 in the bytes of `x` that may be `{`, `<` or `[`: every such byte is marked, and the
    /// first byte marked is exact (a byte equal to one of them is zero after the exclusive or,
    /// and "a byte is zero" by subtraction is exact up to the first zero byte). Later marks may
    /// be false; the caller looks at the first byte only and goes on from there.
    @inline(__always)
    static func openingCandidates(_ x: UInt64) -> UInt64 {
        func zeroBytes(_ v: UInt64) -> UInt64 { (v &- ASCIIWordScan.ones) & ~v & ASCIIWordScan.high }
        return zeroBytes(x ^ (0x7B &* ASCIIWordScan.ones)) | zeroBytes(x ^ (0x3C &* ASCIIWordScan.ones))
            | zeroBytes(x ^ (0x5B &* ASCIIWordScan.ones))
    }

    /// `{{ content }}` on one line, with a letter in it and no nested braces.
    static func braces(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> Placeholder? {
        guard i + 1 < b.count, b[i + 1] == UInt8(ascii: "{") else { return nil }
        var j = i + 2
        var letter = false
        while j + 1 < b.count && j - i < 120 {
            let c = b[j]
            if c == UInt8(ascii: "}") {
                guard b[j + 1] == UInt8(ascii: "}"), letter else { return nil }
                return Placeholder(kind: "braces", range: i..<j + 2)
            }
            if c == UInt8(ascii: "{") || c == 0x0A { return nil }
            if (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A { letter = true }
            j += 1
        }
        return nil
    }

    /// `<CONTENT>` or `[content]` on one line, not glued to an identifier before it (`Vec<T>`,
    /// `items[INDEX]`) and, for brackets, not a Markdown link (`[text](url)`, `[1]: url`).
    static func delimited(_ b: UnsafeBufferPointer<UInt8>, at i: Int, close: UInt8, kind: String) -> Placeholder? {
        if i > 0, TextNormaliser.isASCIIWord(b[i - 1]) { return nil }
        var j = i + 1
        while j < b.count && j - i <= 80 && b[j] != close && b[j] != 0x0A && b[j] != b[i] { j += 1 }
        guard j < b.count, b[j] == close, j > i + 1 else { return nil }
        if close == UInt8(ascii: "]"), j + 1 < b.count, b[j + 1] == UInt8(ascii: "(") || b[j + 1] == UInt8(ascii: ":") {
            return nil
        }
        let content = String(decoding: UnsafeBufferPointer(rebasing: b[i + 1..<j]), as: UTF8.self)
        let isPlaceholder = close == UInt8(ascii: ">") ? isCapitalPlaceholder(content) : isBracketPlaceholder(content)
        return isPlaceholder ? Placeholder(kind: kind, range: i..<j + 1) : nil
    }

    /// `NAME`, `CUSTOMER_NAME`, `YOUR EMAIL`: capitals, digits, `_`, `-` and spaces, at least three
    /// letters, and either several words or one of the placeholder words.
    static func isCapitalPlaceholder(_ content: String) -> Bool {
        var letters = 0
        var joined = false
        for u in content.utf8 {
            switch u {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): letters += 1
            case UInt8(ascii: "0")...UInt8(ascii: "9"): break
            case UInt8(ascii: "_"), UInt8(ascii: " "), UInt8(ascii: "-"): joined = true
            default: return false
            }
        }
        guard letters >= 3 else { return false }
        if joined {
            // "<YOUR NAME>" yes; "< A B >" or a lone "-" between digits no.
            let words = content.split(whereSeparator: { $0 == "_" || $0 == " " || $0 == "-" })
            return words.count >= 2 && words.allSatisfy { $0.first?.isLetter == true }
        }
        return placeholderWords.contains(content)
    }

    /// `[Insert date]`, `[TODO: link]`, or all capitals as above (`[CUSTOMER_NAME]`, `[NAME]`).
    static func isBracketPlaceholder(_ content: String) -> Bool {
        let trimmed = content.trimmingWhitespace
        guard trimmed.count >= 3 else { return false }
        if isCapitalPlaceholder(trimmed) { return true }
        let lower = trimmed.lowercased()
        return bracketPrefixes.contains { lower.hasPrefix($0) }
    }

    /// Byte ranges of Markdown code: fenced blocks (``` or ~~~ at a line start, up to the closing
    /// fence or the end) and inline spans (a run of backticks up to the same run on the line).
    static func codeRanges(_ b: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var i = 0
        var fenceStart: Int?
        var fence: UInt8 = 0
        while i < b.count {
            // At a line start: a fence opens or closes a block.
            var k = i
            while k < b.count && k - i < 3 && b[k] == 0x20 { k += 1 }
            let isFence = k + 2 < b.count && (b[k] == UInt8(ascii: "`") || b[k] == UInt8(ascii: "~"))
                && b[k + 1] == b[k] && b[k + 2] == b[k]
            var lineEnd = i
            while lineEnd < b.count && b[lineEnd] != 0x0A { lineEnd += 1 }
            if let start = fenceStart {
                if isFence && b[k] == fence {
                    ranges.append(start..<lineEnd)
                    fenceStart = nil
                }
            } else if isFence {
                fenceStart = i
                fence = b[k]
            } else {
                inlineCode(b, i..<lineEnd, into: &ranges)
            }
            i = lineEnd + 1
        }
        if let start = fenceStart { ranges.append(start..<b.count) }
        return ranges
    }

    static func inlineCode(_ b: UnsafeBufferPointer<UInt8>, _ line: Range<Int>, into ranges: inout [Range<Int>]) {
        var i = line.lowerBound
        while i < line.upperBound {
            guard b[i] == UInt8(ascii: "`") else { i += 1; continue }
            var run = i
            while run < line.upperBound && b[run] == UInt8(ascii: "`") { run += 1 }
            let width = run - i
            var j = run
            var closed = false
            while j < line.upperBound {
                guard b[j] == UInt8(ascii: "`") else { j += 1; continue }
                var end = j
                while end < line.upperBound && b[end] == UInt8(ascii: "`") { end += 1 }
                if end - j == width {
                    ranges.append(i..<end)
                    i = end
                    closed = true
                    break
                }
                j = end
            }
            if !closed { i = run }
        }
    }
}
