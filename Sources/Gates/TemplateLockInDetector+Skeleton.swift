extension TemplateLockInDetector {
    /// The first `limit` tokens of an answer's skeleton: its words, lowercased, with every run of
    /// digits written "#" and every double-quoted span (straight, curly, guillemets or backticks,
    /// closed within 200 characters and the same paragraph) written as one token "\"…\"".
    ///
    /// Templated answers differ mostly in the numbers and names a template slot fills in: an
    /// opening check sees "your order 4411" and "your order 9820" as different, the skeleton sees
    /// one mould. Single quotes are left alone: they are apostrophes far more often than quotes.
    static func skeleton(of text: String, limit: Int) -> [String] {
        var tokens: [String] = []
        var word = String.UnicodeScalarView()
        var inDigits = false
        func endWord() {
            if !word.isEmpty { tokens.append(String(word)) }
            word = String.UnicodeScalarView()
            inDigits = false
        }
        let scalars = text.unicodeScalars
        var i = scalars.startIndex
        while i < scalars.endIndex && tokens.count < limit {
            let scalar = scalars[i]
            if let close = closingQuote(scalar), let end = quoteEnd(scalars, after: i, close: close) {
                endWord()
                tokens.append("\"…\"")
                i = scalars.index(after: end)
                continue
            }
            if scalar.properties.numericType == .decimal {
                if !inDigits { word.append("#") }
                inDigits = true
            } else if NearDuplicateShingler.isWordScalar(scalar) {
                inDigits = false
                if scalar.properties.changesWhenLowercased {
                    word.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
                } else {
                    word.append(scalar)
                }
            } else {
                endWord()
            }
            i = scalars.index(after: i)
        }
        endWord()
        return Array(tokens.prefix(limit))
    }

    /// The quote that closes one opened by `scalar`, if `scalar` opens a quotation.
    static func closingQuote(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
        switch scalar {
        case "\"": return "\""
        case "\u{201C}": return "\u{201D}"  // “ ”
        case "\u{201E}": return "\u{201C}"  // „ “
        case "\u{00AB}": return "\u{00BB}"  // « »
        case "`": return "`"
        default: return nil
        }
    }

    /// Where a quotation opened at `start` closes, if it does so soon and within its paragraph.
    static func quoteEnd(
        _ scalars: String.UnicodeScalarView, after start: String.UnicodeScalarView.Index, close: Unicode.Scalar
    ) -> String.UnicodeScalarView.Index? {
        var i = scalars.index(after: start)
        var seen = 0
        var previousNewline = false
        while i < scalars.endIndex && seen < 200 {
            let scalar = scalars[i]
            if scalar == close { return seen > 0 ? i : nil }
            if scalar == "\n" {
                if previousNewline { return nil }
                previousNewline = true
            } else {
                previousNewline = false
            }
            seen += 1
            i = scalars.index(after: i)
        }
        return nil
    }

    /// The answer's words, lowercased (the same words the near-duplicate gate shingles), as
    /// hashes, and their bigram hashes: the raw material of distinct-1 and distinct-2.
    static func wordAndBigramHashes(of text: String) -> (words: [UInt64], bigrams: [UInt64]) {
        var words: [UInt64] = []
        NearDuplicateShingler.forEachWord(in: text) { hash, _ in words.append(hash) }
        var bigrams: [UInt64] = []
        if words.count > 1 {
            bigrams.reserveCapacity(words.count - 1)
            for k in 1..<words.count {
                bigrams.append(NearDuplicateShingler.fmix(words[k - 1] &* 0x9E37_79B9_7F4A_7C15 ^ words[k]))
            }
        }
        return (words, bigrams)
    }

    /// A stable 64-bit hash of a string (the opening and skeleton keys and the sampling order
    /// of ids); Swift's `Hasher` is seeded per process and would reorder samples between runs.
    static func stableHash(_ text: String) -> UInt64 {
        var h = NearDuplicateShingler.fnvBasis
        for byte in text.utf8 { h = (h ^ UInt64(byte)) &* NearDuplicateShingler.fnvPrime }
        return NearDuplicateShingler.fmix(h)
    }
}
