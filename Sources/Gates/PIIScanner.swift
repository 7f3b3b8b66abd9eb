/// The kinds of personal data the PII gate looks for.
public enum PIIKind: String, Sendable, CaseIterable, Codable, Hashable {
    case email
    case phone
    /// Payment card numbers, 13-19 digits that pass the Luhn check.
    case card
    /// US Social Security numbers written `ddd-dd-dddd`, outside the ranges never issued.
    case ssn
    /// UK National Insurance numbers (`AB 12 34 56 C`).
    case ukNI = "uk-ni"
    /// 9-12 digit numbers next to words like "SSN", "passport", "national id".
    case nationalID = "national-id"
}

/// One piece of personal data found in a text: its kind and UTF-8 byte range.
public struct PIIMatch: Sendable, Equatable {
    public var kind: PIIKind
    public var range: Range<Int>
    /// A toll-free phone number (see `PIIScanner.phoneClass`): most likely an organisation's
    /// published line, so the gate flags it with reason `pii-toll-free` and never rejects it.
    public var tollFree: Bool

    public init(kind: PIIKind, range: Range<Int>, tollFree: Bool = false) {
        self.kind = kind
        self.range = range
        self.tollFree = tollFree
    }
}

/// Finds e-mail addresses, phone numbers, card numbers and national-id-like numbers by
/// scanning UTF-8 bytes by hand.
///
/// Hand-written rather than regular expressions because the rules that keep false positives
/// down are not regular: a card number must pass the Luhn check, an SSN must fall outside the
/// ranges never issued, a digit sequence is not a phone number when it is a date, a time, a
/// version, an IP address or a price. The scan costs a pass over the bytes per kind, and only
/// digits, `@` and capital letters make it look further.
///
/// Kinds are tried from the most specific to the least (card, SSN, UK NI, e-mail, national id,
/// phone); a later kind never reports a span that overlaps an earlier one's, so a card number is
/// not also a phone number.
///
/// What looks like personal data but belongs to no one is not reported (`PIIScanner+NotPersonal`):
/// addresses in reserved documentation domains (`example.com`, `.test`, ...), phone numbers set
/// aside for fiction (`555-0100` to `555-0199`) and well-known public service lines. Toll-free
/// numbers are reported with `tollFree` set. On real data these were most of what the gate
/// matched (BENCHMARKS.md, "PII precision").
public struct PIIScanner: Sendable {
    public var kinds: Set<PIIKind>
    /// E-mail local parts that are roles, not people (lowercase); such addresses are not reported.
    public var roleEmails: Set<String>

    public init(kinds: Set<PIIKind> = Set(PIIKind.allCases), roleEmails: Set<String> = PIIScanner.roleEmailLocalParts) {
        self.kinds = kinds
        self.roleEmails = roleEmails
    }

    /// Mailboxes organisations publish for a function rather than a person.
    public static let roleEmailLocalParts: Set<String> = [
        "abuse", "accounts", "admin", "billing", "careers", "compliance", "contact", "do-not-reply", "donotreply", "dpo",
        "enquiries", "feedback", "hello", "help", "info", "inquiries", "jobs", "legal", "no-reply", "noreply", "office",
        "phishing", "postmaster", "press", "privacy", "sales", "security", "support", "team", "webmaster",
    ]

    /// Every match in `text`, in text order.
    public func scan(_ text: String) -> [PIIMatch] {
        var text = text
        return text.withUTF8 { scan($0) }
    }

    func scan(_ b: UnsafeBufferPointer<UInt8>) -> [PIIMatch] {
        var found: [PIIMatch] = []
        func add(_ kind: PIIKind, _ ranges: [Range<Int>]) {
            for range in ranges where !found.contains(where: { $0.range.overlaps(range) }) {
                found.append(PIIMatch(kind: kind, range: range))
            }
        }
        // Nothing to find without a digit or an '@' (most turns have digits, but this skips the
        // rest for the ones that do not).
        guard b.contains(where: { ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: "@") }) else { return [] }
        if kinds.contains(.card) { add(.card, Self.cards(b)) }
        if kinds.contains(.ssn) { add(.ssn, Self.ssns(b)) }
        if kinds.contains(.ukNI) { add(.ukNI, Self.niNumbers(b)) }
        if kinds.contains(.email) { add(.email, Self.emails(b, roles: roleEmails)) }
        if kinds.contains(.nationalID) { add(.nationalID, Self.nationalIDs(b)) }
        if kinds.contains(.phone) {
            for range in Self.phones(b) where !found.contains(where: { $0.range.overlaps(range) }) {
                switch Self.phoneClass(b, range) {
                case .personal: found.append(PIIMatch(kind: .phone, range: range))
                case .tollFree: found.append(PIIMatch(kind: .phone, range: range, tollFree: true))
                case .notPersonal: break
                }
            }
        }
        found.sort { $0.range.lowerBound < $1.range.lowerBound }
        return found
    }

    // MARK: Shared helpers

    @inline(__always)
    static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    @inline(__always)
    static func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }

    /// Digits grouped by single separators: "4111 1111 1111 1111" is four groups.
    struct DigitRun {
        var groups: [Range<Int>] = []
        var separators: [UInt8] = []
        var digits: Int { groups.reduce(0) { $0 + $1.count } }
        var range: Range<Int> { groups.first!.lowerBound..<groups.last!.upperBound }
    }

    /// The run of digit groups starting at the digit at `i`, joined by one byte from `allowed`.
    static func digitRun(_ b: UnsafeBufferPointer<UInt8>, from i: Int, allowed: (UInt8) -> Bool) -> DigitRun {
        var run = DigitRun()
        var j = i
        while true {
            let start = j
            while j < b.count && isDigit(b[j]) { j += 1 }
            run.groups.append(start..<j)
            guard j + 1 < b.count, allowed(b[j]), isDigit(b[j + 1]) else { break }
            run.separators.append(b[j])
            j += 1
        }
        return run
    }

    /// Each standalone number in `b` made of digit groups joined by single spaces or dashes
    /// (not glued to a word or another number), with its digit count in `digits`; `body`
    /// returns the part to report, if any. Cards and id numbers differ only in that last step.
    static func groupedNumbers(
        _ b: UnsafeBufferPointer<UInt8>, digits: ClosedRange<Int>, _ body: (DigitRun) -> Range<Int>?
    ) -> [Range<Int>] {
        var found: [Range<Int>] = []
        var i = 0
        while i < b.count {
            guard isDigit(b[i]), i == 0 || !isDigit(b[i - 1]) else { i += 1; continue }
            let run = digitRun(b, from: i, allowed: { $0 == 0x20 || $0 == UInt8(ascii: "-") })
            defer { i = run.range.upperBound }
            guard digits.contains(run.digits), numberStarts(b, at: i), numberEnds(b, at: run.range.upperBound) else { continue }
            if let range = body(run) { found.append(range) }
        }
        return found
    }

    /// A number may start here: not inside a word or glued to another number (`v1.2`,
    /// `12-4111...`, `-5`, `x/123`).
    static func numberStarts(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> Bool {
        guard i > 0 else { return true }
        let p = b[i - 1]
        if p == UInt8(ascii: ".") || p == UInt8(ascii: ",") || p == UInt8(ascii: "-") || p == UInt8(ascii: "/")
            || p == UInt8(ascii: "+") || p == UInt8(ascii: "#") || p == UInt8(ascii: "_") {
            return false
        }
        return !TextNormaliser.isWord(before: i, in: b)
    }

    /// Whether the number at `range` is part of a calculation ("960-480-120 = 360", GSM8K's
    /// `<<100-50-30=20>>`): an `=`, `*` or `×` next to it (spaces allowed), or `<<` before it.
    static func isArithmetic(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        var p = range.lowerBound
        while p > 0 && b[p - 1] == 0x20 { p -= 1 }
        if p > 0 {
            let c = b[p - 1]
            if c == UInt8(ascii: "=") || c == UInt8(ascii: "*") || (c == UInt8(ascii: "<") && p > 1 && b[p - 2] == c) { return true }
            if p > 1 && b[p - 2] == 0xC3 && c == 0x97 { return true }   // ×
        }
        var q = range.upperBound
        while q < b.count && b[q] == 0x20 { q += 1 }
        if q < b.count {
            let c = b[q]
            if c == UInt8(ascii: "=") || c == UInt8(ascii: "*") { return true }
            if c == 0xC3 && q + 1 < b.count && b[q + 1] == 0x97 { return true }
        }
        return false
    }

    /// A number may end here: what follows is not a letter or digit, a decimal part, a date or
    /// time continuation (`/`, `:` before a digit) or a percent sign.
    static func numberEnds(_ b: UnsafeBufferPointer<UInt8>, at j: Int) -> Bool {
        guard j < b.count else { return true }
        let n = b[j]
        if n == UInt8(ascii: "%") { return false }
        if (n == UInt8(ascii: ".") || n == UInt8(ascii: ",") || n == UInt8(ascii: ":") || n == UInt8(ascii: "/")
            || n == UInt8(ascii: "-")), j + 1 < b.count, isDigit(b[j + 1]) {
            return false
        }
        return !TextNormaliser.isWord(at: j, in: b)
    }
}
