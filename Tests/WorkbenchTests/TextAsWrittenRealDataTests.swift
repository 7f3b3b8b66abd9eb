import Foundation
import TerminalCore
import Testing
import TestSupport
import WinnowCore
@testable import Workbench

/// Issue 12, item 5 on text nobody here wrote: every real text that is not plain ASCII (Self-
/// Instruct's emoji with ZWJ and VS16, Chinese and Arabic; Alpaca's Japanese, zero-width and
/// direction marks) is laid out at every width without losing, splitting or reordering a
/// grapheme cluster, within the width; and a real row with an emoji ZWJ sequence reaches the
/// review screen whole.
@Suite(.serialized) struct TextAsWrittenRealDataTests {
    /// The texts of a file's rows, every string value at any depth.
    static func texts(_ relative: String) throws -> [String] {
        func strings(_ value: Any) -> [String] {
            switch value {
            case let s as String: return [s]
            case let a as [Any]: return a.flatMap(strings)
            case let o as [String: Any]: return o.keys.sorted().flatMap { strings(o[$0]!) }
            default: return []
            }
        }
        if relative.hasSuffix(".json") {
            let data = try Data(contentsOf: URL(fileURLWithPath: RealData.path(relative)))
            return strings(try JSONSerialization.jsonObject(with: data))
        }
        return try RealData.objects(relative).flatMap(strings)
    }

    static let files = ["self-instruct/user_oriented_instructions.jsonl", "self-instruct/seed_tasks.jsonl", "alpaca/alpaca_5000.json"]

    @Test(arguments: files) func everyRealTextIsLaidOutWhole(file: String) throws {
        try #require(RealData.isPresent, "../shared/realdata is absent")
        let wide = try Self.texts(file).filter { $0.unicodeScalars.contains { !$0.isASCII } }
        #expect(wide.count >= 10, "\(file) has non-ASCII texts to lay out")
        for text in wide {
            // What the screen is given: the sanitiser's rendering (control and invisible
            // characters become visible marks, joiners stay where they join).
            let clean = Sanitiser.clean(text)
            let expected = Array(clean).filter { !$0.isWhitespace }
            for width in [12, 23, 40, 77, 120] {
                let lines = TextWrap.wrap(clean, width: width)
                let got = lines.flatMap { Array($0.text) }.filter { !$0.isWhitespace }
                #expect(got == expected, "\(file), width \(width): \(text.prefix(60))")
                #expect(lines.allSatisfy { $0.width <= width }, "\(file), width \(width): \(text.prefix(60))")
            }
        }
    }

    @Test func aRealRowWithAnEmojiSequenceIsShownWhole() throws {
        try #require(RealData.isPresent, "../shared/realdata is absent")
        // The first task with a ZWJ or VS16 sequence in any of its texts, as a row's answer.
        func joined(_ text: String) -> Bool { text.unicodeScalars.contains { $0 == "\u{200D}" || $0 == "\u{FE0F}" } }
        let texts = try Self.texts("self-instruct/user_oriented_instructions.jsonl")
        let answer = try #require(texts.first(where: joined), "a real text with an emoji sequence")
        let row = try JSONSerialization.data(withJSONObject: ["id": "real-emoji-1", "prompt": "Show this answer.", "response": answer,
                                                              "meta": ["slice": "general", "origin": "synthetic", "generator": "g1"]])
        let f = try WorkbenchFixture(size: Size(columns: 200, rows: 60), extraRows: [String(decoding: row, as: UTF8.self)])
        try f.show("real-emoji-1")
        let screen = f.screen
        let clusters = Array(Sanitiser.clean(answer)).filter { joined(String($0)) }
        #expect(!clusters.isEmpty)
        for cluster in clusters { #expect(screen.contains(cluster), "\(cluster) whole on screen") }
        #expect(!screen.contains("<U+200D>") && !screen.contains("\u{FFFD}"))
    }
}
