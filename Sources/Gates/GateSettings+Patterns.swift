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

/// A configured regular expression, compiled once (case-insensitive) and shared by all threads:
/// `NSRegularExpression` is immutable after creation and documented as safe to use concurrently.
struct CompiledPattern: Sendable {
    let source: String
    let regex: NSRegularExpression

    init(_ source: String, setting: String, index: Int) throws(GateSettings.PatternError) {
        self.source = source
        do {
            regex = try NSRegularExpression(pattern: source, options: [.caseInsensitive])
        } catch {
            throw GateSettings.PatternError(setting: setting, index: index, pattern: source, reason: Self.reason(source))
        }
        if regex.firstMatch(in: "", options: [], range: NSRange(location: 0, length: 0)) != nil {
            // A pattern that matches nothing at all would flag every row with an empty span.
            throw GateSettings.PatternError(setting: setting, index: index, pattern: source, reason: "it matches the empty text")
        }
    }

    /// Foundation only says "The value is invalid"; Swift's own regex parser, which reads the
    /// same syntax, says what is wrong ("expected ')'"), so its message is used when it has one.
    static func reason(_ source: String) -> String {
        do {
            _ = try Regex(source)
        } catch {
            return String(describing: error)
        }
        return "the regular expression engine (ICU syntax) does not accept it"
    }

    /// Every non-empty match in `text` as a UTF-8 byte range (only the first with `firstOnly`).
    /// Empty matches (`\b`, `x*`) are skipped: there is nothing in them to highlight.
    func forEachMatch(in text: String, firstOnly: Bool, _ body: (Range<Int>) -> Void) {
        let whole = NSRange(location: 0, length: text.utf16.count)
        let results: [NSTextCheckingResult]
        if firstOnly {
            // The first non-empty match: `firstMatch` could stop at an empty one.
            var from = 0
            var found: NSTextCheckingResult?
            while from <= whole.length, let next = regex.firstMatch(in: text, options: [], range: NSRange(location: from, length: whole.length - from)) {
                if next.range.length > 0 { found = next; break }
                from = next.range.location + 1
            }
            results = found.map { [$0] } ?? []
        } else {
            results = regex.matches(in: text, options: [], range: whole)
        }
        let utf8 = text.utf8
        for result in results where result.range.length > 0 {
            // ICU reports code-point-aligned ranges; one that is not on scalar boundaries is
            // skipped rather than trusted.
            guard let range = Range(result.range, in: text),
                  let lower = range.lowerBound.samePosition(in: text.unicodeScalars),
                  let upper = range.upperBound.samePosition(in: text.unicodeScalars) else { continue }
            body(utf8.distance(from: utf8.startIndex, to: lower)..<utf8.distance(from: utf8.startIndex, to: upper))
        }
    }
}
