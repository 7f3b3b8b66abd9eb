extension PIIScanner {
    // MARK: Payment cards

    /// Card numbers: 13-19 digits, optionally in groups separated by single spaces or dashes,
    /// passing the Luhn check. Within a longer run of groups ("4111 1111 1111 1111 123", a CVC
    /// after the number) the card is the sub-run that passes, preferring the common lengths
    /// (16, then 15, 14, 13, 19, 18, 17) so that a CVC is not swallowed by a lucky checksum.
    static func cards(_ b: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        groupedNumbers(b, digits: 13...Int.max) { run in
            guard let card = bestCard(b, run), !isArithmetic(b, card) else { return nil }
            return card
        }
    }

    static let preferredCardLengths = [16, 15, 14, 13, 19, 18, 17]

    static func bestCard(_ b: UnsafeBufferPointer<UInt8>, _ run: DigitRun) -> Range<Int>? {
        var best: (rank: Int, range: Range<Int>)?
        for s in run.groups.indices {
            var digits = 0
            for e in s..<run.groups.count {
                digits += run.groups[e].count
                if digits > 19 { break }
                guard let rank = preferredCardLengths.firstIndex(of: digits) else { continue }
                let range = run.groups[s].lowerBound..<run.groups[e].upperBound
                guard best == nil || rank < best!.rank, isPlausibleCard(b, run.groups[s...e]) else { continue }
                best = (rank, range)
            }
        }
        return best?.range
    }

    /// Luhn-valid, not starting with 0, not one digit repeated ("0000 0000 0000 0000" and its
    /// kin pass Luhn but are filler, not cards), and grouped as cards are printed when grouped
    /// at all: 4 digits first, then groups of 3 to 6 (4-4-4-4, 4-6-5), so that a run of
    /// numbers ("109 110 111 112 113") is not read as one.
    static func isPlausibleCard(_ b: UnsafeBufferPointer<UInt8>, _ groups: ArraySlice<Range<Int>>) -> Bool {
        if groups.count > 1 && (groups.first!.count != 4 || !groups.allSatisfy({ (3...6).contains($0.count) })) { return false }
        var digits: [UInt8] = []
        for g in groups { for k in g { digits.append(b[k] - 0x30) } }
        guard digits[0] != 0, digits.contains(where: { $0 != digits[0] }) else { return false }
        return luhn(digits)
    }

    /// The Luhn checksum (ISO/IEC 7812): from the right, double every second digit, subtract 9
    /// from doubles above 9, and the sum must be a multiple of 10.
    public static func luhn(_ digits: [UInt8]) -> Bool {
        var sum = 0
        for (position, digit) in digits.reversed().enumerated() {
            var d = Int(digit)
            if position % 2 == 1 {
                d *= 2
                if d > 9 { d -= 9 }
            }
            sum += d
        }
        return sum % 10 == 0
    }

    // MARK: US Social Security numbers

    /// `ddd-dd-dddd`, excluding numbers the SSA never issues (area 000, 666 or 900-999, group 00,
    /// serial 0000) and the two published specimens (078-05-1120 from a 1938 wallet insert,
    /// 219-09-9999 from an SSA leaflet), which turn up in text without being anyone's number.
    static func ssns(_ b: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var found: [Range<Int>] = []
        var i = 0
        while i + 11 <= b.count {
            guard isDigit(b[i]), numberStarts(b, at: i) else { i += 1; continue }
            let shape = [3, 2, 4]
            var j = i
            var parts: [Int] = []
            for (k, width) in shape.enumerated() {
                var value = 0
                for _ in 0..<width {
                    guard j < b.count, isDigit(b[j]) else { break }
                    value = value * 10 + Int(b[j] - 0x30)
                    j += 1
                }
                guard j - i == shape[0...k].reduce(0, +) + k else { break }
                parts.append(value)
                if k < 2 {
                    guard j < b.count, b[j] == UInt8(ascii: "-") else { break }
                    j += 1
                }
            }
            if parts.count == 3, numberEnds(b, at: j), isIssuableSSN(area: parts[0], group: parts[1], serial: parts[2]) {
                found.append(i..<j)
                i = j
            } else {
                i += 1
            }
        }
        return found
    }

    public static func isIssuableSSN(area: Int, group: Int, serial: Int) -> Bool {
        if area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0 { return false }
        if (area, group, serial) == (78, 5, 1120) || (area, group, serial) == (219, 9, 9999) { return false }
        return true
    }

    // MARK: National ids by context

    /// Words that make a bare 9-12 digit number an identity number: compared lowercased, as
    /// whole words, within a short distance before or after the number on the same line.
    static let idKeywords = TextNormaliser.PhraseIndex([
        "ssn", "social security", "passport", "national id", "national identity", "national insurance",
        "id number", "id no", "id #", "identity number", "identification number", "identity card", "id card",
        "tax id", "tin", "taxpayer", "aadhaar", "personal number", "personnummer", "driver's license", "driving licence",
    ].enumerated().map { ($0.element, $0.offset) })

    static let idContextBefore = 40
    static let idContextAfter = 24

    /// A run of 9-12 digits (optionally grouped by single spaces or dashes) with an id keyword
    /// nearby on the same line.
    static func nationalIDs(_ b: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        groupedNumbers(b, digits: 9...12) { run in
            hasIDKeyword(b, near: run.range) && !isArithmetic(b, run.range) ? run.range : nil
        }
    }

    static func hasIDKeyword(_ b: UnsafeBufferPointer<UInt8>, near range: Range<Int>) -> Bool {
        var start = max(0, range.lowerBound - idContextBefore)
        var end = min(b.count, range.upperBound + idContextAfter)
        // Stay on the number's line, and on scalar boundaries.
        if let newline = b[start..<range.lowerBound].lastIndex(of: 0x0A) { start = newline + 1 }
        if let newline = b[range.upperBound..<end].firstIndex(of: 0x0A) { end = newline }
        while start < range.lowerBound && b[start] & 0xC0 == 0x80 { start += 1 }
        while end > range.upperBound && end < b.count && b[end] & 0xC0 == 0x80 { end -= 1 }
        let window = String(decoding: UnsafeBufferPointer(rebasing: b[start..<end]), as: UTF8.self)
        var hit = false
        idKeywords.forEachMatch(in: TextNormaliser.Folded(window)) { _, _ in hit = true }
        return hit
    }
}
