extension PIIScanner {
    /// Phone numbers, international (`+44 20 7946 0958`, `+15550142387`) and national
    /// (`(555) 014-2387`, `555.014.2387`, `07700 900461`, `030 12345678`): at least 9 digits,
    /// at most 15 with a `+` (E.164) and 12 without.
    ///
    /// What keeps ordinary numbers out:
    /// - separators are single spaces, dashes, dots or parentheses between digit groups; a colon
    ///   (times), slash (dates), comma (thousands) or letter ends the candidate;
    /// - a bare run of digits is a phone number only with a `+` or a leading 0 (trunk prefix,
    ///   10-11 digits): otherwise it is as likely an order number or a Unix time;
    /// - dates (`2024-05-17 10`, `17.05.2024`) inside the candidate, IPv4 addresses, dotted
    ///   versions (`10.0.19041.1234`: a group of 1 or 5 digits), thousands grouped with dots and
    ///   the SSN shape `ddd-dd-dddd` are not phone numbers, and neither are single digits after the
///   first group (`1 2 3 4 5 6 7 8 9`), dashed groups of more
///   than 4 digits (`450000-2000`) or numbers in a calculation (`960-480-120 = 360`);
    /// - a currency sign or code just before or after (`$`, `€`, `USD`) makes it a price.
    static func phones(_ b: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var found: [Range<Int>] = []
        var i = 0
        while i < b.count {
            let c = b[i]
            let opens = c == UInt8(ascii: "+") || c == UInt8(ascii: "(")
            guard (isDigit(c) || (opens && i + 1 < b.count && isDigit(b[i + 1]))),
                  i == 0 || !isDigit(b[i - 1]) else { i += 1; continue }
            if let range = phone(b, at: i) {
                found.append(range)
                i = range.upperBound
            } else {
                // Skip the rest of this number so its tail is not tried as a new candidate.
                var j = i + 1
                while j < b.count && (isDigit(b[j]) || isPhoneSeparator(b[j]) && j + 1 < b.count && isDigit(b[j + 1])) { j += 1 }
                i = j
            }
        }
        return found
    }

    @inline(__always)
    static func isPhoneSeparator(_ b: UInt8) -> Bool {
        b == 0x20 || b == UInt8(ascii: "-") || b == UInt8(ascii: ".") || b == UInt8(ascii: "(") || b == UInt8(ascii: ")")
    }

    static func phone(_ b: UnsafeBufferPointer<UInt8>, at start: Int) -> Range<Int>? {
        guard numberStarts(b, at: start), !isPrice(b, before: start) else { return nil }
        let international = b[start] == UInt8(ascii: "+")
        var j = start + (international ? 1 : 0)
        var groups: [Range<Int>] = []
        var separators: [UInt8] = []
        var openParens = 0
        var parens = false
        if j < b.count && b[j] == UInt8(ascii: "(") { openParens += 1; parens = true; j += 1 }
        while j < b.count && isDigit(b[j]) {
            let g = j
            while j < b.count && isDigit(b[j]) { j += 1 }
            groups.append(g..<j)
            // Up to two separator bytes before the next group: " ", "-", ".", ") ", " (", ")".
            var k = j
            var sep: [UInt8] = []
            while k < b.count && sep.count < 2 && isPhoneSeparator(b[k]) { sep.append(b[k]); k += 1 }
            guard k < b.count, isDigit(b[k]), !sep.isEmpty, isValidSeparator(sep, open: openParens) else { break }
            for s in sep {
                if s == UInt8(ascii: "(") { openParens += 1; parens = true }
                if s == UInt8(ascii: ")") { openParens -= 1 }
                separators.append(s)
            }
            j = k
        }
        guard let last = groups.last else { return nil }
        let end = last.upperBound
        if openParens > 0 {
            // "(07700 900461)": the parenthesis encloses the number instead of its area code.
            return b[start] == UInt8(ascii: "(") ? phone(b, at: start + 1) : nil
        }
        guard numberEnds(b, at: end), !isPrice(b, after: end), !isArithmetic(b, start..<end) else { return nil }
        let digits = groups.reduce(0) { $0 + $1.count }
        if international {
            guard (9...15).contains(digits) else { return nil }
        } else {
            guard (9...12).contains(digits) else { return nil }
            if groups.count == 1 && !parens {
                // Bare digits: only a national number with its trunk 0.
                guard b[groups[0].lowerBound] == UInt8(ascii: "0"), (10...11).contains(digits) else { return nil }
            }
        }
        let sizes = groups.map(\.count)
        let kinds = Set(separators)
        if looksLikeDate(b, groups) || (kinds == [UInt8(ascii: "-")] && sizes == [3, 2, 4]) { return nil }
        // Only a country code or trunk prefix stands alone ("1-800-...", "+1 555..."): single
        // digits in a row are a list ("1 2 3 4 5 6 7 8 9").
        if sizes.dropFirst().contains(1) { return nil }
        // Dashes join short groups in phone numbers (555-014-2387, 1-800-273-8255); a longer
        // group between dashes is a range or a subtraction ("450000-2000").
        if !international && kinds.contains(UInt8(ascii: "-")) && sizes.contains(where: { $0 > 4 }) { return nil }
        if kinds.contains(UInt8(ascii: ".")) {
            guard kinds.isSubset(of: [UInt8(ascii: "."), UInt8(ascii: "("), UInt8(ascii: ")")]),
                  (3...5).contains(groups.count), sizes.allSatisfy({ (2...4).contains($0) }) else { return nil }
            if groups.count == 4 && sizes.allSatisfy({ $0 <= 3 }) && groups.allSatisfy({ value(b, $0) <= 255 }) { return nil }
            if sizes.first! <= 3 && sizes.dropFirst().allSatisfy({ $0 == 3 }) { return nil }
        }
        return start..<end
    }

    /// Separator bytes between two groups: one of " ", "-", ".", or a parenthesis with at most
    /// one space (") ", " (", ")", "("); never two dashes or dots.
    static func isValidSeparator(_ sep: [UInt8], open: Int) -> Bool {
        let space: UInt8 = 0x20, openP = UInt8(ascii: "("), closeP = UInt8(ascii: ")")
        if sep.count == 1 {
            if sep[0] == closeP { return open > 0 }
            if sep[0] == openP { return open == 0 }
            return true
        }
        switch (sep[0], sep[1]) {
        case (closeP, space): return open > 0
        case (space, openP): return open == 0
        case (closeP, UInt8(ascii: "-")): return open > 0
        default: return false
        }
    }

    static func value(_ b: UnsafeBufferPointer<UInt8>, _ group: Range<Int>) -> Int {
        group.reduce(0) { $0 * 10 + Int(b[$1] - 0x30) }
    }

    /// yyyy-mm-dd or dd-mm-yyyy (any separator) at any position among the groups.
    static func looksLikeDate(_ b: UnsafeBufferPointer<UInt8>, _ groups: [Range<Int>]) -> Bool {
        guard groups.count >= 3 else { return false }
        for s in 0...(groups.count - 3) {
            let g = Array(groups[s..<s + 3])
            let sizes = g.map(\.count)
            let v = g.map { value(b, $0) }
            let isYear = { (x: Int) in (1900...2099).contains(x) }
            if sizes[0] == 4, isYear(v[0]), sizes[1] <= 2, (1...12).contains(v[1]), sizes[2] <= 2, (1...31).contains(v[2]) {
                return true
            }
            if sizes[2] == 4, isYear(v[2]), sizes[0] <= 2, sizes[1] <= 2, (1...31).contains(v[0]), (1...31).contains(v[1]),
               (1...12).contains(v[0]) || (1...12).contains(v[1]) {
                return true
            }
        }
        return false
    }

    static let currencyCodes: Set<String> = ["USD", "EUR", "GBP", "CHF", "JPY", "CNY", "INR", "AUD", "CAD", "SEK", "NOK",
                                             "DKK", "PLN", "CZK", "HUF", "BRL", "MXN", "ZAR", "RUB", "KRW", "SGD", "HKD"]

    /// A currency sign or code right before `i` (one space allowed between).
    static func isPrice(_ b: UnsafeBufferPointer<UInt8>, before i: Int) -> Bool {
        var p = i
        if p > 0 && b[p - 1] == 0x20 { p -= 1 }
        guard p > 0 else { return false }
        var s = p - 1
        while s > 0 && b[s] & 0xC0 == 0x80 { s -= 1 }
        if TextNormaliser.scalar(at: s, in: b).0.properties.generalCategory == .currencySymbol { return true }
        if p >= 3 {
            let code = String(decoding: UnsafeBufferPointer(rebasing: b[p - 3..<p]), as: UTF8.self)
            return currencyCodes.contains(code) && (p == 3 || !TextNormaliser.isWord(before: p - 3, in: b))
        }
        return false
    }

    /// A currency sign or code right after `j` (one space allowed between).
    static func isPrice(_ b: UnsafeBufferPointer<UInt8>, after j: Int) -> Bool {
        var p = j
        if p < b.count && b[p] == 0x20 { p += 1 }
        guard p < b.count else { return false }
        if TextNormaliser.scalar(at: p, in: b).0.properties.generalCategory == .currencySymbol { return true }
        if p + 3 <= b.count {
            let code = String(decoding: UnsafeBufferPointer(rebasing: b[p..<p + 3]), as: UTF8.self)
            return currencyCodes.contains(code) && (p + 3 == b.count || !TextNormaliser.isWord(at: p + 3, in: b))
        }
        return false
    }
}
