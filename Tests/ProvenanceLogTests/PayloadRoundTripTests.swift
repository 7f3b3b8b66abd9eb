import Foundation
@testable import ProvenanceLog
import TestSupport
import Testing
import WinnowCore

/// Each kind's payload survives writing and reading back, keeps fields it does not know, and
/// names the field when one is missing or of the wrong type.
@Suite struct PayloadRoundTripTests {
    /// Seals a payload as entry `seq` and reads the entry back from its line.
    func roundTrip<P: LogPayload & Equatable>(_ payload: P, seq: Int = 5) throws -> (P, LogEntry) {
        let (entry, line) = try LogEntry.seal(
            seq: seq, prev: ContentHash.hex(Array("prev".utf8)), ts: LogTimestamp.now(),
            actor: LogActor.current.acting(asGate: payload.gateName), tool: "winnow test",
            kind: P.kind.rawValue, fields: payload.toFields())
        let parsed = try LogEntry(parsing: Array(line.dropLast()), location: SourceLocation(file: "log", line: seq))
        #expect(parsed == entry)
        #expect(parsed.line == line)
        return (try parsed.payload(P.self), parsed)
    }

    @Test func everyKindRoundTrips() throws {
        let payloads: [any LogPayload] = (0..<9).map(LogFixture.payload)
        #expect(Set(payloads.map { type(of: $0).kind }) == Set(LogKind.allCases))
        func check<P: LogPayload & Equatable>(_ payload: P) throws {
            let (back, entry) = try roundTrip(payload, seq: 9)
            // JSONValue compares member order; JSON objects (and the canonical form) do not.
            #expect(JSONValue.object(back.toFields()).canonicalString == JSONValue.object(payload.toFields()).canonicalString)
            #expect(try P(entry: entry).toFields().map(\.0).sorted() == payload.toFields().map(\.0).sorted())
            #expect(entry.knownKind == P.kind)
        }
        for payload in payloads {
            switch payload {
            case let p as ImportPayload: try check(p)
            case let p as GatePayload: try check(p)
            case let p as DecisionPayload: try check(p)
            case let p as RevertPayload: try check(p)
            case let p as RetractPayload: try check(p)
            case let p as MixPayload: try check(p)
            case let p as RereadPayload: try check(p)
            case let p as GateRunPayload: try check(p)
            default: Issue.record("unexpected payload \(payload)")
            }
        }
    }

    @Test func gateRunPinsItsVerdictFileAndVerdictLinesRoundTrip() throws {
        let sha = ContentHash.hex(Array("file".utf8))
        let (back, entry) = try roundTrip(GateRunPayload(verdicts: sha, count: 3, config: "c1", scope: .new, rows: 10, through: "r9"))
        #expect(back.verdicts == sha && back.count == 3 && back.scope == .new && back.through == "r9")
        #expect(entry.actor.gate == nil, "a run is the person's command, not one gate")
        #expect(throws: LogError.self) {
            try GateRunPayload(verdicts: "not-a-hash", count: 1, config: "c", scope: .all, rows: 1, through: nil).validate()
        }

        let verdict = GatePayload(gate: "pii", action: .reject, row: "r1", reason: "card", detail: .object([("start", .int(3))]), config: "c1")
        let line = verdict.verdictLine
        #expect(line == (try JSONValue.parse(line)).canonicalBytes, "lines are canonical")
        #expect(try GatePayload(verdictLine: line, config: "c1", seq: 4, file: "gates/x.jsonl", line: 1) == verdict)
        // A line missing its row names the file, the line and the field.
        let bad = Array(#"{"action":"flag","gate":"pii","reason":"card"}"#.utf8)
        do {
            _ = try GatePayload(verdictLine: bad, config: "c1", seq: 4, file: "gates/x.jsonl", line: 7)
            Issue.record("a verdict without a row was read")
        } catch {
            #expect(error.message.contains("gates/x.jsonl:7") && error.message.contains("\"row\" is missing"), "\(error.message)")
        }
        // Not canonical (member order): refused, so a file's bytes have one reading.
        let shuffled = Array(#"{"row":"r1","action":"flag","gate":"pii","reason":"card"}"#.utf8)
        #expect(throws: LogError.self) { try GatePayload(verdictLine: shuffled, config: "c1", seq: 4, file: "f", line: 1) }
    }

    @Test func gateNameIsTheActor() throws {
        let (_, entry) = try roundTrip(GatePayload(gate: "blocklist", action: .reject, row: "r1", reason: "slur"))
        #expect(entry.actor.gate == "blocklist")
        #expect(entry.actor.uid == Int(getuid()))
        #expect(entry["gate"] == nil)
    }

    @Test func unknownFieldsSurvive() throws {
        let extra = JSONValue.object([("reviewed_with", .string("v2 screen")), ("scores", .array([.int(1), .double(0.5)]))])
        var payload = DecisionPayload(row: "r1", action: .accept, slice: "legal")
        payload.extra = extra
        let (back, entry) = try roundTrip(payload)
        #expect(back.extra.canonicalString == extra.canonicalString)
        #expect(entry["reviewed_with"] == .string("v2 screen"))
        // Written out again, the entry's fields are the same.
        #expect(JSONValue.object(back.toFields()).canonicalString == JSONValue.object(entry.fields).canonicalString)
    }

    @Test func editCarriesTheNewRowAndItsHash() throws {
        let row = JSONValue.object([("prompt", .string("2+2?")), ("response", .string("4"))])
        let payload = DecisionPayload(row: "r1", action: .edit, newRow: row)
        #expect(payload.newHash == ContentHash.of(row))
        let (back, _) = try roundTrip(payload)
        #expect(back.newRow?.canonicalString == row.canonicalString)
        #expect(back.newHash == payload.newHash)
        // An edit whose new row was altered afterwards does not read.
        let (entry, _) = try LogEntry.seal(
            seq: 1, prev: LogEntry.genesisHash, ts: LogTimestamp.now(), actor: .current, tool: "t", kind: "decision",
            fields: payload.toFields().map { $0.0 == "new_row" ? ($0.0, .object([("prompt", .string("changed"))])) : $0 })
        #expect(throws: LogError.self) { try entry.payload(DecisionPayload.self) }
    }

    @Test func missingAndMistypedFieldsAreNamed() throws {
        let (entry, _) = try LogEntry.seal(
            seq: 3, prev: LogEntry.genesisHash, ts: LogTimestamp.now(), actor: .current, tool: "t", kind: "import",
            fields: [("source", .string(ContentHash.hex([1]))), ("file", .string("a.jsonl")), ("bytes", .string("12"))])
        var located = entry
        located.location = SourceLocation(file: "log/provenance.jsonl", line: 3)
        do {
            _ = try located.payload(ImportPayload.self)
            Issue.record("expected an error")
        } catch {
            #expect(error.message == "log/provenance.jsonl:3: import entry (seq 3): field \"bytes\" is not an integer (found a string)")
        }
        let (missing, _) = try LogEntry.seal(
            seq: 3, prev: LogEntry.genesisHash, ts: LogTimestamp.now(), actor: .current, tool: "t", kind: "revert",
            fields: [("note", .string("x"))])
        #expect(throws: LogError.badPayload(location: nil, seq: 3, kind: "revert", field: "reverts", problem: "is missing")) {
            try missing.payload(RevertPayload.self)
        }
        #expect(throws: LogError.self) { try missing.payload(DecisionPayload.self) }  // wrong kind
        let (badChoice, _) = try LogEntry.seal(
            seq: 3, prev: LogEntry.genesisHash, ts: LogTimestamp.now(), actor: .current, tool: "t", kind: "decision",
            fields: [("row", .string("r")), ("action", .string("approve"))])
        do {
            _ = try badChoice.payload(DecisionPayload.self)
            Issue.record("expected an error")
        } catch {
            #expect(error.message.contains("field \"action\" is \"approve\", expected one of \"accept\", \"edit\", \"reject\", \"flag\""))
        }
    }

    /// `gates` (issue 11, item 8) is written only when set: an import entry from before it keeps
    /// its fields, so its bytes and hash; a wrong type is named like any field.
    @Test func importGatesFieldIsOptionalAndTyped() throws {
        let old = ImportPayload(source: ContentHash.hex([1]), file: "a.jsonl", bytes: 3, rows: 1, quarantined: 0)
        #expect(!old.toFields().contains { $0.0 == "gates" })
        let (back, _) = try roundTrip(old)
        #expect(back.gates == nil && back.extra == .object([]))
        for flag in [true, false] {
            var marked = old
            marked.gates = flag
            #expect(try roundTrip(marked).0.gates == flag)
        }
        let (wrong, _) = try LogEntry.seal(
            seq: 3, prev: LogEntry.genesisHash, ts: LogTimestamp.now(), actor: .current, tool: "t", kind: "import",
            fields: old.toFields() + [("gates", .string("yes"))])
        #expect(throws: LogError.badPayload(location: nil, seq: 3, kind: "import", field: "gates", problem: "is not true or false (found a string)")) {
            try wrong.payload(ImportPayload.self)
        }
    }

    @Test func invalidPayloadsAreRefusedBeforeWriting() throws {
        let dir = try TemporaryDirectory()
        let log = try LogFile.open(at: dir.file("provenance.jsonl"))
        #expect(throws: LogError.self) { try log.append(RetractPayload(note: "everything")) }
        #expect(throws: LogError.self) {
            var edit = DecisionPayload(row: "r", action: .edit, newRow: .object([]))
            edit.newHash = LogEntry.genesisHash
            try log.append(edit)
        }
        #expect(throws: LogError.self) {
            try log.append(DecisionPayload(row: "r", action: .accept, extra: .object([("seq", .int(99))])))
        }
        #expect(throws: LogError.self) { try log.append(ImportPayload(source: "abc", file: "f", bytes: 0, rows: 0, quarantined: 0)) }
        #expect(try log.head() == .empty)
        #expect(FileManager.default.bytes(at: dir.file("provenance.jsonl")).isEmpty)
    }

    @Test func timestampsAreRFC3339UTC() {
        let now = LogTimestamp.now()
        #expect(LogTimestamp.isValid(now))
        #expect(now.count == 24 && now.hasSuffix("Z"))
        #expect(LogTimestamp.format(seconds: 0, milliseconds: 7) == "1970-01-01T00:00:00.007Z")
        #expect(LogTimestamp.format(seconds: 1_748_770_200, milliseconds: 125) == "2025-06-01T09:30:00.125Z")
        for bad in ["2025-06-01 09:30:00Z", "2025-06-01T09:30:00", "2025-06-01T09:30:00.Z", "2025-06-01T09:30:00+02:00"] {
            #expect(!LogTimestamp.isValid(bad), "\(bad)")
        }
        #expect(LogTimestamp.isValid("2025-06-01T09:30:00Z"))
    }
}
