import Testing
import TerminalCore

/// The locale decides the frame characters in one place; the rest is passed along as a value.
@Suite struct GlyphsTests {
    @Test func utf8LocalesGetUnicodeFrames() {
        for locale in ["C.UTF-8", "C.utf8", "en_GB.UTF-8", "de_DE.utf8@euro", "UTF-8", "ja_JP.UTF-8"] {
            #expect(Glyphs.forLocale(["LANG": locale]) == .unicode, "\(locale)")
        }
    }

    @Test func otherLocalesGetAsciiFrames() {
        for locale in ["C", "POSIX", "en_US", "en_US.ISO-8859-1", "de_DE@euro", "ja_JP.eucJP", "en_US.ISO8859-15"] {
            #expect(Glyphs.forLocale(["LANG": locale]) == .ascii, "\(locale)")
        }
        #expect(Glyphs.forLocale([:]) == .ascii, "nothing set is the C locale")
    }

    @Test func lcAllThenLcCtypeThenLangAsSetlocaleReadsThem() {
        #expect(Glyphs.forLocale(["LC_ALL": "C", "LC_CTYPE": "C.UTF-8", "LANG": "en_GB.UTF-8"]) == .ascii)
        #expect(Glyphs.forLocale(["LC_ALL": "", "LC_CTYPE": "C.UTF-8", "LANG": "C"]) == .unicode)
        #expect(Glyphs.forLocale(["LC_CTYPE": "", "LANG": "en_GB.UTF-8"]) == .unicode)
        #expect(Glyphs.forLocale(["LANG": "C.UTF-8", "LC_ALL": "POSIX"]) == .ascii)
    }

    @Test func asciiGlyphsAreAscii() {
        let ascii = Glyphs.ascii
        for glyph in [ascii.vertical, ascii.horizontal, ascii.separator, ascii.ellipsis, ascii.pointer, ascii.rejectMark,
                      ascii.flagMark, ascii.cursor, ascii.barFull, ascii.barEmpty, ascii.dash] {
            #expect(!glyph.isEmpty && glyph.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }, "\(glyph)")
        }
    }
}
