import Foundation
import TestSupport
import Testing
@testable import WinnowCore

/// Public datasets, when a copy sits beside the repository (`../shared/realdata`): every row is
/// recognised as the shape it is. The only rows allowed to fail are those whose required text
/// really is blank (a handful in Alpaca and the self-instruct predictions), and those must fail
/// with "'field' is empty"; the test counts them independently.
@Suite(.enabled(if: RealData.isPresent, "../shared/realdata is not present"))
struct RealDataRecognitionTests {
    struct Tally {
        var rows = 0, recognised = 0, blank = 0
        var unexpected: [String] = []
    }

    /// Recognises each row; checks the shape, or that a problem is exactly a blank required field.
    static func tally(_ rows: [[UInt8]], as shape: RowShape, required: [String]) -> Tally {
        var tally = Tally()
        for (i, bytes) in rows.enumerated() {
            tally.rows += 1
            let value: JSONValue
            do { value = try JSONValue.parse(bytes) } catch {
                tally.unexpected.append("row \(i + 1): does not parse: \(error)")
                continue
            }
            let blankFields = required.filter { field in
                value[field]?.stringValue?.unicodeScalars.allSatisfy { " \t\n\r".unicodeScalars.contains($0) } ?? false
            }
            switch recognize(bytes) {
            case .success(let row):
                if row.shape != shape { tally.unexpected.append("row \(i + 1): recognised as \(row.shape)") }
                if !blankFields.isEmpty { tally.unexpected.append("row \(i + 1): blank \(blankFields) accepted") }
                tally.recognised += 1
            case .failure(let problem):
                if let field = blankFields.first, problem.reason == "'\(field)' is empty" {
                    tally.blank += 1
                } else {
                    tally.unexpected.append("row \(i + 1): \(problem.reason)")
                }
            }
        }
        return tally
    }

    static func check(_ tally: Tally, rows: Int? = nil, maxBlank: Int, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(tally.unexpected.isEmpty, "\(tally.unexpected.prefix(5).joined(separator: "\n"))", sourceLocation: sourceLocation)
        if let rows { #expect(tally.rows == rows, sourceLocation: sourceLocation) }
        #expect(tally.recognised + tally.blank == tally.rows, sourceLocation: sourceLocation)
        #expect(tally.blank <= maxBlank, "\(tally.blank) blank rows", sourceLocation: sourceLocation)
    }

    @Test func gsm8kIsPromptResponse() throws {
        let rows = try RealData.lines("gsm8k/test.jsonl")
        let tally = Self.tally(rows, as: .promptResponse, required: ["question", "answer"])
        Self.check(tally, rows: 1319, maxBlank: 0)
    }

    @Test func alpacaArrayElementsAreAlpaca() throws {
        let file = Array(try RealData.bytes("alpaca/alpaca_5000.json"))
        let tape = try JSONTape.parse(file)
        try #require(tape.kind(0) == .array)
        let rows = tape.elements(0).map { Array(file[Int(tape.nodes[$0].start)..<Int(tape.nodes[$0].end)]) }
        let tally = Self.tally(rows, as: .alpaca, required: ["instruction", "output"])
        // Two rows of this sample have an empty output ("Convert 20 inches to centimetres").
        Self.check(tally, rows: 5000, maxBlank: 2)
    }

    @Test func selfInstructPredictionsArePromptResponse() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: RealData.path("self-instruct/predictions")).filter { $0.hasSuffix(".jsonl") }.sorted()
        try #require(!files.isEmpty)
        var blank = 0
        for file in files {
            let rows = try RealData.lines("self-instruct/predictions/\(file)")
            let tally = Self.tally(rows, as: .promptResponse, required: ["prompt", "response"])
            Self.check(tally, maxBlank: rows.count / 4)
            blank += tally.blank
        }
        // Some models answered some prompts with nothing; those rows are rightly refused.
        #expect(blank < 100)
    }

    @Test func hhRLHFIsHH() throws {
        let rows = try RealData.lines("hh-rlhf/harmless-base/test.jsonl.gz")
        let tally = Self.tally(rows, as: .hh, required: ["chosen", "rejected"])
        Self.check(tally, rows: 2312, maxBlank: 0)
    }

    @Test func realRowsHaveStableCanonicalForms() throws {
        // Every GSM8K row canonicalises the same way through the tape and JSONValue.
        for bytes in try RealData.lines("gsm8k/test.jsonl") {
            #expect(try tapeCanonical(bytes) == JSONValue.parse(bytes).canonicalBytes)
        }
    }
}
