import WinnowCore

/// `decision`: a reviewer accepted, edited, rejected or flagged a row.
///
/// An edit carries the whole new row and its content hash, not a diff: the log alone must be
/// enough to rebuild what the mixer uses, and a hash lets anyone check the row was not altered
/// afterwards. Time spent is recorded because review budgets are planned from it.
public struct DecisionPayload: LogPayload, Equatable {
    public static let kind = LogKind.decision

    /// The verdict: the one type the queue, the index and the mixer use (see `Verdict`).
    public typealias Action = Verdict

    /// The row's id.
    public var row: String
    public var action: Action
    /// The content hash of the row as the reviewer saw it.
    public var rowHash: String?
    /// The source file the row came from.
    public var source: String?
    /// Reason code (rejections and flags), from the workspace's configured reasons.
    public var reason: String?
    public var note: String?
    public var slice: String?
    /// Milliseconds from showing the row to the decision.
    public var spentMs: Int?
    /// Edits only: the full new row, and `ContentHash.of(newRow)`.
    public var newRow: JSONValue?
    public var newHash: String?
    public var extra: JSONValue

    public init(
        row: String, action: Action, rowHash: String? = nil, source: String? = nil, reason: String? = nil,
        note: String? = nil, slice: String? = nil, spentMs: Int? = nil, newRow: JSONValue? = nil,
        extra: JSONValue = .object([])
    ) {
        self.row = row
        self.action = action
        self.rowHash = rowHash
        self.source = source
        self.reason = reason
        self.note = note
        self.slice = slice
        self.spentMs = spentMs
        self.newRow = newRow
        self.newHash = newRow.map(ContentHash.of)
        self.extra = extra
    }

    public init(entry: LogEntry) throws(LogError) {
        var reader = try PayloadReader(entry, kind: Self.kind)
        row = try reader.string("row")
        action = try reader.choice("action", Action.self)
        rowHash = try reader.optionalHash("row_hash")
        source = try reader.optionalString("source")
        reason = try reader.optionalString("reason")
        note = try reader.optionalString("note")
        slice = try reader.optionalString("slice")
        spentMs = try reader.optionalInt("spent_ms")
        newRow = reader.value("new_row")
        newHash = try reader.optionalHash("new_hash")
        extra = reader.extra()
        if action == .edit {
            guard let newRow else { throw reader.fail("new_row", "is missing (an edit carries the new row)") }
            guard let newHash else { throw reader.fail("new_hash", "is missing (an edit carries the new row's hash)") }
            guard ContentHash.of(newRow) == newHash else {
                throw reader.fail("new_hash", "does not match the hash of new_row (the row was altered)")
            }
        }
    }

    public func toFields() -> [(String, JSONValue)] {
        var out = FieldWriter()
        out.add("row", row)
        out.add("action", action.rawValue)
        out.add("row_hash", rowHash)
        out.add("source", source)
        out.add("reason", reason)
        out.add("note", note)
        out.add("slice", slice)
        out.add("spent_ms", spentMs)
        out.add("new_row", newRow)
        out.add("new_hash", newHash)
        return out.finished(extra: extra)
    }

    public func validate() throws(LogError) {
        let kind = Self.kind.rawValue
        if action == .edit {
            guard let newRow, newRow.objectValue != nil else {
                throw .invalidPayload(kind: kind, reason: "an edit must carry the new row (an object)")
            }
            guard newHash == ContentHash.of(newRow) else {
                throw .invalidPayload(kind: kind, reason: "new_hash is not the hash of new_row")
            }
        } else if newRow != nil || newHash != nil {
            throw .invalidPayload(kind: kind, reason: "only an edit carries a new row")
        }
        if let rowHash, !ContentHash.isValidHex(rowHash) {
            throw .invalidPayload(kind: kind, reason: "row_hash is not a SHA-256 in lowercase hex")
        }
    }
}

/// `revert`: undo of one earlier entry. Nothing is ever rewritten; replay applies the revert.
public struct RevertPayload: LogPayload, Equatable {
    public static let kind = LogKind.revert

    /// seq of the entry being undone.
    public var reverts: Int
    public var note: String?
    public var extra: JSONValue

    public init(reverts: Int, note: String? = nil, extra: JSONValue = .object([])) {
        self.reverts = reverts
        self.note = note
        self.extra = extra
    }

    public init(entry: LogEntry) throws(LogError) {
        var reader = try PayloadReader(entry, kind: Self.kind)
        reverts = try reader.int("reverts")
        note = try reader.optionalString("note")
        extra = reader.extra()
        guard reverts >= 1 && reverts < entry.seq else {
            throw reader.fail("reverts", "is \(reverts), not the seq of an earlier entry")
        }
    }

    public func toFields() -> [(String, JSONValue)] {
        var out = FieldWriter()
        out.add("reverts", reverts)
        out.add("note", note)
        return out.finished(extra: extra)
    }

    public func validate() throws(LogError) {
        guard reverts >= 1 else {
            throw .invalidPayload(kind: Self.kind.rawValue, reason: "reverts must be the seq of an earlier entry")
        }
    }
}

/// `retract`: targeted rollback ("drop everything generator X wrote", "undo reviewer Y's week").
/// The criteria combine with AND; rows matching all of them lose their accepted state on replay.
public struct RetractPayload: LogPayload, Equatable {
    public static let kind = LogKind.retract

    public var generator: String?
    public var template: String?
    /// Seeds are strings or numbers in the wild; kept as written.
    public var seed: JSONValue?
    /// A reviewer's user name: retracts that reviewer's decisions.
    public var reviewer: String?
    /// Time range (RFC 3339 UTC, inclusive from, exclusive until) of the entries or rows affected.
    public var from: String?
    public var until: String?
    public var reason: String?
    public var note: String?
    public var extra: JSONValue

    public init(
        generator: String? = nil, template: String? = nil, seed: JSONValue? = nil, reviewer: String? = nil,
        from: String? = nil, until: String? = nil, reason: String? = nil, note: String? = nil,
        extra: JSONValue = .object([])
    ) {
        self.generator = generator
        self.template = template
        self.seed = seed
        self.reviewer = reviewer
        self.from = from
        self.until = until
        self.reason = reason
        self.note = note
        self.extra = extra
    }

    /// True when at least one criterion is set (a retraction of everything is not allowed).
    public var hasCriteria: Bool {
        generator != nil || template != nil || seed != nil || reviewer != nil || from != nil || until != nil
    }

    public init(entry: LogEntry) throws(LogError) {
        var reader = try PayloadReader(entry, kind: Self.kind)
        generator = try reader.optionalString("generator")
        template = try reader.optionalString("template")
        seed = reader.value("seed")
        reviewer = try reader.optionalString("reviewer")
        from = try reader.optionalString("from")
        until = try reader.optionalString("until")
        reason = try reader.optionalString("reason")
        note = try reader.optionalString("note")
        extra = reader.extra()
        guard hasCriteria else {
            throw reader.fail("generator", "is missing, and so is every other criterion (template, seed, reviewer, from, until)")
        }
    }

    public func toFields() -> [(String, JSONValue)] {
        var out = FieldWriter()
        out.add("generator", generator)
        out.add("template", template)
        out.add("seed", seed)
        out.add("reviewer", reviewer)
        out.add("from", from)
        out.add("until", until)
        out.add("reason", reason)
        out.add("note", note)
        return out.finished(extra: extra)
    }

    public func validate() throws(LogError) {
        let kind = Self.kind.rawValue
        guard hasCriteria else { throw .invalidPayload(kind: kind, reason: "a retraction needs at least one criterion") }
        for time in [from, until].compactMap({ $0 }) where !LogTimestamp.isValid(time) {
            throw .invalidPayload(kind: kind, reason: "\(time) is not an RFC 3339 UTC time")
        }
    }
}
