import Keymap
import TerminalCore
import Testing

/// The loader meets whatever a user (or a corrupted file) puts in front of it: random lines
/// must produce diagnostics or bindings, never a crash, and never an impossible binding.
@Suite struct KeymapGarbageTests {
    /// Knuth's MMIX linear congruential generator, top bits only: deterministic, so a failure
    /// reproduces, and plenty random for picking garbage.
    struct Knuth: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 32 | state << 32
        }
    }

    private static let pieces = [
        "bind", "unbind", "source", "review", "global", "home", "review,adjudicate", ",", "#", "##", "<", ">",
        "<C-", "<Esc>", "<C-s>", "<lt>", "<M-gt>", "g", "gg", "a", "accept", "skip", "go-top", "move-down",
        "cancel", "\t", " ", "  ", "\u{1B}[31m", "\u{0}", "\u{200B}", "é", "漢", "👍🏽", "\r", "~/", "../", "/dev/null",
        "nothing.keymap", "<F99>", "<C-ä>", "<>", "<<>>",
    ]

    @Test func randomLinesNeverCrashTheLoader() {
        var random = Knuth(state: 4)
        for _ in 0..<300 {
            let lines = (0..<Int.random(in: 1...12, using: &random)).map { _ in
                (0..<Int.random(in: 0...7, using: &random))
                    .map { _ in Self.pieces.randomElement(using: &random)! }
                    .joined(separator: Bool.random(using: &random) ? " " : "")
            }
            let (keymap, diagnostics) = KeymapFixtures.apply(lines.joined(separator: "\n"))
            for diagnostic in diagnostics {
                #expect(diagnostic.hasPrefix("t.keymap:"))
                #expect(!diagnostic.unicodeScalars.contains { $0.value < 0x20 || $0 == "\u{7F}" })
            }
            for (context, table) in keymap.bindings {
                #expect(KeymapFixtures.contexts.contains(context))
                for (keys, action) in table {
                    #expect(keys.allSatisfy { $0.reservedReason == nil })
                    #expect(KeymapFixtures.catalog.action(named: action) != nil)
                    #expect(keymap.prefixConflict(with: keys, in: context) == nil)
                }
            }
        }
    }

    @Test func randomBytesNeverCrashTheLoader() throws {
        let folder = try TemporaryFolder()
        var random = Knuth(state: 9)
        for round in 0..<50 {
            let bytes = (0..<Int.random(in: 0...400, using: &random)).map { _ in
                Bool.random(using: &random) ? UInt8.random(in: 0...255, using: &random)
                                            : Array("bind review a accept\n".utf8).randomElement(using: &random)!
            }
            let file = try folder.write("random\(round).keymap", bytes: bytes)
            var keymap = Keymap()
            let diagnostics = KeymapFixtures.loader.load(file: file, into: &keymap)
            #expect(diagnostics.allSatisfy { $0.file == file && $0.line >= 1 })
        }
    }
}
