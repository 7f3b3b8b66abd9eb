import WinnowCore

extension LogEntry {
    /// One line a person can read: sequence, time, who, what. The text comes from the log and
    /// may hold anything a row or a reviewer's note held: sanitise it before a terminal sees it.
    public var summary: String { "#\(seq) \(ts) \(actor.user)@\(actor.host) \(what())" }

    /// The kind and its main fields, without the envelope; `shortPaths` names an imported
    /// file by its last component (screens are narrow; the log has the whole path).
    public func what(shortPaths: Bool = false) -> String {
        if let p = knownKind == .import ? try? payload(ImportPayload.self)
            : knownKind == .reread ? (try? payload(RereadPayload.self))?.read : nil {
            let file = shortPaths ? String(p.file.split(separator: "/").last ?? Substring(p.file)) : p.file
            return "\(kind) \(file) (\(p.rows) rows, \(p.quarantined) quarantined, source \(p.source.prefix(12)))"
        }
        // What a person scans for first (who/what/which row/why); hashes and details last.
        let fields = (raw.objectValue ?? []).filter { !LogEntry.envelopeNames.contains($0.0) }
        let ordered = fields.sorted { (Self.readingOrder[$0.0] ?? Int.max, $0.0) < (Self.readingOrder[$1.0] ?? Int.max, $1.0) }
        return ([kind] + ordered.prefix(6).map { "\($0.0)=\(LogEntry.short($0.1))" }).joined(separator: " ")
    }

    static let readingOrder: [String: Int] = Dictionary(uniqueKeysWithValues: [
        "gate", "action", "row", "reason", "note", "reverts", "slice", "generator", "template", "seed", "reviewer", "from",
        "until", "name", "rows", "spent_ms", "scope", "count", "verdicts",
    ].enumerated().map { ($1, $0) })

    static func short(_ value: JSONValue) -> String {
        let text = value.stringValue ?? value.canonicalString
        return text.count > 40 ? String(text.prefix(37)) + "..." : text
    }
}
