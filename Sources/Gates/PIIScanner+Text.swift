extension PIIScanner {
    // MARK: E-mail addresses

    /// `local@domain.tld` in ASCII: the local part of letters, digits and `._%+-'`, a domain of
    /// labels joined by dots with a top-level label of at least two letters. Found from each `@`
    /// outwards; a trailing full stop belongs to the sentence, not the address. Addresses whose
    /// local part is in `roles` (lowercased) or whose domain is reserved for documentation
    /// (`isReservedDomain`: `example.com`, `.test`, ...) are not reported.
    static func emails(_ b: UnsafeBufferPointer<UInt8>, roles: Set<String> = []) -> [Range<Int>] {
        var found: [Range<Int>] = []
        var i = 0
        while i < b.count {
            guard b[i] == UInt8(ascii: "@") else { i += 1; continue }
            var start = i
            while start > 0 && isLocalByte(b[start - 1]) { start -= 1 }
            // Quotes, dots and dashes before the address are punctuation around it.
            while start < i && !isLetter(b[start]) && !isDigit(b[start]) { start += 1 }
            var end = i + 1
            while end < b.count && isDomainByte(b[end]) { end += 1 }
            while end > i + 1 && (b[end - 1] == UInt8(ascii: ".") || b[end - 1] == UInt8(ascii: "-")) { end -= 1 }
            if start < i, end > i + 1, start == 0 || !TextNormaliser.isWord(before: start, in: b),
               end == b.count || !TextNormaliser.isWord(at: end, in: b),
               isValidLocal(b, start..<i), isValidDomain(b, i + 1..<end) {
                let local = String(decoding: UnsafeBufferPointer(rebasing: b[start..<i]), as: UTF8.self).lowercased()
                let domain = String(decoding: UnsafeBufferPointer(rebasing: b[i + 1..<end]), as: UTF8.self)
                if !roles.contains(local) && !isReservedDomain(domain) { found.append(start..<end) }
                i = end
            } else {
                i += 1
            }
        }
        return found
    }

    @inline(__always)
    static func isLocalByte(_ c: UInt8) -> Bool {
        isDigit(c) || isLetter(c) || c == UInt8(ascii: ".") || c == UInt8(ascii: "_") || c == UInt8(ascii: "%")
            || c == UInt8(ascii: "+") || c == UInt8(ascii: "-") || c == UInt8(ascii: "'")
    }

    @inline(__always)
    static func isDomainByte(_ c: UInt8) -> Bool {
        isDigit(c) || isLetter(c) || c == UInt8(ascii: ".") || c == UInt8(ascii: "-")
    }

    static func isValidLocal(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Bool {
        guard r.count <= 64, b[r.upperBound - 1] != UInt8(ascii: ".") else { return false }
        for k in r.dropLast() where b[k] == UInt8(ascii: ".") && b[k + 1] == UInt8(ascii: ".") { return false }
        return r.contains { isLetter(b[$0]) || isDigit(b[$0]) }
    }

    static func isValidDomain(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Bool {
        guard r.count <= 253 else { return false }
        let labels = UnsafeBufferPointer(rebasing: b[r]).split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        for label in labels {
            guard !label.isEmpty, label.count <= 63, label.first != UInt8(ascii: "-"), label.last != UInt8(ascii: "-")
            else { return false }
        }
        let tld = labels.last!
        return tld.count >= 2 && tld.allSatisfy(isLetter)
    }

    // MARK: UK National Insurance numbers

    /// Two prefix letters, six digits (optionally in pairs separated by spaces) and a suffix
    /// letter A-D: `AB123456C`, `AB 12 34 56 C`. Prefixes HMRC never allocates are left out: a
    /// first letter D, F, I, Q, U or V, a second letter D, F, I, O, Q, U or V, and BG, GB, KN, NK,
    /// NT, TN and ZZ (so the usual specimen `QQ 12 34 56 C` is not reported).
    static func niNumbers(_ b: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var found: [Range<Int>] = []
        var i = 0
        while i + 9 <= b.count {
            // Two letters then a digit (or a space and a digit) before anything else is looked at.
            guard i + 3 < b.count, isDigit(b[i + 2]) || (b[i + 2] == 0x20 && isDigit(b[i + 3])), isLetter(b[i]),
                  let end = niNumber(b, at: i), i == 0 || !TextNormaliser.isWord(before: i, in: b) else {
                i += 1
                continue
            }
            found.append(i..<end)
            i = end
        }
        return found
    }

    static func niNumber(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> Int? {
        // Cheapest test first: a digit, or a space and a digit, after two letters.
        guard i + 3 < b.count, isLetter(b[i + 1]),
              isDigit(b[i + 2]) || (b[i + 2] == 0x20 && isDigit(b[i + 3])) else { return nil }
        let first = b[i] & 0xDF, second = b[i + 1] & 0xDF
        switch first {
        case UInt8(ascii: "D"), UInt8(ascii: "F"), UInt8(ascii: "I"), UInt8(ascii: "Q"), UInt8(ascii: "U"), UInt8(ascii: "V"):
            return nil
        default: break
        }
        switch second {
        case UInt8(ascii: "D"), UInt8(ascii: "F"), UInt8(ascii: "I"), UInt8(ascii: "O"), UInt8(ascii: "Q"), UInt8(ascii: "U"),
             UInt8(ascii: "V"):
            return nil
        default: break
        }
        switch (Character(Unicode.Scalar(first)), Character(Unicode.Scalar(second))) {
        case ("B", "G"), ("G", "B"), ("K", "N"), ("N", "K"), ("N", "T"), ("T", "N"), ("Z", "Z"): return nil
        default: break
        }
        var j = i + 2
        // Spaced ("AB 12 34 56 C") or not ("AB123456C"), decided by the byte after the prefix.
        let spaced = j < b.count && b[j] == 0x20
        for _ in 0..<3 {
            if spaced {
                guard j < b.count, b[j] == 0x20 else { return nil }
                j += 1
            }
            guard j + 1 < b.count, isDigit(b[j]), isDigit(b[j + 1]) else { return nil }
            j += 2
        }
        if spaced {
            guard j < b.count, b[j] == 0x20 else { return nil }
            j += 1
        }
        guard j < b.count, isLetter(b[j]), (b[j] & 0xDF) >= UInt8(ascii: "A"), (b[j] & 0xDF) <= UInt8(ascii: "D") else { return nil }
        j += 1
        guard j == b.count || !TextNormaliser.isWord(at: j, in: b) else { return nil }
        return j
    }
}
