import Foundation
@testable import ProvenanceLog
import TestSupport
import WinnowCore

/// Logs built for tests: every kind of entry, text with escapes, control characters and
/// non-ASCII, written straight to disk with a correct chain (no fsync per entry).
enum LogFixture {
    static let tricky = "line\nbreak \"quoted\" back\\slash tab\t ünïcödé 🙂 e\u{301} \u{7} \u{2028} /"

    /// The `number`th entry of the fixture's cycle through all kinds.
    static func payload(_ number: Int) -> any LogPayload {
        let row = "row-\(number)"
        switch number % 9 {
        case 0:
            return ImportPayload(
                source: ContentHash.hex(Array("source \(number)".utf8)), file: "data/batch \(number).jsonl",
                bytes: 1000 + number, rows: 10 + number, quarantined: number % 3,
                options: .object([("format", .string("chat")), ("origin", .string("synthetic"))]),
                summary: .object([("slices", .object([("safety", .int(3))])), ("ratio", .double(0.25))]))
        case 1:
            return GatePayload(
                gate: "near-duplicate", action: .flag, row: row, reason: "near-duplicate",
                detail: .object([("of", .string("row-1")), ("similarity", .double(0.91))]))
        case 2:
            return DecisionPayload(
                row: row, action: .edit, rowHash: ContentHash.hex(Array(row.utf8)), note: tricky, slice: "medical",
                spentMs: 4200,
                newRow: .object([("messages", .array([.object([("role", .string("user")), ("content", .string(tricky))])]))]))
        case 3:
            return DecisionPayload(row: row, action: .reject, reason: "unsafe", slice: "safety", spentMs: 900 + number)
        case 4:
            return RevertPayload(reverts: max(1, number - 1), note: "misclick")
        case 5:
            return RetractPayload(generator: "gen-x \(number)", from: "2025-01-01T00:00:00.000Z", reason: "bad batch")
        case 6:
            return GateRunPayload(
                verdicts: ContentHash.hex(Array("verdicts \(number)".utf8)), count: number, config: "cfg-\(number)",
                scope: number % 2 == 0 ? .all : .new, rows: 100 + number, through: row)
        case 7:
            return RereadPayload(ImportPayload(
                source: ContentHash.hex(Array("source \(number - 7)".utf8)), file: "data/batch \(number - 7).jsonl",
                bytes: 1000 + number, rows: 12 + number, quarantined: 0,
                options: .object([("format", .string("alpaca"))]), summary: .object([("reread", .bool(true))])))
        default:
            return MixPayload(
                name: "mix-\(number)", spec: ContentHash.hex(Array("spec".utf8)), output: ContentHash.hex(Array("out".utf8)),
                headSeq: number, headHash: LogEntry.genesisHash, rows: 1234)
        }
    }

    /// A payload every reader accepts at any position (a revert must name an earlier entry).
    static let filler = RetractPayload(generator: "gen-filler", reason: "test filler")

    /// Writes a log of `count` entries to `path` and returns its lines (without newlines).
    @discardableResult
    static func write(count: Int, to path: String, payload: (Int) -> any LogPayload = payload) throws -> [[UInt8]] {
        var head = LogHead.empty
        var lines: [[UInt8]] = []
        var bytes: [UInt8] = []
        for number in 0..<count {
            let item = payload(number)
            let (entry, line) = try LogEntry.seal(
                seq: head.seq + 1, prev: head.hash, ts: "2025-06-01T09:30:00.125Z",
                actor: LogActor(uid: 1000, user: "alice", host: "box", gate: item.gateName),
                tool: "winnow test", kind: type(of: item).kind.rawValue, fields: item.toFields())
            head = LogHead(seq: entry.seq, hash: entry.hash)
            lines.append(Array(line.dropLast()))
            bytes += line
        }
        try writeBytes(bytes, to: path)
        return lines
    }

    /// A file's lines, without their newlines (a final unterminated piece included).
    static func lines(of path: String) -> [[UInt8]] {
        var bytes = FileManager.default.bytes(at: path)
        if bytes.last == 0x0A { bytes.removeLast() }
        if bytes.isEmpty { return [] }
        return bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
    }

    /// Lines joined back into file bytes, each with its newline.
    static func join(_ lines: [[UInt8]]) -> [UInt8] {
        lines.flatMap { $0 + [0x0A] }
    }

    /// The path of the winnow-bench executable built with the tests.
    static var bench: String { BuiltProduct.executable(named: "winnow-bench") }
}

extension LogVerification {
    /// The failing line, or nil when the log verified.
    var failedLine: Int? { failure?.line }
}
