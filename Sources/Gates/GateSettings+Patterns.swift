import CPCRE2
import Foundation
import WinnowCore

extension GateSettings {
    /// A regular expression in the settings that does not compile. `setting` names where it was
    /// configured (`blocklist_regex`, `slices.medical.blocklist_regex`, `slices.legal.keyword_regex`)
    /// and `index` its position in that list, so the workspace can point at the config line.
    public struct PatternError: UserFacingError, Equatable {
        public var setting: String
        public var index: Int
        public var pattern: String
        public var reason: String

        public init(setting: String, index: Int, pattern: String, reason: String) {
            self.setting = setting
            self.index = index
            self.pattern = pattern
            self.reason = reason
        }

        public var message: String {
            "\(setting): '\(pattern)' is not a valid regular expression: \(reason)"
        }
    }

    /// Compiles every regular expression in the settings, so a bad one is reported before any
    /// row is looked at (the gates compile the same patterns again when they are built).
    public func validatePatterns() throws(PatternError) {
        for (i, p) in blocklistRegex.enumerated() { _ = try CompiledPattern(p, setting: "blocklist_regex", index: i) }
        for slice in slices {
            for (i, p) in slice.blocklistRegex.enumerated() {
                _ = try CompiledPattern(p, setting: "slices.\(slice.name).blocklist_regex", index: i)
            }
            for (i, p) in slice.keywordRegex.enumerated() {
                _ = try CompiledPattern(p, setting: "slices.\(slice.name).keyword_regex", index: i)
            }
        }
    }
}

/// A configured regular expression, compiled once (case-insensitive, Unicode) and shared by all
/// threads, matched under a budget.
///
/// PCRE2, not Foundation: a pattern such as `(a+)+$` backtracks exponentially, and Foundation's
/// engine has no limit, so one long row once held an import for minutes with its entry already
/// logged. PCRE2's match limit bounds the work per row (JIT-compiled where the platform allows,
/// which keeps the common case fast); a row where the budget runs out is reported, never waited
/// for. The compiled code is read-only after JIT compilation and documented as safe to share;
/// each match gets its own match data.
final class CompiledPattern: @unchecked Sendable {
    let source: String
    private let code: OpaquePointer
    private let context: OpaquePointer

    /// Backtracking steps one match may take (PCRE2's default is 10 million; a row of 30,000
    /// characters against a sane pattern needs a few thousand).
    static let matchLimit: UInt32 = 2_000_000
    static let depthLimit: UInt32 = 100_000

    init(_ source: String, setting: String, index: Int) throws(GateSettings.PatternError) {
        self.source = source
        var status: Int32 = 0
        var offset = 0
        let options = UInt32(PCRE2_CASELESS | PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF)
        guard let code = source.withCString({ pointer in
            pcre2_compile_8(UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self), source.utf8.count, options,
                            &status, &offset, nil)
        }) else {
            throw GateSettings.PatternError(setting: setting, index: index, pattern: source,
                                            reason: "\(Self.message(status)) at character \(offset + 1)")
        }
        self.code = code
        _ = pcre2_jit_compile_8(code, UInt32(PCRE2_JIT_COMPLETE))  // falls back to the interpreter
        context = pcre2_match_context_create_8(nil)
        pcre2_set_match_limit_8(context, Self.matchLimit)
        pcre2_set_depth_limit_8(context, Self.depthLimit)
        if case .matched = firstMatch(in: [], from: 0) {
            // A pattern that matches the empty text would flag every row with an empty span.
            throw GateSettings.PatternError(setting: setting, index: index, pattern: source, reason: "it matches the empty text")
        }
    }

    deinit {
        pcre2_match_context_free_8(context)
        pcre2_code_free_8(code)
    }

    /// PCRE2's words for an error code.
    static func message(_ status: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let length = pcre2_get_error_message_8(status, &buffer, buffer.count)
        return length > 0 ? String(decoding: buffer.prefix(Int(length)), as: UTF8.self) : "error \(status)"
    }

    enum Outcome {
        case matched(Range<Int>)
        case none
        /// The match or depth budget ran out on this text.
        case overBudget
    }

    func firstMatch(in bytes: [UInt8], from start: Int) -> Outcome {
        guard let data = pcre2_match_data_create_from_pattern_8(code, nil) else { return .overBudget }
        defer { pcre2_match_data_free_8(data) }
        // An empty subject still gets a valid pointer (a NULL one is an error in older PCRE2).
        let subject = bytes.isEmpty ? [0] : bytes
        let status = subject.withUnsafeBufferPointer { buffer in
            pcre2_match_8(code, buffer.baseAddress, bytes.count, start, 0, data, context)
        }
        if status == PCRE2_ERROR_NOMATCH { return .none }
        guard status > 0 else { return .overBudget }  // limits, or an internal error: never a silent pass
        let vector = pcre2_get_ovector_pointer_8(data)!
        return .matched(Int(vector[0])..<Int(vector[1]))
    }

    /// Every non-empty match in `text` as a UTF-8 byte range (only the first with `firstOnly`).
    /// Empty matches (`\b`, `x*`) are skipped: there is nothing in them to highlight. Returns
    /// false when the budget ran out before the text was searched through.
    @discardableResult
    func forEachMatch(in text: String, firstOnly: Bool, _ body: (Range<Int>) -> Void) -> Bool {
        let bytes = Array(text.utf8)
        var from = 0
        while from <= bytes.count {
            switch firstMatch(in: bytes, from: from) {
            case .none: return true
            case .overBudget: return false
            case .matched(let range):
                if range.isEmpty {
                    // Step past the empty match, to the next character's first byte.
                    from = range.upperBound + 1
                    while from < bytes.count && UTF8.isContinuation(bytes[from]) { from += 1 }
                    continue
                }
                body(range)
                if firstOnly { return true }
                from = range.upperBound
            }
        }
        return true
    }

    /// Whether `source` compiles (for settings checked before anything runs), or why not.
    static func problem(_ source: String) -> String? {
        do { _ = try CompiledPattern(source, setting: "", index: 0) } catch { return error.reason }
        return nil
    }
}

extension GateSettings {
    /// Why a configured regular expression cannot be used (the engine's words and where), or
    /// nil when it compiles.
    public static func regexProblem(_ source: String) -> String? { CompiledPattern.problem(source) }
}
