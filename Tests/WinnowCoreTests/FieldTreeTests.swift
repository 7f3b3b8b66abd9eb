import PropertyBased
import Testing
@testable import WinnowCore

/// Resolving all of the recognizer's paths in one walk (`FieldTree`) must find, for every path,
/// the node resolving it on its own (`JSONTape.resolve`) finds: duplicate names (the last wins,
/// and steps below look inside that one only), names written with escapes, array indices, and
/// steps into values of the wrong kind.
@Suite struct FieldTreeTests {
    static let names = ["a", "b", "meta", "0", "1", "é", "seed_id", "seed"]

    /// A member name as a row might write it: plain, or with some characters as \u escapes.
    static func written(_ name: String, _ rng: inout RNG) -> String {
        guard Rand.chance(0.2, &rng) else { return name }
        return name.unicodeScalars.map { Rand.chance(0.5, &rng) ? String(format: "\\u%04x", $0.value) : String($0) }.joined()
    }

    static func object(_ depth: Int, _ rng: inout RNG) -> String {
        let members = (0..<Rand.int(0...6, &rng)).map { _ in
            "\"\(written(Rand.pick(names, &rng), &rng))\": \(value(depth + 1, &rng))"
        }
        return "{" + members.joined(separator: ", ") + "}"
    }

    static func value(_ depth: Int, _ rng: inout RNG) -> String {
        switch Rand.int(0...(depth < 3 ? 5 : 2), &rng) {
        case 0: return "\"text\""
        case 1: return String(Rand.int(0...9, &rng))
        case 2: return "null"
        case 3, 4: return object(depth, &rng)
        default:
            return "[" + (0..<Rand.int(0...3, &rng)).map { _ in value(depth + 1, &rng) }.joined(separator: ", ") + "]"
        }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var row: String
        var paths: [String]
        var testDescription: String { "\(row) with \(paths)" }
    }

    static let cases = Generator<Case, Shrink.None<Case>> { rng in
        let paths = (0..<Rand.int(1...12, &rng)).map { _ in
            (0..<Rand.int(1...3, &rng)).map { _ in Rand.pick(names, &rng) }.joined(separator: ".")
        }
        return Case(row: object(0, &rng), paths: paths)
    }

    @Test("one walk finds what each path finds on its own")
    func agreesWithResolve() async throws {
        await propertyCheck(count: 3000, input: Self.cases) { sample in
            let bytes = Array(sample.row.utf8)
            guard let tape = try? JSONTape.parse(bytes) else { return }
            let paths = sample.paths.compactMap(FieldPath.init)
            let tree = FieldTree(paths)
            bytes.withUnsafeBufferPointer { source in
                withUnsafeTemporaryAllocation(of: Int32.self, capacity: tree.nodes.count) { found in
                    tree.resolve(tape, source: source, into: found)
                    for (i, path) in paths.enumerated() {
                        let node = found[Int(tree.pathEnds[i])]
                        let expected = tape.resolve(path, source: source)
                        #expect((node >= 0 ? Int(node) : nil) == expected, "\(path) in \(sample.row)")
                    }
                }
            }
        }
    }

    @Test("the default paths share one 'meta' node")
    func sharesPrefixes() {
        let recognizer = RowRecognizer()
        let tree = recognizer.compiled.tree
        let metas = tree.nodes.indices.filter { tree.nodes[$0].childCount > 0 && $0 != 0 }
        #expect(metas.count == 1)
    }
}
