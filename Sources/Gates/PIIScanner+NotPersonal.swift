extension PIIScanner {
    // MARK: Reserved domains

    /// Whether an e-mail domain is reserved for documentation and testing, so that no address
    /// in it belongs to anyone: `example.com`, `example.net`, `example.org` and their
    /// subdomains (RFC 2606 §3), and anything under the top-level names `.example`, `.test`,
    /// `.invalid` and `.localhost` (RFC 2606 §2, RFC 6761 §6).
    ///
    /// Only those: `example.co.uk` or `example.de` look the same but are ordinary registrable
    /// names someone may hold, and `.local` (RFC 6762) is a real network's names, not fiction.
    /// `domain` is compared case-insensitively.
    public static func isReservedDomain(_ domain: some StringProtocol) -> Bool {
        let labels = domain.lowercased().split(separator: ".", omittingEmptySubsequences: false)
        guard let tld = labels.last else { return false }
        if reservedTopLevelNames.contains(String(tld)) { return true }
        guard labels.count >= 2 else { return false }
        return labels[labels.count - 2] == "example" && ["com", "net", "org"].contains(String(tld))
    }

    static let reservedTopLevelNames: Set<String> = ["example", "test", "invalid", "localhost"]

    // MARK: Phone numbers that are no one's

    /// What a phone number is, to the PII gate.
    public enum PhoneClass: Sendable, Equatable {
        /// Possibly a person's: reported with reason `pii`.
        case personal
        /// Free to call, so it is almost always an organisation's published line: reported
        /// with reason `pii-toll-free`, as a flag whatever the slice's action.
        case tollFree
        /// Nobody's (a number set aside for fiction) or a public service everyone may know:
        /// not reported.
        case notPersonal
    }

    /// Classifies a phone number from its digits (every digit of the match, in order) and
    /// whether it was written with a leading `+`.
    ///
    /// Not personal:
    /// - North American numbers in the `555` exchange (`NPA-555-XXXX`, with or without the
    ///   country code 1). `555-0100` to `555-0199` are the block the numbering plan keeps for
    ///   fiction; the rest of the exchange was never a subscriber's: `555-1212` is directory
    ///   assistance and the other lines were a pool for nationwide information services (INC
    ///   555 NXX Assignment Guidelines, 1994), an organisation's at most. Writers and models use
    ///   the whole exchange as the fictional one (`555-555-5555`, `(512) 555-2994`). In a
    ///   toll-free area code (`1-800-555-...`) a 555 line is an ordinary toll-free number, and
    ///   only the fiction block is dropped. A 7-digit `555-0123` is too short to match at all.
    /// - The public service lines in `publicServiceNumbers`. Emergency and N11 codes (911, 112,
    ///   999, 988, 111, 211...) need no rule: they are far shorter than the 9 digits a match needs.
    ///
    /// Toll-free (`tollFree`): NANP 800, 833, 844, 855, 866, 877 and 888 (47 CFR 52.101);
    /// national `0800`/`0808` (freephone in the UK, Germany, France, the Netherlands and most of
    /// Europe) and `1800` (Australia, Ireland); `+800` (ITU Universal International Freephone
    /// Numbers, E.169.1); and with a country code `+44 800/808`, `+49 800`, `+33 800/805`,
    /// `+31 800`, `+61 1800`, `+353 1800`, a trunk `0` allowed after the code. A business
    /// publishes such a number for anyone to call; a person rarely has one. It can still be a
    /// small firm's direct line, so it stays a flag for a reviewer, never a reject.
    ///
    /// Ten digits without `+`, not starting with 0 or 1, are read as North American; another
    /// country's 10-digit number that happens to fit (an Indian mobile starting 800...) is at
    /// worst flagged rather than rejected.
    public static func phoneClass(digits: [UInt8], international: Bool) -> PhoneClass {
        let s = String(decoding: digits.map { $0 + 0x30 }, as: UTF8.self)
        // North American Numbering Plan: 10 digits, or 11 with the country code 1.
        var nanp: Substring?
        if s.count == 11 && s.hasPrefix("1") { nanp = Substring(s).dropFirst() }
        if s.count == 10 && !international && !s.hasPrefix("0") && !s.hasPrefix("1") { nanp = Substring(s) }
        if let n = nanp {
            let npa = String(n.prefix(3)), exchange = n.dropFirst(3).prefix(3), line = n.suffix(4)
            if exchange == "555" && line.hasPrefix("01") { return .notPersonal }
            if publicServiceNumbers.contains(String(n)) { return .notPersonal }
            if nanpTollFree.contains(npa) { return .tollFree }
            return exchange == "555" ? .notPersonal : .personal
        }
        if international {
            if s.count == 11 && s.hasPrefix("800") { return .tollFree }
            for (code, prefixes) in internationalTollFree where s.hasPrefix(code) {
                var rest = s.dropFirst(code.count)
                if rest.hasPrefix("0") { rest = rest.dropFirst() }
                if prefixes.contains(where: { rest.hasPrefix($0) }) { return .tollFree }
            }
            return .personal
        }
        return s.hasPrefix("0800") || s.hasPrefix("0808") || s.hasPrefix("1800") ? .tollFree : .personal
    }

    /// The class of the phone number the scanner matched at `range` of `b`.
    static func phoneClass(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> PhoneClass {
        var digits: [UInt8] = []
        digits.reserveCapacity(16)
        for k in range where isDigit(b[k]) { digits.append(b[k] - 0x30) }
        return phoneClass(digits: digits, international: b[range.lowerBound] == UInt8(ascii: "+"))
    }

    static let nanpTollFree: Set<String> = ["800", "833", "844", "855", "866", "877", "888"]

    static let internationalTollFree: [(String, [String])] = [
        ("44", ["800", "808"]), ("49", ["800"]), ("33", ["800", "805"]), ("31", ["800"]), ("61", ["1800"]), ("353", ["1800"]),
    ]

    /// National public service lines (NANP, 10 digits) that turn up in advice text: printed by
    /// governments and charities for everyone to call, so not anyone's personal data. Kept short
    /// on purpose; each is in the operator's own published material:
    /// - 800-273-8255: US National Suicide Prevention Lifeline (SAMHSA; still forwards to 988);
    /// - 800-222-1222: Poison Help, the US poison control centres' line (HRSA);
    /// - 800-799-7233: US National Domestic Violence Hotline;
    /// - 800-656-4673: RAINN National Sexual Assault Hotline;
    /// - 800-662-4357: SAMHSA National Helpline (substance use);
    /// - 800-232-4636: CDC-INFO, the US Centers for Disease Control's public line;
    /// - 800-633-4227: 1-800-MEDICARE (US Centers for Medicare & Medicaid Services);
    /// - 800-422-4453: Childhelp National Child Abuse Hotline;
    /// - 888-373-7888: US National Human Trafficking Hotline;
    /// - 800-985-5990: SAMHSA Disaster Distress Helpline.
    /// All are toll-free too, so a line missing here is still only ever a flag.
    public static let publicServiceNumbers: Set<String> = [
        "8002738255", "8002221222", "8007997233", "8006564673", "8006624357", "8002324636", "8006334227", "8004224453",
        "8883737888", "8009855990",
    ]
}
