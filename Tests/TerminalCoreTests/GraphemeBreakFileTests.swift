import Testing
import TerminalCore

/// Unicode's GraphemeBreakTest.txt, every line, against the segmentation the canvas lays text
/// out by: first Swift's `Character`s (what `Canvas.put`, `TextWrap` and `DisplayWidth`
/// iterate), then the cells `Canvas.put` actually fills. A toolchain whose segmentation moved
/// to another Unicode version, or a canvas that cut a cluster, fails here line by line.
@Suite struct GraphemeBreakFileTests {
    static let cases = Result { try UnicodeTestFiles.graphemeBreakCases() }

    @Test func theFileIsUnicode17AndWhole() throws {
        let lines = try UnicodeTestFiles.lines(of: "GraphemeBreakTest.txt")
        #expect(lines.first?.text == "# GraphemeBreakTest-17.0.0.txt")
        #expect(lines.contains { $0.text == "# Lines: 766" })
        #expect(try Self.cases.get().count == 766)
        #expect(DisplayWidth.unicodeVersion == "17.0.0", "the width tables and the test data are of one Unicode version")
    }

    /// The lines Swift 6.3 segments differently: Unicode 17 extended rule GB9c (no break
    /// inside an Indic conjunct) to Myanmar, Khmer and Balinese, and the standard library does
    /// not have that part yet, so it breaks after the virama (`မ္ | ဘ`) there. The columns are
    /// the same either way (terminals measure these scripts code point by code point); what is
    /// lost is only that a line may wrap or clip inside such a conjunct. When a toolchain
    /// catches up this test says so, and the list goes.
    static let knownDifferences: Set<Int> = [785, 786, 787, 788, 789, 790, 791, 792]

    @Test func everyLineSegmentsAsTheFileSays() throws {
        var wrong: [Int: String] = [:]
        for test in try Self.cases.get() {
            let got = Array(test.text).map(String.init)
            if got != test.clusters { wrong[test.line] = "line \(test.line): expected \(Self.show(test.clusters)), got \(Self.show(got))" }
        }
        let unexpected = wrong.filter { !Self.knownDifferences.contains($0.key) }.sorted { $0.key < $1.key }.map(\.value)
        #expect(unexpected.isEmpty, "\(unexpected.count) lines segment differently:\n\(unexpected.prefix(20).joined(separator: "\n"))")
        let fixed = Self.knownDifferences.subtracting(wrong.keys).sorted()
        #expect(fixed.isEmpty, "lines \(fixed) now segment as Unicode 17 says: remove them from knownDifferences")
        for line in Self.knownDifferences.sorted() {
            let test = try #require(try Self.cases.get().first { $0.line == line })
            #expect(test.text.unicodeScalars.contains { [0x1039, 0x17D2, 0x1B44].contains($0.value) },
                    "line \(line) is one of the Myanmar, Khmer or Balinese conjunct cases")
        }
    }

    /// The canvas holds exactly the file's clusters: one cell each, followed by a continuation
    /// per further column; a control shown as U+FFFD; a zero-width cluster (a mark after a
    /// control, a lone format character) joined to the cell before it, as `put` documents.
    @Test func everyLineLandsOnTheCanvasClusterByCluster() throws {
        var wrong: [String] = []
        for test in try Self.cases.get() where !Self.knownDifferences.contains(test.line) {
            var expected: [String] = []
            for cluster in test.clusters {
                let safe = cluster.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) } ? "\u{FFFD}" : cluster
                let width = DisplayWidth.of(Character(safe))
                if width == 0 {
                    if let owner = expected.lastIndex(where: { !$0.isEmpty }) { expected[owner] += safe }
                    continue
                }
                expected.append(safe)
                expected += Array(repeating: "", count: width - 1)
            }
            var canvas = Canvas(size: Size(columns: expected.count + 2, rows: 1))
            let end = canvas.put(test.text, x: 0, y: 0)
            let cells = (0..<expected.count).map { canvas[$0, 0].text }
            if cells != expected || end != expected.count {
                wrong.append("line \(test.line): expected cells \(Self.show(expected)), got \(Self.show(cells)) ending at \(end)")
            }
        }
        #expect(wrong.isEmpty, "\(wrong.count) lines laid out wrongly:\n\(wrong.prefix(20).joined(separator: "\n"))")
    }

    static func show(_ clusters: [String]) -> String {
        "[" + clusters.map { $0.unicodeScalars.map { String($0.value, radix: 16, uppercase: true) }.joined(separator: " ") }
            .joined(separator: " | ") + "]"
    }
}
