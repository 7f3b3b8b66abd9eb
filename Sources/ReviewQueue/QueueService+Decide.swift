import Foundation
import ProvenanceLog
import WinnowCore
import Workspace

/// Whether a decision needs the row's claim: the live lease `next` gives a reviewer.
public enum ClaimRule: Sendable, Equatable {
    /// The review desk, which decides only rows it claimed and keeps renewing.
    case unchecked
    /// `winnow decide`: the reviewer must hold the row, so a row nobody was served, or one on
    /// another reviewer's screen, does not get a first opinion by accident.
    case mustHold
    /// `winnow decide --force`: recorded without a claim, and the entry says so (`forced`).
    case forced
}

/// One decision as a script, the review screen or a batch file asks for it.
public struct DecisionRequest: Sendable {
    public var id: String
    public var verdict: Verdict
    public var reason: String?
    public var note: String?
    /// Edits: the whole new row.
    public var newRow: JSONValue?
    public var spentMs: Int?
    /// An adjudicator's verdict on a row two reviewers disagreed on.
    public var adjudication = false

    public init(id: String, verdict: Verdict, reason: String? = nil, note: String? = nil, newRow: JSONValue? = nil,
                spentMs: Int? = nil, adjudication: Bool = false) {
        self.id = id
        self.verdict = verdict
        self.reason = reason
        self.note = note
        self.newRow = newRow
        self.spentMs = spentMs
        self.adjudication = adjudication
    }
}

extension QueueService {
    /// Records decisions (one locked batch, one fsync), after checking every one of them:
    /// the row exists, the reviewer may review its slice, reasons are configured codes, an edit
    /// is a row winnow can read. Nothing is written unless all pass.
    @discardableResult
    public func decide(_ requests: [DecisionRequest], extra: JSONValue = .object([]), claims: ClaimRule = .unchecked) throws -> [LogEntry] {
        var payloads: [DecisionPayload] = []
        var checked: [IndexedRow] = []
        for request in requests {
            let row = try row(request.id)
            checked.append(row)
            try checkAllowed(row)
            // On a store, whose screen a row is on is the server's to say: this box's notes of
            // other boxes' claims may be stale. The claim taken below (and `winnow_append`, for
            // a forced decision) refuses a row another role holds; a row this reviewer was not
            // served is asked about only to say whose it is.
            if session.store == nil { try checkNotHeldByAnother(row) }
            if claims == .mustHold && !request.adjudication {
                do { try checkHeldByThisReviewer(row) } catch QueueError.notClaimed(let id) {
                    if let name = try session.otherHolderOnStore(id) { throw QueueError.heldByAnother(row: id, reviewer: name) }
                    throw QueueError.notClaimed(row: id)
                }
            }
            try checkReason(request, shape: row.shape)
            var fields = extra.objectValue ?? []
            if request.adjudication { fields.append(("adjudication", .bool(true))) }
            if claims == .forced { fields.append(("forced", .bool(true))) }
            var newRow: JSONValue?
            if request.verdict == .edit {
                guard let edited = request.newRow else { throw QueueError.editUnreadable(path: request.id, reason: "no new row given") }
                try Self.checkEdit(edited, shape: row.shape, id: row.id)
                newRow = edited
            }
            // The new row goes in through the initialiser, which also computes its hash.
            let payload = DecisionPayload(
                row: row.id, action: request.verdict, rowHash: row.contentHash,
                source: row.source, reason: request.reason, note: request.note, slice: row.provenance.slices.first,
                spentMs: request.spentMs, newRow: newRow, extra: .object(fields))
            payloads.append(payload)
        }
        // Last, once every local check passed: nothing is claimed in the store for a request refused here.
        try confirmDecisionsOnStore(checked, claims: claims)
        // The rows' claims are given back in the decisions' apply (on a store the decisions'
        // entries gave the server's claims back, see ReplicatedLog).
        let entries = try session.record(payloads, releasing: (requests.map(\.id), reviewer.uid))
        // A gate run that moved a row to another slice may have been logged between the checks
        // above and these entries: the log then does not count the decision, and the reviewer
        // must hear it.
        if let uncounted = try session.index.uncountedDecisions(among: entries.map(\.seq)).first {
            throw QueueError.notCounted(row: uncounted.row, seq: uncounted.seq, named: uncounted.namedSlice, slice: uncounted.slice)
        }
        return entries
    }

    public func decide(_ request: DecisionRequest, claims: ClaimRule = .unchecked) throws -> LogEntry {
        try decide([request], claims: claims)[0]
    }

    /// An edited row must still be a row of its shape, with content where content belongs:
    /// the mixer will use it in place of the original.
    static func checkEdit(_ newRow: JSONValue, shape: RowShape, id: String) throws {
        let bytes = newRow.canonicalBytes
        var tape = JSONTape()
        var problem: String?
        bytes.withUnsafeBufferPointer { buffer in
            do throws(JSONSyntaxError) { try tape.parse(buffer) } catch {
                problem = error.reason
                return
            }
            if case .failure(let failure) = RowRecognizer(format: shape).recognize(tape, source: buffer) {
                problem = failure.reason
            }
        }
        if let problem {
            throw QueueError.editUnreadable(path: id, reason: "the edit is not a readable \(shape.rawValue) row: \(problem)")
        }
    }

    func checkReason(_ request: DecisionRequest, shape: RowShape) throws {
        let known = session.config.reasons.map(\.code)
        if let reason = request.reason, reason == WorkspaceConfig.bothBadReason {
            // Always known, but only as a reject of a pair (see RowIndex+BothBad.swift).
            guard request.verdict == .reject, shape.isPreferencePair else {
                throw QueueError.bothBadNotPair(id: request.id, verdict: request.verdict, shape: shape.rawValue)
            }
        } else if let reason = request.reason {
            guard known.contains(reason) else { throw QueueError.unknownReason(reason, known: known) }
        } else if request.verdict == .reject {
            throw QueueError.missingReason(.reject)
        }
    }

    /// Reads a verdict file from an outside labeling round: JSON Lines of
    /// `{"id", "verdict", "reason", "note"}`. Every bad line is reported with its number and
    /// nothing is recorded unless the whole file is good.
    public static func readVerdicts(_ path: String) throws -> (requests: [DecisionRequest], sha: String) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw QueueError.verdictFile(location: SourceLocation(file: path), reason: "could not read it")
        }
        var requests: [DecisionRequest] = []
        var problems: [String] = []
        for (i, line) in ByteOrderMark.dropped(from: data).split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            let at = SourceLocation(file: path, line: i + 1)
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) { continue }
            do {
                let value = try JSONValue.parse(Array(line))
                guard let id = value["id"]?.stringValue ?? value["id"]?.intValue.map(String.init) else {
                    problems.append("\(at): missing \"id\""); continue
                }
                guard let name = value["verdict"]?.stringValue, let verdict = Verdict(rawValue: name), verdict != .edit else {
                    problems.append("\(at): \"verdict\" must be accept, reject or flag"); continue
                }
                requests.append(DecisionRequest(id: id, verdict: verdict, reason: value["reason"]?.stringValue,
                                                note: value["note"]?.stringValue))
            } catch {
                problems.append("\(at): not valid JSON (\(JSONValue.describe(error)))")
            }
        }
        if !problems.isEmpty {
            throw QueueError.verdictFile(location: SourceLocation(file: path),
                                         reason: "\(problems.count) bad lines, nothing recorded:\n" + problems.joined(separator: "\n"))
        }
        guard !requests.isEmpty else {
            throw QueueError.verdictFile(location: SourceLocation(file: path), reason: "holds no verdicts; nothing recorded")
        }
        return (requests, ContentHash.hex(Array(data)))
    }
}
