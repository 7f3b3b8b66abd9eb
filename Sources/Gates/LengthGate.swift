import WinnowCore

/// The length gate: turns and rows longer than the configured limits.
///
/// Characters are Unicode scalars (what Python's `len` counts, so numbers match the scripts
/// people check data with), counted from the UTF-8 bytes without decoding. Tokens are estimated
/// as characters / 4, rounded up: no tokenizer is assumed, the estimate is only meant to catch
/// rows that would not fit a context window, and the detail says it is an estimate.
///
/// A slice may set its own limits, looser or stricter than the global ones; a row in several
/// slices gets the smallest of each. Every
/// finding has reason `low-quality` and, in `detail`, the measured value and the limit.
public struct LengthGate: Sendable {
    struct Limits: Sendable, Equatable {
        var turnChars: Int
        var rowChars: Int
        var turnTokens: Int?
        var rowTokens: Int?

        /// These limits with a slice's own where it sets them (looser or stricter).
        func overridden(by slice: SliceGateSettings) -> Limits {
            Limits(turnChars: slice.maxTurnChars ?? turnChars, rowChars: slice.maxRowChars ?? rowChars,
                   turnTokens: slice.maxTurnTokens ?? turnTokens, rowTokens: slice.maxRowTokens ?? rowTokens)
        }

        /// The stricter of two limits for each value (a row in several slices).
        func stricter(_ other: Limits) -> Limits {
            func min(_ a: Int?, _ b: Int?) -> Int? { [a, b].compactMap { $0 }.min() }
            return Limits(turnChars: Swift.min(turnChars, other.turnChars), rowChars: Swift.min(rowChars, other.rowChars),
                          turnTokens: min(turnTokens, other.turnTokens), rowTokens: min(rowTokens, other.rowTokens))
        }
    }

    let global: Limits
    let bySlice: [String: Limits]
    public var action: GateAction = .flag

    public init(settings: GateSettings) {
        global = Limits(turnChars: settings.maxTurnChars, rowChars: settings.maxRowChars,
                        turnTokens: settings.maxTurnTokens, rowTokens: settings.maxRowTokens)
        var bySlice: [String: Limits] = [:]
        for slice in settings.slices { bySlice[slice.name] = global.overridden(by: slice) }
        self.bySlice = bySlice
    }

    /// The limits for a row in `slices`: each slice's own (the global ones for a slice without
    /// overrides or not configured), the strictest of them for a row in several.
    func limits(for slices: [String]) -> Limits {
        guard let first = slices.first else { return global }
        var limits = bySlice[first] ?? global
        for name in slices.dropFirst() { limits = limits.stricter(bySlice[name] ?? global) }
        return limits
    }

    /// Unicode scalars in `text`: every UTF-8 byte that is not a continuation byte (10xxxxxx)
    /// starts one. Continuation bytes are counted eight at a time: a byte's bit 6, shifted up
    /// one, lands on its own bit 7, so `x & ~(x << 1)` keeps bit 7 exactly where a byte is
    /// 10xxxxxx. (Byte by byte, this count was a tenth of the per-row gates' time.)
    public static func characters(_ text: String) -> Int {
        var text = text
        return text.withUTF8 { bytes in
            guard let address = bytes.baseAddress else { return 0 }
            let base = UnsafeRawPointer(address)
            var continuation = 0, k = 0
            while k + 8 <= bytes.count {
                let x = ASCIIWordScan.load(base, k)
                continuation &+= (x & ~(x << 1) & ASCIIWordScan.high).nonzeroBitCount
                k += 8
            }
            while k < bytes.count {
                if bytes[k] & 0xC0 == 0x80 { continuation &+= 1 }
                k += 1
            }
            return bytes.count - continuation
        }
    }

    /// The token estimate for a number of characters: characters / 4, rounded up.
    public static func approximateTokens(_ characters: Int) -> Int { (characters + 3) / 4 }

    public func check(_ row: GateRow) -> [GateFinding] {
        let limits = limits(for: row.provenance.slices)
        var findings: [GateFinding] = []
        var total = 0
        for (i, segment) in row.text.segments.enumerated() {
            let chars = Self.characters(segment.text)
            total += chars
            if let finding = finding(scope: "turn", segment: i, label: segment.label, chars: chars,
                                     charLimit: limits.turnChars, tokenLimit: limits.turnTokens) {
                findings.append(finding)
            }
        }
        if let finding = finding(scope: "row", segment: nil, label: nil, chars: total,
                                 charLimit: limits.rowChars, tokenLimit: limits.rowTokens) {
            findings.append(finding)
        }
        return findings
    }

    /// One finding when either limit is exceeded; the detail carries both measures either way.
    func finding(scope: String, segment: Int?, label: String?, chars: Int, charLimit: Int, tokenLimit: Int?) -> GateFinding? {
        let tokens = Self.approximateTokens(chars)
        let overChars = chars > charLimit
        let overTokens = tokenLimit.map { tokens > $0 } ?? false
        guard overChars || overTokens else { return nil }
        var detail: [(String, JSONValue)] = [
            ("scope", .string(scope)),
            ("exceeds", .string(overChars ? "chars" : "tokens")),
            ("chars", .int(chars)), ("max_chars", .int(charLimit)),
            ("approx_tokens", .int(tokens)),
        ]
        if let tokenLimit { detail.append(("max_tokens", .int(tokenLimit))) }
        detail.append(("token_estimate", .string("chars/4")))
        if let label { detail.insert(("label", .string(label)), at: 1) }
        return GateFinding(gate: "length", reason: "low-quality", action: action, segment: segment, detail: detail)
    }
}
