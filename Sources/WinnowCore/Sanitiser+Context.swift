/// Invisible characters that are part of text as written, kept where their neighbours show they
/// are doing their job, shown as `<U+…>` everywhere else.
///
/// The sanitiser shows zero-width characters because they can hide data (watermarks, ASCII
/// smuggling through tag characters) or make two rows that look the same differ. But three
/// of them are how whole writing systems and emoji are spelled, and showing them there broke
/// the row a reviewer was judging (👨‍👩‍👧 drawn as `👨<U+200D>👩<U+200D>👧`, Persian and Hindi
/// words cut by `<U+200C>`). So:
///
/// - ZWJ (U+200D) between two emoji (the one before may carry VS16 or a skin tone): an emoji
///   ZWJ sequence, drawn as one picture.
/// - ZWJ and ZWNJ (U+200C) between two letters or marks of a script that shapes with joiners
///   (Hebrew and Arabic through the Indic and South-East Asian scripts, historic Brahmic and
///   right-to-left scripts, Adlam), or right after such a script's virama: they choose a half
///   form, a conjunct, an explicit virama or a joining form.
/// - Tag characters only as the tags of an RGI subdivision flag (England, Scotland, Wales):
///   U+1F3F4, the tag letters, U+E007F. Any other tag run (the smuggling kind) shows.
///
/// Decided, and kept visible: a joiner between Latin, Greek, Cyrillic or CJK letters, at the
/// start of a word or at its end after anything but a virama, next to a space or digit, or
/// doubled; a lone ZWJ after an emoji
/// with nothing to join. There it changes nothing a reader sees, so it can only carry hidden
/// data. A neighbour only counts if it is kept itself, so cleaning is idempotent: what `clean`
/// returns is `isClean`.
extension Sanitiser {
    static func keptInContext(_ scalars: [Unicode.Scalar], at index: Int) -> Bool {
        let value = scalars[index].value
        switch value {
        case 0x200C, 0x200D:
            guard index > 0 else { return false }
            let before = scalars[index - 1]
            if isVirama(before) { return true }
            guard index + 1 < scalars.count else { return false }
            let after = scalars[index + 1]
            if value == 0x200D && endsEmoji(scalars, before: index) && isPictographic(after) { return true }
            return shapesWithJoiners(before) && shapesWithJoiners(after)
        case 0xE0020...0xE007F:
            return inSubdivisionFlag(scalars, at: index)
        default:
            return false
        }
    }

    /// Whether an emoji ends just before `index`: a pictograph, alone or followed by VS16 or a
    /// skin tone.
    static func endsEmoji(_ scalars: [Unicode.Scalar], before index: Int) -> Bool {
        var last = index - 1
        let value = scalars[last].value
        if value == 0xFE0F || (0x1F3FB...0x1F3FF).contains(value) {
            guard last > 0 else { return false }
            last -= 1
        }
        return isPictographic(scalars[last])
    }

    /// A virama (killer) of a script that shapes with joiners: a joiner after it picks a half
    /// form or an explicit virama, at the end of a word too (Malayalam chillus written the old
    /// way, `ക്‍`; Devanagari eyelash ra, `र्‍`).
    static func isVirama(_ scalar: Unicode.Scalar) -> Bool {
        inJoiningScript(scalar.value) && scalar.properties.canonicalCombiningClass == .virama
    }

    /// An emoji that is not also an ASCII character (digits, `#` and `*` are Emoji=Yes for
    /// keycaps; a joiner between digits is not a ZWJ sequence).
    static func isPictographic(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value >= 0x80 && scalar.properties.isEmoji && !(0x1F3FB...0x1F3FF).contains(scalar.value)
    }

    /// A letter or mark of a script in which ZWJ/ZWNJ select forms, itself kept by the sanitiser.
    static func shapesWithJoiners(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        guard inJoiningScript(value), !isInvisibleOrReordering(value) else { return false }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .nonspacingMark, .spacingMark, .enclosingMark:
            return true
        default:
            return false
        }
    }

    /// Blocks of the scripts that use joiners: Hebrew to Myanmar (Arabic, Syriac, Thaana, N'Ko,
    /// the Indic scripts, Sinhala, Thai, Lao, Tibetan), the Philippine scripts, Khmer and
    /// Mongolian, Limbu to the Vedic extensions, Syloti Nagri to Meetei Mayek (less Latin
    /// Extended-E), the Hebrew and Arabic presentation forms, the historic right-to-left and
    /// Brahmic planes, Adlam.
    static func inJoiningScript(_ value: UInt32) -> Bool {
        switch value {
        case 0x0590...0x109F, 0x1700...0x18AF, 0x1900...0x1CFF, 0xA800...0xAB2F, 0xAB70...0xABFF,
             0xFB1D...0xFDFF, 0xFE70...0xFEFE, 0x10800...0x11FFF, 0x1E900...0x1E95F:
            return true
        default:
            return false
        }
    }

    /// The subdivision flags in the RGI emoji set, by their tag letters.
    static let subdivisionFlags: Set<String> = ["gbeng", "gbsct", "gbwls"]

    /// Whether the tag character at `index` belongs to 🏴 + an RGI subdivision's tags + U+E007F.
    /// Looks at most a few scalars either way (the longest RGI tag run is five), so a row of
    /// a million tags costs a million short looks, not a million long ones.
    static func inSubdivisionFlag(_ scalars: [Unicode.Scalar], at index: Int) -> Bool {
        let isTagLetter: (Int) -> Bool = { (0xE0020...0xE007E).contains(scalars[$0].value) }
        var start = index
        if scalars[index].value == 0xE007F {
            // The cancel tag closes the run before it.
        } else {
            guard isTagLetter(index) else { return false }
        }
        while start > 0, index - start < 6, isTagLetter(start - 1) { start -= 1 }
        guard start > 0, scalars[start - 1].value == 0x1F3F4 else { return false }
        var end = scalars[index].value == 0xE007F ? index : index + 1
        while end < scalars.count, end - start < 6, isTagLetter(end) { end += 1 }
        guard end < scalars.count, scalars[end].value == 0xE007F else { return false }
        let letters = scalars[start..<end].map { Character(Unicode.Scalar($0.value - 0xE0000)!) }
        return subdivisionFlags.contains(String(letters))
    }
}
