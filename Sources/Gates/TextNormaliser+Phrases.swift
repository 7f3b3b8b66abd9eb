extension TextNormaliser {
    /// A set of phrases found in folded text in one pass: the blocklist's phrases and the slice
    /// classifier's keywords.
    ///
    /// Searching each phrase separately costs phrases × bytes per segment; instead the text is
    /// walked once, word by word, and each word's hash is looked up among the phrases' first
    /// words. A 4096-bit filter in front of the table answers "no" for almost every word without
    /// touching the dictionary. Phrases that begin with punctuation ("<|endoftext|>") cannot be
    /// found at word starts and are searched for directly; there are few of them.
    ///
    /// A phrase that begins (ends) with a word character only matches where the text has a word
    /// boundary there, so "kill" does not match "skill"; one space in a phrase matches any run
    /// of whitespace in the text, so a phrase still matches across a line break. With
    /// `inflections`, a phrase may also be followed by a common English ending (`inflections`
    /// below), so the keyword "refund" finds "refunds" and "refunded" but "kill" still not "skill".
    struct PhraseIndex: Sendable {
        /// The endings a keyword may take, -s, -es, -d, -ed, -led, -ing and -ling (plurals and
        /// participles: "charges", "charged", "refunding", "cancelled"; not "-er": "charger" and
        /// "killer" mean other things), as the byte lengths of those that `text[start..<end]` ends
        /// with (0 where none). Written out byte by byte: it runs for every word of every row.
        @inline(__always)
        static func endings(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> (Int, Int, Int) {
            let length = end - start
            guard length >= 2 else { return (0, 0, 0) }
            func at(_ k: Int) -> UInt8 { text[end - k] }
            switch at(1) {
            case UInt8(ascii: "s"):
                return (1, length > 2 && at(2) == UInt8(ascii: "e") ? 2 : 0, 0)
            case UInt8(ascii: "d"):
                guard length > 2, at(2) == UInt8(ascii: "e") else { return (1, 0, 0) }
                return (1, 2, length > 3 && at(3) == UInt8(ascii: "l") ? 3 : 0)
            case UInt8(ascii: "g"):
                guard length > 3, at(2) == UInt8(ascii: "n"), at(3) == UInt8(ascii: "i") else { return (0, 0, 0) }
                return (3, length > 4 && at(4) == UInt8(ascii: "l") ? 4 : 0, 0)
            default:
                return (0, 0, 0)
            }
        }

        /// Whether `text[start..<end]` is exactly one of the endings.
        static func isEnding(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
            guard end - start <= 4 else { return false }
            // A word that is only an ending ends with it at its full length.
            let (a, b, c) = endings(text, start - 1, end)   // one byte of room so "s" alone counts
            return a == end - start || b == end - start || c == end - start
        }

        struct Entry: Sendable {
            /// Folded, trimmed, internal whitespace collapsed to one space.
            var bytes: [UInt8]
            var id: Int
            var wordEnd: Bool
            var inflects: Bool
        }

        private(set) var entries: [Entry] = []
        private var byFirstWord: [UInt64: [Int32]] = [:]
        private var anywhere: [Int32] = []
        /// The first words' hashes (see `WordFilter`).
        private(set) var filter = WordFilter()
        private var hasInflections = false

        var isEmpty: Bool { entries.isEmpty }

        /// `phrases` pairs each phrase with the caller's id for it; blank phrases are left out.
        init(_ phrases: [(text: String, id: Int)], inflections: Bool = false) {
            for (text, id) in phrases {
                var bytes: [UInt8] = []
                var pendingSpace = false
                for s in text.unicodeScalars {
                    if TextNormaliser.isSpace(s) {
                        pendingSpace = !bytes.isEmpty
                        continue
                    }
                    if pendingSpace { bytes.append(0x20); pendingSpace = false }
                    TextNormaliser.appendFold(of: s, to: &bytes)
                }
                guard !bytes.isEmpty else { continue }
                let index = Int32(entries.count)
                let (startsWithWord, firstWordEnd, endsWithWord) = bytes.withUnsafeBufferPointer { b in
                    var j = 0
                    while j < b.count && TextNormaliser.isWord(at: j, in: b) { j += TextNormaliser.sequenceLength(b[j]) }
                    return (j > 0, j, TextNormaliser.isWord(before: b.count, in: b))
                }
                entries.append(Entry(bytes: bytes, id: id, wordEnd: endsWithWord, inflects: inflections && endsWithWord))
                hasInflections = hasInflections || (inflections && endsWithWord)
                if startsWithWord {
                    let hash = TextNormaliser.phraseWordHash(bytes[0..<firstWordEnd])
                    byFirstWord[hash, default: []].append(index)
                    bytes.withUnsafeBufferPointer { filter.insert($0, 0, firstWordEnd, hash: hash) }
                } else {
                    anywhere.append(index)
                }
            }
        }

        /// Calls `body(id, foldedRange)` for every match in `folded`; ranges are in folded bytes
        /// (map them back with `Folded.originalRange`). Overlapping matches of different phrases
        /// are all reported.
        func forEachMatch(in folded: Folded, _ body: (Int, Range<Int>) -> Void) {
            guard !entries.isEmpty else { return }
            folded.bytes.withUnsafeBufferPointer { text in
                // The words were found once, with their stems' hashes, when the text was folded
                // (`Folded.words`): the classifier and every blocklist look up the same walk.
                for word in folded.words {
                    let i = Int(word.start)
                    guard folded.startsOriginal(i) else { continue }
                    lookUp(word.hash, at: i, in: text, folded: folded, stem: false, body)
                    if hasInflections {
                        if word.endings.0 > 0 { lookUp(word.stems.0, at: i, in: text, folded: folded, stem: true, body) }
                        if word.endings.1 > 0 { lookUp(word.stems.1, at: i, in: text, folded: folded, stem: true, body) }
                        if word.endings.2 > 0 { lookUp(word.stems.2, at: i, in: text, folded: folded, stem: true, body) }
                    }
                }
                for index in anywhere {
                    let entry = entries[Int(index)]
                    let first = entry.bytes[0]
                    var p = 0
                    while p < text.count {
                        if text[p] == first, folded.startsOriginal(p),
                           let end = Self.match(entry, in: text, at: p, folded: folded) {
                            body(entry.id, p..<end)
                            p = end
                        } else {
                            p += 1
                        }
                    }
                }
            }
        }

        /// Tries the phrases whose first word hashes to `hash` at the word starting at `i`; for a
        /// stem, only phrases that take endings.
        @inline(__always)
        private func lookUp(_ hash: UInt64, at i: Int, in text: UnsafeBufferPointer<UInt8>, folded: Folded, stem: Bool,
                            _ body: (Int, Range<Int>) -> Void) {
            guard filter.mayContain(hash), let candidates = byFirstWord[hash] else { return }
            for index in candidates {
                let entry = entries[Int(index)]
                if stem && !entry.inflects { continue }
                if let end = Self.match(entry, in: text, at: i, folded: folded) { body(entry.id, i..<end) }
            }
        }

        /// The end of `entry` matched at `start`, or nil. A space in the phrase takes a whole
        /// run of whitespace in the text.
        @inline(__always)
        private static func match(_ entry: Entry, in text: UnsafeBufferPointer<UInt8>, at start: Int, folded: Folded) -> Int? {
            var t = start
            for b in entry.bytes {
                if b == 0x20 {
                    guard t < text.count, isSpaceByte(text[t]) else { return nil }
                    while t < text.count && isSpaceByte(text[t]) { t += 1 }
                    continue
                }
                guard t < text.count, text[t] == b else { return nil }
                t += 1
            }
            if entry.wordEnd && t < text.count && TextNormaliser.isWord(at: t, in: text) {
                guard entry.inflects else { return nil }
                var end = t
                while end < text.count && TextNormaliser.isWord(at: end, in: text) {
                    end += TextNormaliser.sequenceLength(text[end])
                }
                guard Self.isEnding(text, t, end) else { return nil }
                t = end
            }
            guard folded.endsOriginal(t) else { return nil }
            return t
        }

        @inline(__always)
        private static func isSpaceByte(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x09 || b == 0x0D }
    }
}
