/// Columns a character takes in a terminal cell grid.
///
/// The tables come from Unicode data (see DisplayWidth+Tables.swift) rather than the C
/// library's `wcwidth`, so layout does not change with the locale a process happens to run in:
/// a snapshot test, a reviewer's ssh session and a CI runner all wrap the same row the same way.
/// Regenerate the tables with the Python snippet in the commit that added them
/// (`unicodedata.east_asian_width` in W/F → 2; categories Mn/Me/Cf and U+1160-11FF → 0).
public enum DisplayWidth {
    /// 0, 1 or 2. Control characters count 1: the canvas draws them as a visible replacement,
    /// never raw.
    public static func of(_ scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        if value < 0x300 { return value == 0xAD ? 0 : 1 }
        if contains(zeroRanges, value) { return 0 }
        if contains(wideRanges, value) { return 2 }
        return 1
    }

    /// A grapheme cluster: its base's width, widened to 2 by an emoji presentation selector.
    public static func of(_ character: Character) -> Int {
        var width = 0
        var emojiPresentation = false
        for scalar in character.unicodeScalars {
            if scalar.value == 0xFE0F { emojiPresentation = true }
            if width == 0 { width = of(scalar) }
        }
        if emojiPresentation && width == 1 { return 2 }
        return width
    }

    public static func of(_ text: some StringProtocol) -> Int {
        var total = 0
        for character in text { total += of(character) }
        return total
    }

    /// The longest prefix of `text` that fits in `columns`, with "…" in the last column when
    /// something was cut and `ellipsis` is set.
    public static func truncate(_ text: String, to columns: Int, ellipsis: Bool = true) -> String {
        guard columns > 0 else { return "" }
        if of(text) <= columns { return text }
        let budget = ellipsis ? columns - 1 : columns
        var used = 0
        var result = ""
        for character in text {
            let width = of(character)
            if used + width > budget { break }
            used += width
            result.append(character)
        }
        return ellipsis ? result + "…" : result
    }

    /// Pads with spaces (or truncates) to exactly `columns`.
    public static func pad(_ text: String, to columns: Int) -> String {
        let fitted = truncate(text, to: columns)
        let width = of(fitted)
        return width < columns ? fitted + String(repeating: " ", count: columns - width) : fitted
    }

    private static func contains(_ ranges: [ClosedRange<UInt32>], _ value: UInt32) -> Bool {
        var low = 0
        var high = ranges.count - 1
        while low <= high {
            let middle = (low + high) / 2
            let range = ranges[middle]
            if value < range.lowerBound {
                high = middle - 1
            } else if value > range.upperBound {
                low = middle + 1
            } else {
                return true
            }
        }
        return false
    }
}
