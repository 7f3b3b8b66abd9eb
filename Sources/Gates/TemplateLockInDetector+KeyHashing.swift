extension TemplateLockInDetector {
    /// The opening and skeleton keys hashed straight from an answer's UTF-8 bytes.
    ///
    /// The keys are `stableHash(words.joined(" "))` and `stableHash(skeleton.joined(" "))`, and
    /// they are kept in the index (`gate_keys`) for later runs to compare new rows against, so
    /// these must give exactly the values the string forms give (`skeleton(of:limit:)` and
    /// `NearDuplicateShingler.words(of:limit:)` stay for the report's texts, and a property test
    /// holds the two to the same hash). The string forms cost a third of a gated import: a
    /// `String` per word, a Unicode property lookup per scalar, and the opening's whole text
    /// scanned for six words. Here ASCII, nearly every byte in practice, is handled a byte at a
    /// time with no allocation, both scans stop at their limit, and only non-ASCII scalars are
    /// decoded and looked up.
    static func hashedKeys(of text: String, options: TemplateLockInOptions) -> BatchKeys? {
        var text = text
        return text.withUTF8 { bytes -> BatchKeys? in
            guard let opening = openingHash(bytes, limit: options.openingWords) else { return nil }
            return BatchKeys(opening: opening, skeleton: skeletonHash(bytes, limit: options.skeletonTokens))
        }
    }

    /// FNV-1a of tokens joined by single spaces, fed a token at a time (what `stableHash` gives
    /// for the joined string).
    struct JoinedTokenHash {
        private var hash = NearDuplicateShingler.fnvBasis
        private(set) var tokens = 0
        private var open = false

        /// Starts a token (the separating space goes in first, except before the first).
        @inline(__always)
        mutating func begin() {
            if tokens > 0 { add(0x20) }
            tokens += 1
            open = true
        }

        /// Ends the current token, if one is open.
        @inline(__always)
        mutating func end() { open = false }

        var isOpen: Bool { open }

        @inline(__always)
        mutating func add(_ byte: UInt8) { hash = (hash ^ UInt64(byte)) &* NearDuplicateShingler.fnvPrime }

        mutating func add<S: Sequence<UInt8>>(contentsOf bytes: S) { for byte in bytes { add(byte) } }

        var value: UInt64 { NearDuplicateShingler.fmix(hash) }
    }

    /// `stableHash(NearDuplicateShingler.words(of: text, limit: limit).joined(separator: " "))`,
    /// nil when the text has no word. Only a prefix is scanned when it holds more than `limit`
    /// words: the `limit`th word then certainly ended inside it.
    static func openingHash(_ bytes: UnsafeBufferPointer<UInt8>, limit: Int) -> UInt64? {
        var prefix = min(bytes.count, 64 * (min(limit, 1 << 20) + 1))
        while prefix < bytes.count && bytes[prefix] & 0xC0 == 0x80 { prefix -= 1 }  // a scalar boundary
        if prefix < bytes.count, let hash = openingHash(UnsafeBufferPointer(rebasing: bytes[..<prefix]), limit: limit, needsMore: true) {
            return hash
        }
        return openingHash(bytes, limit: limit, needsMore: false)
    }

    /// The opening of `bytes`; with `needsMore`, nil unless a word follows the `limit`th.
    private static func openingHash(_ bytes: UnsafeBufferPointer<UInt8>, limit: Int, needsMore: Bool) -> UInt64? {
        var key = JoinedTokenHash()
        var count = 0
        NearDuplicateShingler.forEachWord(in: bytes) { _, range in
            count += 1
            guard count <= limit else { return }
            key.begin()
            let word = UnsafeBufferPointer(rebasing: bytes[range])
            if word.allSatisfy({ $0 < 0x80 }) {
                for byte in word { key.add((byte &- 0x41) < 26 ? byte | 0x20 : byte) }
            } else {
                key.add(contentsOf: String(decoding: word, as: UTF8.self).lowercased().utf8)
            }
        }
        if count == 0 || (needsMore && count <= limit) { return nil }
        return key.value
    }

    /// `stableHash(skeleton(of: text, limit: limit).joined(separator: " "))`.
    static func skeletonHash(_ bytes: UnsafeBufferPointer<UInt8>, limit: Int) -> UInt64 {
        var key = JoinedTokenHash()
        var inDigits = false
        var i = 0
        let n = bytes.count
        func endWord() {
            key.end()
            inDigits = false
        }
        while i < n && key.tokens - (key.isOpen ? 1 : 0) < limit {
            let (scalar, length) = TextNormaliser.scalar(at: i, in: bytes)
            if let close = closingQuote(scalar), let end = quoteEnd(bytes, after: i + length, close: close) {
                endWord()
                guard key.tokens < limit else { break }
                key.begin()
                key.add(contentsOf: "\"…\"".utf8)
                key.end()
                i = end
                continue
            }
            if scalar.value < 0x80 {
                let byte = UInt8(scalar.value)
                if (byte &- 0x30) < 10 {
                    if !inDigits {
                        if !key.isOpen { key.begin() }
                        key.add(0x23)  // "#"
                    }
                    inDigits = true
                } else if ((byte | 0x20) &- 0x61) < 26 {
                    if !key.isOpen { key.begin() }
                    key.add(byte | 0x20)
                    inDigits = false
                } else {
                    endWord()
                }
            } else if scalar.properties.numericType == .decimal {
                if !inDigits {
                    if !key.isOpen { key.begin() }
                    key.add(0x23)
                }
                inDigits = true
            } else if NearDuplicateShingler.isWordScalar(scalar) {
                if !key.isOpen { key.begin() }
                inDigits = false
                if scalar.properties.changesWhenLowercased {
                    key.add(contentsOf: scalar.properties.lowercaseMapping.utf8)
                } else {
                    key.add(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<(i + length)]))
                }
            } else {
                endWord()
            }
            i += length
        }
        return key.value
    }

    /// Just past the quote that closes one opened before `start`, if it closes within 200
    /// scalars, in the same paragraph and not at once (as `quoteEnd` over scalars decides).
    private static func quoteEnd(_ bytes: UnsafeBufferPointer<UInt8>, after start: Int, close: Unicode.Scalar) -> Int? {
        var i = start
        var seen = 0
        var previousNewline = false
        while i < bytes.count && seen < 200 {
            let (scalar, length) = TextNormaliser.scalar(at: i, in: bytes)
            if scalar == close { return seen > 0 ? i + length : nil }
            if scalar == "\n" {
                if previousNewline { return nil }
                previousNewline = true
            } else {
                previousNewline = false
            }
            seen += 1
            i += length
        }
        return nil
    }
}
