import WinnowCore

extension LogEntry {
    /// One line a person can read: sequence, time, who, what. The text comes from the log and
    /// may hold anything a row or a reviewer's note held: sanitise it before a terminal sees it.
    public var summary: String { "#\(seq) \(ts) \(actor.user)@\(actor.host) \(what())" }

    /// The kind and its main fields, without the envelope; `shortPaths` names an imported
    /// file by its last component (screens are narrow; the log has the whole path).
    public func what(shortPaths: Bool = false) -> String {
        if knownKind == .import, let p = try? payload(ImportPayload.self) {
            let file = shortPaths ? String(p.file.split(separator: "/").last ?? Substring(p.file)) : p.file
            return "import \(file) (\(p.rows) rows, \(p.quarantined) quarantined, source \(p.source.prefix(12)))"
        }
        let fields = (raw.objectValue ?? []).filter { !LogEntry.envelopeNames.contains($0.0) }
        return ([kind] + fields.prefix(6).map { "\($0.0)=\(LogEntry.short($0.1))" }).joined(separator: " ")
    }

    static func short(_ value: JSONValue) -> String {
        let text = value.stringValue ?? value.canonicalString
        return text.count > 40 ? String(text.prefix(37)) + "..." : text
    }
}
