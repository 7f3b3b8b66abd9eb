extension TextNormaliser {
    /// The words contamination compares: the text lowercased (case-folded), split on whitespace,
    /// with punctuation and symbols removed from each word, and words that were nothing but
    /// punctuation dropped. "Janet’s ducks lay 16 eggs—per day!" becomes
    /// `janets ducks lay 16 eggsper day`: a copied eval question still matches after a row
    /// changed its quotes, spacing or capitals, which is how copies usually drift.
    public static func words(_ text: String) -> [String] {
        var words: [String] = []
        var scratch: [UInt8] = []
        forEachWord(in: text, scratch: &scratch) { _, _, bytes in
            words.append(String(decoding: bytes, as: UTF8.self))
        }
        return words
    }

    /// `words(text)` joined by single spaces.
    public static func normalise(_ text: String) -> String { words(text).joined(separator: " ") }

    /// Calls `body(hash, range)` for each normalised word: a stable 64-bit hash of its normalised
    /// bytes and the byte range in `text` of the whitespace-separated token it came from.
    /// Allocates nothing per word, so a row's n-grams can be hashed without building strings.
    static func forEachWordHash(in text: String, _ body: (UInt64, Range<Int>) -> Void) {
        var scratch: [UInt8] = []
        forEachWord(in: text, scratch: &scratch, keepBytes: false) { hash, range, _ in body(hash, range) }
    }

    /// The walk behind both: `bytes` holds the normalised word only when `keepBytes` is set.
    static func forEachWord(
        in text: String, scratch: inout [UInt8], keepBytes: Bool = true,
        _ body: (UInt64, Range<Int>, ArraySlice<UInt8>) -> Void
    ) {
        var text = text
        text.withUTF8 { source in
            var i = 0
            let n = source.count
            while i < n {
                // Skip whitespace up to the next token.
                while i < n {
                    let b = source[i]
                    if b < 0x80 {
                        guard b == 0x20 || (b >= 0x09 && b <= 0x0D) else { break }
                        i += 1
                    } else {
                        let (s, length) = scalar(at: i, in: source)
                        guard isSpace(s) else { break }
                        i += length
                    }
                }
                guard i < n else { break }
                let tokenStart = i
                var hash = fnvOffset
                var kept = false
                if keepBytes { scratch.removeAll(keepingCapacity: true) }
                while i < n {
                    let b = source[i]
                    if b < 0x80 {
                        if b == 0x20 || (b >= 0x09 && b <= 0x0D) { break }
                        let isDigit = b >= 0x30 && b <= 0x39
                        let isLetter = (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A
                        if isDigit || isLetter {
                            let folded = b >= 0x41 && b <= 0x5A ? b + 0x20 : b
                            hash = fnv(hash, folded)
                            if keepBytes { scratch.append(folded) }
                            kept = true
                        }
                        i += 1
                        continue
                    }
                    let (s, length) = scalar(at: i, in: source)
                    if isSpace(s) { break }
                    if isWordScalar(s) {
                        let mark = scratch.count
                        appendFold(of: s, to: &scratch)
                        for k in mark..<scratch.count { hash = fnv(hash, scratch[k]) }
                        if !keepBytes { scratch.removeAll(keepingCapacity: true) }
                        kept = true
                    }
                    i += length
                }
                if kept { body(hash, tokenStart..<i, scratch[...]) }
            }
        }
    }
}
