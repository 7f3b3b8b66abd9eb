/// Makes untrusted text (row content, config values, log fields, file names) safe to put on a
/// terminal: nothing in the result can move the cursor, change colours, set the window title,
/// write the clipboard (OSC 52), open a hyperlink (OSC 8), reorder text (bidi overrides) or hide
/// itself (zero-width and tag characters). What is neutralised stays visible, so a reviewer sees
/// that a row carries an escape sequence instead of the sequence acting on their terminal.
///
/// - C0 controls and DEL in caret notation (`^[`, `^@`, `^?`); the rest of an escape sequence is
///   plain printable text once its ESC is defused, so `ESC [2J` shows as `^[[2J`.
/// - C1 controls, bidi controls, zero-width, invisible and tag characters as `<U+202E>`,
///   except where they are part of the text as written (`Sanitiser+Context.swift`): a ZWJ
///   inside an emoji sequence (👨‍👩‍👧), a ZWJ or ZWNJ between letters of a script that shapes
///   with them or after its virama (Devanagari क्‍ष, Persian می‌خواهم), the tags of an RGI
///   subdivision flag
///   (🏴󠁧󠁢󠁥󠁮󠁧󠁿). Everywhere else they show, so a row cannot hide content in them.
/// - Invalid UTF-8 (byte input only) as `\xNN`.
/// - In multi-line mode newlines are kept and tabs become spaces; in single-line mode a newline
///   shows as `^J`.
public enum Sanitiser {
    public enum Mode: Sendable {
        case singleLine
        case multiLine
    }

    public static func clean(_ text: String, mode: Mode = .singleLine) -> String {
        // Fast path: plain printable ASCII is by far the common case and comes back unchanged.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text }
        var out = String.UnicodeScalarView()
        append(Array(text.unicodeScalars), mode: mode, to: &out)
        return String(out)
    }

    /// Cleans raw bytes that may not be valid UTF-8; each invalid byte shows as `\xNN` (and
    /// breaks any context: a joiner next to one is shown).
    public static func clean(bytes: some Collection<UInt8>, mode: Mode = .singleLine) -> String {
        let raw = Array(bytes)
        if raw.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return String(decoding: raw, as: UTF8.self) }
        var out = String.UnicodeScalarView()
        var run: [Unicode.Scalar] = []
        var index = 0
        while index < raw.count {
            let (scalar, length) = decodeScalar(raw, at: index)
            if let scalar {
                run.append(scalar)
            } else {
                append(run, mode: mode, to: &out)
                run.removeAll(keepingCapacity: true)
                out.append(contentsOf: "\\x\(hex2(raw[index]))".unicodeScalars)
            }
            index += length
        }
        append(run, mode: mode, to: &out)
        return String(out)
    }

    /// JSON text made safe to print: DEL, C1 controls and the invisible or reordering characters
    /// written as `\uXXXX` escapes (surrogate pairs above U+FFFF). JSON leaves them raw, and
    /// `--json` output ends up on terminals too; these only ever stand inside strings, so the
    /// document means the same. C0 controls are already escaped by every JSON writer.
    public static func jsonSafe(_ json: String) -> String {
        if json.utf8.allSatisfy({ $0 < 0x7F }) { return json }
        var out = String.UnicodeScalarView()
        for scalar in json.unicodeScalars {
            let v = scalar.value
            guard v == 0x7F || (0x80..<0xA0).contains(v) || isInvisibleOrReordering(v) else {
                out.append(scalar)
                continue
            }
            let units = v > 0xFFFF ? [0xD800 + ((v - 0x10000) >> 10), 0xDC00 + ((v - 0x10000) & 0x3FF)] : [v]
            for unit in units { out.append(contentsOf: ("\\u" + String(unit, radix: 16).leftPadded(to: 4)).unicodeScalars) }
        }
        return String(out)
    }

    /// True when `clean` would leave the text unchanged.
    public static func isClean(_ text: String, mode: Mode = .singleLine) -> Bool {
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return true }
        let scalars = Array(text.unicodeScalars)
        return scalars.indices.allSatisfy { replacement(at: $0, in: scalars, mode: mode) == nil }
    }

    static func append(_ scalars: [Unicode.Scalar], mode: Mode, to out: inout String.UnicodeScalarView) {
        for index in scalars.indices {
            if let visible = replacement(at: index, in: scalars, mode: mode) {
                out.append(contentsOf: visible.unicodeScalars)
            } else {
                out.append(scalars[index])
            }
        }
    }

    /// The visible stand-in for the scalar at `index`, or nil when it stays: a scalar that is
    /// unsafe on its own may be kept by its neighbours (see `keptInContext`).
    @inline(__always)
    static func replacement(at index: Int, in scalars: [Unicode.Scalar], mode: Mode) -> String? {
        guard let visible = replacement(for: scalars[index], mode: mode) else { return nil }
        return keptInContext(scalars, at: index) ? nil : visible
    }

    /// The visible stand-in for a scalar that must not reach a terminal on its own, or nil when
    /// it is always safe. Context can keep some of these (`keptInContext`); this never does, so
    /// text with no scalar it replaces is clean anywhere.
    public static func replacement(for scalar: Unicode.Scalar, mode: Mode) -> String? {
        let v = scalar.value
        switch v {
        case 0x0A where mode == .multiLine: return nil
        case 0x09 where mode == .multiLine: return "    "
        case 0x00..<0x20: return "^" + String(Unicode.Scalar(UInt8(v) + 0x40))
        case 0x7F: return "^?"
        case 0x20..<0x7F: return nil
        case 0x80..<0xA0: return codePoint(v)
        default: return isInvisibleOrReordering(v) ? codePoint(v) : nil
        }
    }

    /// Characters that change the order text is shown in, or that take no visible space yet can
    /// hide or smuggle content (ASCII smuggling through tag characters targets LLM data).
    static func isInvisibleOrReordering(_ v: UInt32) -> Bool {
        switch v {
        case 0x00AD,                // soft hyphen
             0x034F,                // combining grapheme joiner
             0x061C,                // Arabic letter mark
             0x115F, 0x1160,        // Hangul fillers
             0x17B4, 0x17B5,        // Khmer inherent vowels (invisible)
             0x180E,                // Mongolian vowel separator
             0x200B...0x200F,       // zero-width space/non-joiner/joiner, LRM, RLM
             0x2028, 0x2029,        // line and paragraph separators
             0x202A...0x202E,       // bidi embeddings and overrides
             0x2060...0x206F,       // word joiner, invisible operators, bidi isolates, deprecated
             0x3164,                // Hangul filler
             0xFEFF,                // zero-width no-break space / BOM
             0xFFA0,                // halfwidth Hangul filler
             0xFFF9...0xFFFB,       // interlinear annotations
             0x1D173...0x1D17A,     // musical formatting controls
             0xE0000...0xE007F:     // tag characters
            return true
        default:
            return false
        }
    }

    static func codePoint(_ v: UInt32) -> String {
        "<U+" + String(v, radix: 16, uppercase: true).leftPadded(to: 4) + ">"
    }

    static func hex2(_ b: UInt8) -> String {
        String(b, radix: 16, uppercase: true).leftPadded(to: 2)
    }

    /// One scalar at `index`, or nil with length 1 when the bytes there are not valid UTF-8.
    static func decodeScalar(_ bytes: [UInt8], at index: Int) -> (Unicode.Scalar?, Int) {
        let lead = bytes[index]
        if lead < 0x80 { return (Unicode.Scalar(lead), 1) }
        guard let expected = UTF8Lead(lead), index + expected.length <= bytes.count else { return (nil, 1) }
        let length = expected.length
        let second = bytes[index + 1]
        guard second >= expected.secondLow && second <= expected.secondHigh else { return (nil, 1) }
        var value = UInt32(lead) & (0xFF >> (length + 1))
        value = value << 6 | UInt32(second & 0x3F)
        for k in 2..<max(2, length) {
            let b = bytes[index + k]
            guard b & 0xC0 == 0x80 else { return (nil, 1) }
            value = value << 6 | UInt32(b & 0x3F)
        }
        return (Unicode.Scalar(value), length)
    }
}
