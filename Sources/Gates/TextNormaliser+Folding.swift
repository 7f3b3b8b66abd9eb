extension TextNormaliser {
    /// A segment's text case-folded, with the way back to the original bytes.
    ///
    /// Phrases are found in the folded bytes, but a finding must point at the row's own text so
    /// the review screen highlights what is really there. Folding can change a scalar's length
    /// ("ẞ" → "ss", "İ" → "i̇"), so for text outside ASCII each folded byte remembers the original
    /// scalar it came from; ASCII text folds byte for byte and needs no map at all.
    struct Folded: Sendable {
        var bytes: [UInt8]
        /// Per folded byte: start and end (exclusive) of the original scalar it came from. Empty
        /// when folding kept every offset (ASCII, or non-ASCII text with nothing to fold).
        var originStart: [Int32] = []
        var originEnd: [Int32] = []
        /// The words of `bytes` (with `keeping:`, only those that may begin a phrase), found once
        /// for every phrase index that searches this text.
        var words: [FoldedWord] = []

        /// `keeping`: keep only the words that may begin a phrase of the indexes that will
        /// search this text (see `foldedWords(_:keeping:)`); nil keeps every word.
        init(_ text: String, keeping filter: WordFilter? = nil) {
            var text = text
            var bytes: [UInt8] = []
            var starts: [Int32] = []
            var ends: [Int32] = []
            text.withUTF8 { source in
                // ASCII up to the first other byte (all of most texts): lowercased eight bytes at a
                // time (a byte below 0x80 plus 0x3F reaches 0x80 from "A" on, plus 0x25 from past
                // "Z"; that bit, moved down to 0x20, is what lowercases it), the rest one by one.
                bytes = [UInt8](unsafeUninitializedCapacity: source.count) { buffer, count in
                    var k = 0
                    if let from = source.baseAddress, let to = buffer.baseAddress {
                        let input = UnsafeRawPointer(from), output = UnsafeMutableRawPointer(to)
                        while k + 8 <= source.count {
                            let x = ASCIIWordScan.load(input, k)
                            guard ASCIIWordScan.nonASCII(x) == 0 else { break }
                            let upper = (x &+ (0x3F &* ASCIIWordScan.ones)) & ~(x &+ (0x25 &* ASCIIWordScan.ones)) & ASCIIWordScan.high
                            output.storeBytes(of: (x | upper >> 2).littleEndian, toByteOffset: k, as: UInt64.self)
                            k += 8
                        }
                    }
                    while k < source.count {
                        let b = source[k]
                        if b >= 0x80 { break }
                        buffer[k] = (b &- 0x41) < 26 ? b | 0x20 : b
                        k += 1
                    }
                    count = k
                }
                var i = bytes.count
                var mapped = false
                while i < source.count {
                    let b = source[i]
                    if b < 0x80 {
                        bytes.append(b >= 0x41 && b <= 0x5A ? b + 0x20 : b)
                        if mapped { starts.append(Int32(i)); ends.append(Int32(i + 1)) }
                        i += 1
                        continue
                    }
                    let (s, length) = TextNormaliser.scalar(at: i, in: source)
                    let before = bytes.count
                    TextNormaliser.appendFold(of: s, to: &bytes)
                    let grown = bytes.count - before
                    if !mapped && (grown != length || !bytes[before...].elementsEqual(source[i..<i + length])) {
                        // First scalar whose fold differs: from here on offsets need the map.
                        mapped = true
                        starts.reserveCapacity(source.count + 8)
                        ends.reserveCapacity(source.count + 8)
                        var j = 0
                        while j < i {
                            let n = TextNormaliser.sequenceLength(source[j])
                            for _ in 0..<n { starts.append(Int32(j)); ends.append(Int32(j + n)) }
                            j += n
                        }
                    }
                    if mapped {
                        for _ in 0..<grown { starts.append(Int32(i)); ends.append(Int32(i + length)) }
                    }
                    i += length
                }
            }
            self.bytes = bytes
            originStart = starts
            originEnd = ends
            words = bytes.withUnsafeBufferPointer { TextNormaliser.foldedWords($0, keeping: filter) }
        }

        /// The original byte range of the folded range `range` (which must not be empty): from
        /// the start of the scalar its first byte came from to the end of its last byte's.
        func originalRange(_ range: Range<Int>) -> Range<Int> {
            guard !originStart.isEmpty else { return range }
            return Int(originStart[range.lowerBound])..<Int(originEnd[range.upperBound - 1])
        }

        /// Whether a folded offset is the first byte of one original scalar's fold (a match must
        /// not start inside "ss" folded from "ß", or it would highlight a letter it did not match).
        func startsOriginal(_ i: Int) -> Bool {
            guard !originStart.isEmpty else { return true }
            return i == 0 || originStart[i] != originStart[i - 1]
        }

        /// Whether a folded offset is just past the last byte of one original scalar's fold.
        func endsOriginal(_ i: Int) -> Bool {
            guard !originStart.isEmpty else { return true }
            return i == bytes.count || originStart[i] != originStart[i - 1]
        }
    }
}
