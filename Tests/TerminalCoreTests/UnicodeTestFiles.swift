import Foundation

/// Unicode's own test files in Resources/ (see its README for where they came from), parsed.
/// A file that is missing or does not parse fails the test that reads it: they are part of the
/// repository, so there is nothing to skip.
enum UnicodeTestFiles {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Resources")

    static func lines(of name: String) throws -> [(number: Int, text: Substring)] {
        let path = folder.appendingPathComponent(name).path
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw Failure(description: "cannot read \(path): the Unicode test data belongs in the repository")
        }
        return text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { ($0.offset + 1, $0.element) }
    }

    static func scalars(_ hex: some StringProtocol, file: String, line: Int) throws -> [Unicode.Scalar] {
        try hex.split(separator: " ").map { word in
            guard let value = UInt32(word, radix: 16), let scalar = Unicode.Scalar(value) else {
                throw Failure(description: "\(file):\(line): '\(word)' is not a code point")
            }
            return scalar
        }
    }

    /// One GraphemeBreakTest.txt case: the clusters the text must be cut into.
    struct BreakCase {
        var line: Int
        var clusters: [String]
        var text: String { clusters.joined() }
    }

    /// Every case of GraphemeBreakTest.txt: `÷ 0020 × 0308 ÷ 0020 ÷ # comment`, where ÷ is a
    /// boundary and × none.
    static func graphemeBreakCases() throws -> [BreakCase] {
        let file = "GraphemeBreakTest.txt"
        var cases: [BreakCase] = []
        for (number, raw) in try lines(of: file) {
            let data = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            guard data.contains("÷") else { continue }
            var clusters: [String] = []
            for piece in data.split(separator: "÷") where !piece.allSatisfy(\.isWhitespace) {
                let scalars = try piece.split(separator: "×").flatMap {
                    try Self.scalars($0.trimmingCharacters(in: .whitespaces), file: file, line: number)
                }
                clusters.append(String(String.UnicodeScalarView(scalars)))
            }
            cases.append(BreakCase(line: number, clusters: clusters))
        }
        return cases
    }

    /// One emoji-test.txt entry.
    struct Emoji {
        var line: Int
        var text: String
        var status: String
        var name: String
    }

    /// Every entry of emoji-test.txt: `1F44D 1F3FD ; fully-qualified # 👍🏽 E1.0 thumbs up: ...`.
    static func emoji() throws -> [Emoji] {
        let file = "emoji-test.txt"
        var entries: [Emoji] = []
        for (number, raw) in try lines(of: file) {
            let parts = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
            let fields = parts[0].split(separator: ";")
            guard fields.count == 2 else { continue }
            let scalars = try Self.scalars(fields[0].trimmingCharacters(in: .whitespaces), file: file, line: number)
            let name = parts.count > 1 ? String(parts[1].drop { $0 != "E" }) : ""
            entries.append(Emoji(line: number, text: String(String.UnicodeScalarView(scalars)),
                                 status: fields[1].trimmingCharacters(in: .whitespaces), name: name))
        }
        return entries
    }
}
