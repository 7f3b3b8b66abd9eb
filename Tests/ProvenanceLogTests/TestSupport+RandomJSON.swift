import Foundation
import PropertyBased
@testable import ProvenanceLog
import WinnowCore

/// Random JSON for the property tests, and random ways of writing the same value (member order,
/// whitespace, escapes, number spellings) that must all hash alike.
enum RandomJSON {
    /// Characters that stress canonical escaping: controls, quote, backslash, slash, DEL,
    /// non-ASCII in every UTF-8 length, a combining mark, line separators, noncharacters.
    static let scalars: [Unicode.Scalar] = Array("aZ09 _-.:/\"\\\u{7F}\u{0}\u{1}\u{8}\u{9}\u{A}\u{C}\u{D}\u{1F}éü\u{301}\u{2028}\u{2029}中\u{FFFF}\u{FEFF}🙂\u{10FFFF}".unicodeScalars)

    static func string<R: RandomNumberGenerator>(_ rng: inout R, maxLength: Int = 12) -> String {
        var text = String.UnicodeScalarView()
        for _ in 0..<Int.random(in: 0...maxLength, using: &rng) {
            text.append(scalars.randomElement(using: &rng)!)
        }
        return String(text)
    }

    static func number<R: RandomNumberGenerator>(_ rng: inout R) -> JSONValue {
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: return .int(Int.random(in: -1000...1000, using: &rng))
        case 1: return .int(Int.random(in: Int.min...Int.max, using: &rng))
        case 2: return .double(Double.random(in: -1e6...1e6, using: &rng))
        default:
            let exponent = Int.random(in: -300...300, using: &rng)
            return .double(Double.random(in: 1..<10, using: &rng) * pow(10, Double(exponent)))
        }
    }

    static func value<R: RandomNumberGenerator>(_ rng: inout R, depth: Int = 0) -> JSONValue {
        let choice = Int.random(in: 0..<(depth < 3 ? 8 : 5), using: &rng)
        switch choice {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &rng))
        case 2: return number(&rng)
        case 3, 4: return .string(string(&rng))
        case 5: return .array((0..<Int.random(in: 0...4, using: &rng)).map { _ in value(&rng, depth: depth + 1) })
        default: return object(&rng, depth: depth + 1)
        }
    }

    /// An object with distinct keys (as UTF-8: the canonical form compares bytes).
    static func object<R: RandomNumberGenerator>(_ rng: inout R, depth: Int = 0, maxMembers: Int = 5) -> JSONValue {
        var members: [(String, JSONValue)] = []
        var seen = Set<[UInt8]>()
        for _ in 0..<Int.random(in: 0...maxMembers, using: &rng) {
            let key = string(&rng, maxLength: 5)
            guard seen.insert(Array(key.utf8)).inserted else { continue }
            members.append((key, value(&rng, depth: depth)))
        }
        return .object(members)
    }

    /// `value` with every object's members sorted as the canonical form sorts them.
    static func sorted(_ value: JSONValue) -> JSONValue {
        switch value {
        case .array(let items): return .array(items.map(sorted))
        case .object(let members):
            return .object(members.map { ($0.0, sorted($0.1)) }.sorted { Array($0.0.utf8).lexicographicallyPrecedes(Array($1.0.utf8)) })
        default: return value
        }
    }

    /// One of the many texts that mean `value`: shuffled members, random whitespace, optional
    /// escapes (\u, surrogate pairs, \/), numbers spelt differently.
    static func noisy<R: RandomNumberGenerator>(_ value: JSONValue, _ rng: inout R) -> String {
        func space() -> String {
            String((0..<Int.random(in: 0...2, using: &rng)).map { _ in [" ", "\n", "\t", "\r"].randomElement(using: &rng)! })
        }
        func quoted(_ text: String) -> String {
            var out = "\""
            for scalar in text.unicodeScalars {
                let escape = Bool.random(using: &rng)
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "/": out += escape ? "\\/" : "/"
                case "\n": out += escape ? "\\n" : "\\u000a"
                default:
                    if scalar.value < 0x20 || escape {
                        for unit in String(scalar).utf16 { out += String(format: "\\u%04X", unit) }
                    } else {
                        out.unicodeScalars.append(scalar)
                    }
                }
            }
            return out + "\""
        }
        switch value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n):
            if n.text == "0" && Bool.random(using: &rng) { return "-0" }
            if n.text.contains(".") && !n.text.contains("e") && Bool.random(using: &rng) { return n.text + "0e0" }
            if n.text.contains("e") && Bool.random(using: &rng) { return n.text.replacingOccurrences(of: "e", with: "E") }
            return n.text
        case .string(let s): return quoted(s)
        case .array(let items):
            return "[" + space() + items.map { noisy($0, &rng) + space() }.joined(separator: "," + space()) + "]"
        case .object(let members):
            return "{" + space() + members.shuffled(using: &rng).map { key, item in
                quoted(key) + space() + ":" + space() + noisy(item, &rng)
            }.joined(separator: space() + "," + space()) + space() + "}"
        }
    }

    /// A payload of a random kind with random text in its fields.
    /// A random payload that every reader accepts as entry `seq` (a revert names an earlier one).
    static func payload<R: RandomNumberGenerator>(_ rng: inout R, seq: Int) -> any LogPayload {
        let text = string(&rng)
        let extra = Bool.random(using: &rng) ? JSONValue.object([("x_" + string(&rng, maxLength: 3), value(&rng))]) : .object([])
        switch Int.random(in: 0..<6, using: &rng) {
        case 0:
            return ImportPayload(
                source: ContentHash.hex(Array(text.utf8)), file: text, bytes: .random(in: 0...1 << 40, using: &rng),
                rows: .random(in: 0...1_000_000, using: &rng), quarantined: .random(in: 0...10, using: &rng),
                options: object(&rng), summary: object(&rng), extra: extra)
        case 1:
            return GatePayload(
                gate: "g" + text, action: Bool.random(using: &rng) ? .flag : .reject, row: text, reason: text,
                detail: Bool.random(using: &rng) ? value(&rng) : nil, extra: extra)
        case 2:
            let action = DecisionPayload.Action.allCases.randomElement(using: &rng)!
            return DecisionPayload(
                row: text, action: action, reason: Bool.random(using: &rng) ? text : nil, note: string(&rng, maxLength: 40),
                slice: "safety", spentMs: .random(in: 0...100_000, using: &rng),
                newRow: action == .edit ? object(&rng) : nil, extra: extra)
        case 3 where seq > 1:
            return RevertPayload(reverts: .random(in: 1..<seq, using: &rng), note: text, extra: extra)
        case 3, 4:
            return RetractPayload(generator: text, seed: Bool.random(using: &rng) ? number(&rng) : nil, extra: extra)
        default:
            return MixPayload(
                name: text, spec: ContentHash.hex([1]), output: ContentHash.hex([2]),
                headSeq: .random(in: 0...1000, using: &rng), headHash: LogEntry.genesisHash, extra: extra)
        }
    }
}

/// PropertyBased generators over the helpers above (no shrinking: the values are trees).
enum JSONGenerators {
    static let value = Generator<JSONValue, Shrink.None<JSONValue>> { rng in RandomJSON.value(&rng) }
    static let object = Generator<JSONValue, Shrink.None<JSONValue>> { rng in RandomJSON.object(&rng) }
    static let seed = Gen.uint64(in: 0...UInt64.max)
}
